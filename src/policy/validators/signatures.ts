import type { CertReferenceKind, SecurityFacts, SignatureResult } from '../../security/types.ts';
import type { X509ReferenceStyle, X509TokenRequirement } from '../model.ts';

/** Signatures that sign another verified ds:Signature: endorsing signatures. */
function signsASignature(s: SignatureResult, all: ReadonlySet<unknown>): boolean {
  return s.references.some((r) => all.has(r.node));
}

/** The primary signatures: those that do not endorse another signature of the message. */
export function primarySignatures(facts: SecurityFacts): SignatureResult[] {
  const elements = new Set<unknown>(facts.signatures.map((s) => s.element));
  return facts.signatures.filter((s) => !signsASignature(s, elements));
}

/** Endorsing signatures: over a primary signature, or (TransportBinding: no primary signature) over the Timestamp. */
export function endorsingSignatures(facts: SecurityFacts, transportBinding: boolean): SignatureResult[] {
  const elements = new Set<unknown>(facts.signatures.map((s) => s.element));
  const ts = facts.timestamp?.element;
  return facts.signatures.filter((s) => signsASignature(s, elements) || (transportBinding && ts !== undefined && s.references.some((r) => r.node === ts)));
}

/** The reference style a key reference kind counts as (a KeyIdentifier of either kind, IssuerSerial, thumbprint). */
export function styleOf(kind: CertReferenceKind): X509ReferenceStyle | undefined {
  switch (kind) {
    case 'keyid-ski':
    case 'keyid-x509v3':
      return 'key-identifier';
    case 'issuer-serial':
      return 'issuer-serial';
    case 'keyid-thumbprint':
      return 'thumbprint';
    default:
      return undefined;
  }
}

/**
 * Why a certificate named by `kind` (and `included` as a BinarySecurityToken of the message, or
 * not) does not meet an sp:X509Token, or undefined when it does. "Included" means a wsse:
 * BinarySecurityToken, as WSS4J reads IncludeToken; a KeyIdentifier that carries the certificate
 * is a key identifier reference, not an inclusion.
 */
export function x509TokenMismatch(token: X509TokenRequirement, kind: CertReferenceKind, included: boolean): string | undefined {
  if (token.inclusion === 'always' && !included) return `the certificate must be included as a BinarySecurityToken (IncludeToken), it was referenced by ${kind}`;
  if (token.inclusion === 'never' && included) return 'the certificate must not be included in the message (IncludeToken Never), it travelled as a BinarySecurityToken';
  if (token.references.length > 0) {
    const style = styleOf(kind);
    if (style === undefined || !token.references.includes(style)) return `the certificate must be referenced by ${token.references.join(' or ')}, it was referenced by ${kind}`;
  }
  return undefined;
}

/** Was the signer's certificate sent as a BinarySecurityToken in the Security header? */
export function signerIncluded(facts: SecurityFacts, s: SignatureResult): boolean {
  if (s.signerReference === 'bst-direct') return true;
  const raw = s.signer.cert.raw;
  return facts.results.some((r) => r.kind === 'binarySecurityToken' && r.cert.raw.equals(raw));
}
