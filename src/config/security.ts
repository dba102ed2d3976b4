import { resolve } from 'node:path';
import type { ConfigProblem } from './problems.ts';
import type { SecurityConfig, WrittenRequirements } from './types.ts';
import { isRec, problemAt, str, strings, unreadableFile } from './checks.ts';
import type { SourceFile } from './yaml-locate.ts';

type SecurityDocument = SecurityConfig;

/** The validated `security` section with every path resolved against the service directory. */
export function buildSecurity(doc: SecurityDocument, dir: string): SecurityConfig {
  const abs = (p: string): string => resolve(dir, p);
  const req = (r: WrittenRequirements): WrittenRequirements => ({
    ...(r.signature !== undefined ? { signature: r.signature } : {}),
    ...(r.signedParts !== undefined ? { signedParts: [...r.signedParts] } : {}),
    ...(r.encryptedParts !== undefined ? { encryptedParts: [...r.encryptedParts] } : {}),
    ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
    ...(r.saml !== undefined ? { saml: r.saml } : {}),
    ...(r.allowAlgorithms !== undefined ? { allowAlgorithms: [...r.allowAlgorithms] } : {}),
  });
  return {
    mode: doc.mode,
    ...(doc.actor !== undefined ? { actor: doc.actor } : {}),
    wsdlPolicy: doc.wsdlPolicy,
    policyMode: doc.policyMode,
    policyModes: { ...doc.policyModes },
    trust: {
      anchors: doc.trust.anchors.map(abs),
      intermediates: doc.trust.intermediates.map(abs),
      knownCertificates: doc.trust.knownCertificates.map(abs),
      crls: doc.trust.crls.map(abs),
    },
    ...(doc.decryption !== undefined
      ? {
          decryption: {
            key: abs(doc.decryption.key),
            certificate: abs(doc.decryption.certificate),
            ...(doc.decryption.passphrase !== undefined
              ? { passphrase: 'file' in doc.decryption.passphrase ? { file: abs(doc.decryption.passphrase.file) } : { env: doc.decryption.passphrase.env } }
              : {}),
          },
        }
      : {}),
    timestamp: { ...doc.timestamp },
    ...(doc.usernameToken !== undefined
      ? { usernameToken: { users: abs(doc.usernameToken.users), passwordTypes: [...doc.usernameToken.passwordTypes], maxAgeSeconds: doc.usernameToken.maxAgeSeconds } }
      : {}),
    ...(doc.saml !== undefined
      ? {
          saml: {
            issuers: doc.saml.issuers.map((i) => ({ entityId: i.entityId, certificate: abs(i.certificate) })),
            audience: doc.saml.audience,
            skewSeconds: doc.saml.skewSeconds,
            maxAgeSeconds: doc.saml.maxAgeSeconds,
            versions: [...doc.saml.versions],
            recipients: [...doc.saml.recipients],
            senders: doc.saml.senders.map((x) => ({ certificate: abs(x.certificate) })),
            senderVouches: { requireSignedAssertion: doc.saml.senderVouches.requireSignedAssertion },
          },
        }
      : {}),
    require: req(doc.require),
    operations: Object.fromEntries(Object.entries(doc.operations).map(([k, v]) => [k, req(v)])),
    legacy: [...doc.legacy],
    replay: { maxEntries: doc.replay.maxEntries },
  };
}

/** Files of the security section must exist; an enforcing service needs trust anchors. */
export function checkSecurity(src: SourceFile, dir: string): ConfigProblem[] {
  const data = src.data;
  if (!isRec(data) || !isRec(data['security'])) return [];
  const sec = data['security'];
  const out: ConfigProblem[] = [];
  const fileAt = (pointer: string, value: unknown): void => {
    const p = str(value);
    if (p === undefined) return;
    const why = unreadableFile(resolve(dir, p));
    if (why !== undefined) out.push(problemAt(src, pointer, `file ${why}`));
  };
  if (isRec(sec['trust'])) {
    for (const key of ['anchors', 'intermediates', 'knownCertificates', 'crls']) {
      strings(sec['trust'][key]).forEach((f, i) => fileAt(`/security/trust/${key}/${i}`, f));
    }
  }
  if (isRec(sec['decryption'])) {
    fileAt('/security/decryption/key', sec['decryption']['key']);
    fileAt('/security/decryption/certificate', sec['decryption']['certificate']);
  }
  if (isRec(sec['usernameToken'])) fileAt('/security/usernameToken/users', sec['usernameToken']['users']);
  if (isRec(sec['saml']) && Array.isArray(sec['saml']['issuers'])) {
    const seen = new Set<string>();
    sec['saml']['issuers'].forEach((issuer: unknown, i: number) => {
      if (!isRec(issuer)) return;
      fileAt(`/security/saml/issuers/${i}/certificate`, issuer['certificate']);
      const id = str(issuer['entityId']);
      if (id !== undefined && seen.has(id)) out.push(problemAt(src, `/security/saml/issuers/${i}/entityId`, `issuer ${JSON.stringify(id)} is listed twice`));
      if (id !== undefined) seen.add(id);
    });
  }
  if (isRec(sec['saml']) && Array.isArray(sec['saml']['senders'])) {
    sec['saml']['senders'].forEach((sender: unknown, i: number) => {
      if (isRec(sender)) fileAt(`/security/saml/senders/${i}/certificate`, sender['certificate']);
    });
  }
  // An operation (or the service) that requires SAML needs the saml section to verify it with.
  const wantsSaml = (r: unknown): boolean => isRec(r) && r['saml'] === true;
  if (!isRec(sec['saml']) && sec['mode'] === 'enforce') {
    if (wantsSaml(sec['require'])) out.push(problemAt(src, '/security/require/saml', 'saml: true needs a security.saml section (issuers and audience)'));
    if (isRec(sec['operations'])) {
      for (const [op, r] of Object.entries(sec['operations'])) if (wantsSaml(r)) out.push(problemAt(src, `/security/operations/${op}/saml`, 'saml: true needs a security.saml section (issuers and audience)'));
    }
  }
  if (sec['mode'] === 'enforce') {
    const anchors = isRec(sec['trust']) ? strings(sec['trust']['anchors']) : [];
    if (anchors.length === 0) out.push(problemAt(src, '/security/trust/anchors', 'security.mode enforce needs at least one trust anchor (a PEM CA certificate) to verify signatures against'));
  }
  return out;
}
