import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Element } from '@xmldom/xmldom';
import type { SecurityRequirements } from '../../../src/config/types.ts';
import type { CertReferenceKind, DecryptionResult, SecurityFacts, SignatureResult, TrustedCert } from '../../../src/security/types.ts';
import { SIG_RSA_SHA256 } from '../../../src/security/signature/algorithms.ts';
import { repoRoot } from '../../support/ports.ts';
import { envelopeOf } from './helpers.ts';

const certs = join(repoRoot, 'test', 'fixtures', 'interop', 'certs');
export const rsaCert = new X509Certificate(readFileSync(join(certs, 'client-rsa.pem')));
export const ecCert = new X509Certificate(readFileSync(join(certs, 'client-ec.pem')));

const trusted = (cert: X509Certificate): TrustedCert => ({ cert, path: [cert], fingerprint256: cert.fingerprint256, subject: cert.subject, issuer: cert.issuer });

/**
 * One message, parsed, with a Security header holding (in this order) a BinarySecurityToken, a
 * ds:Signature, a wsu:Timestamp and a UsernameToken, a wsa:To header, and an o:Order/o:Card Body.
 * Facts are made by hand from its elements: the validators judge facts, not signatures.
 */
export function message(securityOrder: readonly ('bst' | 'sig' | 'ts' | 'ut')[] = ['bst', 'sig', 'ts', 'ut']) {
  const parts: Record<string, string> = {
    bst: '<wsse:BinarySecurityToken wsu:Id="bst">MII=</wsse:BinarySecurityToken>',
    sig: '<ds:Signature Id="sig"/>',
    ts: '<wsu:Timestamp wsu:Id="ts"/>',
    ut: '<wsse:UsernameToken wsu:Id="ut"/>',
  };
  const env = envelopeOf(
    `<wsse:Security>${securityOrder.map((p) => parts[p]).join('')}</wsse:Security><a:To>urn:x</a:To><a:Action>urn:echo:Echo</a:Action>`,
    '<o:Order xmlns:o="urn:orders"><o:Card>4111</o:Card></o:Order>',
  );
  const byName = (local: string): Element => {
    const found = Array.from(env.doc.getElementsByTagName('*')).find((e) => e.localName === local);
    if (found === undefined) throw new Error(local);
    return found;
  };
  return {
    env,
    header: byName('Security'),
    bst: byName('BinarySecurityToken'),
    sig: byName('Signature'),
    ts: byName('Timestamp'),
    ut: byName('UsernameToken'),
    to: byName('To'),
    action: byName('Action'),
    order: byName('Order'),
    card: byName('Card'),
  };
}

export type Message = ReturnType<typeof message>;

export function signature(el: Element, nodes: readonly Element[], over: { reference?: CertReferenceKind; token?: Element; cert?: X509Certificate; method?: string; digest?: string } = {}): SignatureResult {
  return {
    kind: 'signature',
    element: el,
    signatureMethod: over.method ?? SIG_RSA_SHA256,
    canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    signer: trusted(over.cert ?? rsaCert),
    signerReference: over.reference ?? (over.token !== undefined ? 'bst-direct' : 'keyid-ski'),
    signerToken: over.token,
    references: nodes.map((node) => ({ node, uri: '#x', digestMethod: over.digest ?? 'http://www.w3.org/2001/04/xmlenc#sha256', transforms: [] })),
    signatureValueDigest: 'x',
    signedInfoDigest: 'y',
  };
}

export function decryption(decrypted: readonly Element[], over: Partial<DecryptionResult> = {}): DecryptionResult {
  return { kind: 'decryption', element: decrypted[0] as Element, keyTransport: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p', keyReference: 'issuer-serial', dataAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', target: 'element', decrypted, ...over };
}

/** Facts of `m` with the given signatures and decryptions (signedElements derived from them). */
export function factsOf(m: Message, over: { signatures?: SignatureResult[]; decryptions?: DecryptionResult[]; usernames?: SecurityFacts['usernameTokens']; saml?: boolean; timestamp?: boolean } = {}): SecurityFacts {
  const signatures = over.signatures ?? [];
  return {
    header: m.header,
    results: [...signatures, ...(over.decryptions ?? [])],
    timestamp: over.timestamp === false ? undefined : { kind: 'timestamp', element: m.ts, created: new Date(0), expires: undefined },
    signatures,
    signedElements: new Set(signatures.flatMap((s) => s.references.map((r) => r.node))),
    decryptions: over.decryptions ?? [],
    usernameTokens: over.usernames ?? [],
    samlAssertions: over.saml === true ? [{ kind: 'samlAssertion', element: m.ut, version: '2.0', issuer: 'idp', id: 'a', issueInstant: new Date(0), signed: true, nameId: undefined, nameIdFormat: undefined, attributes: new Map(), confirmation: 'bearer', holderOfKeyCerts: [], oneTimeUse: false, notOnOrAfter: new Date(0) }] : [],
    legacyUsed: [],
  };
}

/** Requirements with nothing required but what `over` says. */
export function req(over: Partial<SecurityRequirements> = {}): SecurityRequirements {
  return { signature: false, signedParts: [], encryptedParts: [], timestamp: false, saml: false, ...over };
}
