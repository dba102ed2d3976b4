/**
 * Plain words for one alternative of an operation's contract, as `wsgate check --explain` prints
 * it for a security review. Every line ends with where the requirement came from: the WSDL
 * assertion (`[WSDL sp:SignedParts/sp:Body]`) or the service.yaml key.
 */
import type { SecurityConfig, SecurityRequirements } from '../config/types.ts';
import { algorithmName, allowanceUris } from './algorithm-names.ts';
import type { AlgorithmSuiteRequirement, HeaderRequirement, SupportingTokenRequirement, X509TokenRequirement } from './model.ts';

const from = (origin: string | undefined): string => (origin === undefined ? '' : origin.startsWith('service.yaml') ? ` [${origin}]` : ` [WSDL ${origin}]`);

const STYLE_WORDS: Readonly<Record<string, string>> = { 'key-identifier': 'a KeyIdentifier', 'issuer-serial': 'IssuerSerial', thumbprint: 'its SHA-1 thumbprint' };

function tokenWords(t: X509TokenRequirement): string {
  const refs = t.references.length === 0 ? 'any reference form' : t.references.map((s) => STYLE_WORDS[s] ?? s).join(' or ');
  const inclusion = t.inclusion === 'always' ? 'sent in the message as a BinarySecurityToken' : t.inclusion === 'never' ? `never sent, referenced by ${refs}` : 'sent once or referenced';
  const how = t.inclusion === 'always' && t.references.length > 0 ? `${inclusion}, referenced by ${refs}` : inclusion;
  return `${how}${t.tokenType !== undefined ? `, X.509 v3 (${t.tokenType})` : ''}`;
}

function headerWords(h: HeaderRequirement): string {
  if (h.ns === undefined) return 'every header block for the ultimate receiver';
  return h.local === undefined ? `every header block in namespace ${h.ns}` : `the header block {${h.ns}}${h.local} (when present)`;
}

function suiteWords(s: AlgorithmSuiteRequirement, r: SecurityRequirements): string {
  const list = (uris: readonly string[]): string => uris.map(algorithmName).join(' or ');
  const extra = [...allowanceUris(r.allowAlgorithms ?? [], 'signature'), ...allowanceUris(r.allowAlgorithms ?? [], 'digest'), ...allowanceUris(r.allowAlgorithms ?? [], 'keyTransport'), ...allowanceUris(r.allowAlgorithms ?? [], 'encryption')];
  return `algorithm suite ${s.name}: signatures ${list(s.signature)}, digests ${list(s.digest)}, key transport ${list(s.keyTransport)}, data ${list(s.encryption)}, RSA keys ${s.minRsaBits}–${s.maxRsaBits} bits${extra.length > 0 ? `; also allowed by service.yaml allowAlgorithms: ${extra.map(algorithmName).join(', ')}` : ''}; the gateway's own allowlist still applies (RSA-1_5 never, SHA-1 and AES-CBC only with legacy, RSA ≥ 2048 bits)`;
}

function supportingWords(t: SupportingTokenRequirement, sec: SecurityConfig): string {
  const signed = t.container === 'SignedSupportingTokens' || t.container === 'SignedEndorsingSupportingTokens' ? ', covered by the message signature' : '';
  if (t.kind === 'username') {
    const extras = [t.nonce ? 'a Nonce' : '', t.created ? 'a Created' : ''].filter(Boolean).join(' and ');
    return `must carry a UsernameToken with Password${t.password === 'digest' ? 'Digest' : 'Text'}${extras ? ` and ${extras}` : ''}, for a user of ${sec.usernameToken?.users ?? '(no credential file configured)'}${signed}`;
  }
  if (t.kind === 'x509') return `must carry an endorsing X.509 signature over the message signature, by a certificate ${tokenWords(t.token)}${signed}`;
  const saml = sec.saml;
  const version = t.version ?? (saml ? saml.versions.join(' or ') : '2.0');
  return `must carry a SAML ${version} assertion from ${saml ? saml.issuers.map((i) => i.entityId).join(' or ') : '(no issuer configured)'} for audience ${saml ? JSON.stringify(saml.audience) : '-'} (issuers and audience: service.yaml security.saml)${signed}`;
}

/** The requirements of one alternative, one plain sentence per line, each with its origin. */
export function describeAlternative(r: SecurityRequirements, sec: SecurityConfig): string[] {
  const o = r.origins ?? {};
  const out: string[] = [];
  if (r.transport) out.push(`must arrive over HTTPS${r.transport.clientCertificate ? ' with a TLS client certificate the handshake verified' : ''}${from(r.transport.assertion)}`);
  if (r.signature) out.push(`must be signed (XML Signature) with a certificate that chains to a configured trust anchor${from(o.signature)}`);
  if (r.signer) out.push(`the signing certificate is ${tokenWords(r.signer)}${from(r.signer.assertion)}`);
  if (r.signedParts.includes('body')) out.push(`the signature must cover the Envelope's own Body element${from(o.signedBody)}`);
  if (r.signedParts.includes('timestamp')) out.push(`the signature must cover the Timestamp of the gateway's Security header${from(o.signedTimestamp)}`);
  for (const h of r.signedHeaders ?? []) out.push(`the signature must cover ${headerWords(h)}${from(h.assertion)}`);
  for (const e of r.signedElements ?? []) out.push(`the signature must cover every element at ${e.xpath}${from(e.assertion)}`);
  if (r.timestamp) {
    out.push(`must carry a Timestamp: Created at most ${sec.timestamp.futureSkewSeconds} s ahead and at most ${sec.timestamp.ttlSeconds} s old, Expires ${sec.timestamp.requireExpires ? 'required' : 'optional'}${from(o.timestamp)}`);
  }
  if (r.encryptedParts.includes('body')) out.push(`the Body must arrive encrypted to the gateway certificate${from(o.encryptedBody)}`);
  for (const h of r.encryptedHeaders ?? []) out.push(`${headerWords(h)} must arrive encrypted${from(h.assertion)}`);
  for (const e of r.encryptedElements ?? []) out.push(`every element at ${e.xpath} must arrive encrypted${from(e.assertion)}`);
  if (r.recipient) out.push(`encrypted data names the gateway certificate ${tokenWords(r.recipient).replace(/^never sent, /, '')}${from(r.recipient.assertion)}`);
  const samlToken = r.supportingTokens?.some((t) => t.kind === 'saml') === true;
  if (r.saml && !samlToken) out.push(`${supportingWords({ kind: 'saml', assertion: '', container: 'SupportingTokens', version: undefined }, sec)}${from(o.saml)}`);
  for (const t of r.supportingTokens ?? []) out.push(`${supportingWords(t, sec)}${from(t.assertion)}`);
  if (r.algorithmSuite) out.push(`${suiteWords(r.algorithmSuite, r)}${from(r.algorithmSuite.assertion)}`);
  if (r.layout) out.push(`Security header layout ${r.layout.layout}${r.layout.layout === 'Lax' ? ' (any order)' : ''}${from(r.layout.assertion)}`);
  if (r.onlySignEntireHeadersAndBody) out.push(`signatures may cover only whole header blocks, the Body and elements of the Security header${from(r.onlySignEntireHeadersAndBody)}`);
  if (r.protectTokens) out.push(`each signature must also cover the BinarySecurityToken of its own certificate${from(r.protectTokens)}`);
  if (r.addressing) out.push(`must carry WS-Addressing (a wsa:Action header)${from(r.addressing)}`);
  for (const x of r.recorded ?? []) out.push(`recorded, no check of its own: ${x.note}${from(x.assertion)}`);
  if (out.length === 0) out.push('no message-level protection is required');
  return out;
}

/** One line for `wsgate check`: the first alternative in short. */
export function shortRequirements(r: SecurityRequirements): string {
  const parts = [
    r.transport ? `HTTPS${r.transport.clientCertificate ? ' + client certificate' : ''}` : '',
    r.signature ? 'X.509 signature' : 'no signature',
    r.signedParts.length > 0 ? `signed: ${r.signedParts.join(', ')}` : 'nothing signed',
    r.encryptedParts.length > 0 ? `encrypted: ${r.encryptedParts.join(', ')}` : '',
    r.timestamp ? 'Timestamp' : 'no Timestamp',
    r.saml ? `SAML ${[...new Set((r.supportingTokens ?? []).flatMap((t) => (t.kind === 'saml' ? [t.version ?? 'assertion'] : [])))].join('/') || 'assertion'}` : '',
    ...(r.supportingTokens ?? []).filter((t) => t.kind !== 'saml').map((t) => (t.kind === 'username' ? `UsernameToken (${t.password})` : 'endorsing X.509')),
    r.algorithmSuite ? r.algorithmSuite.name : '',
  ];
  return parts.filter(Boolean).join('; ');
}
