import type { SecurityFacts } from './types.ts';

/** The non-secret facts of WS-Security processing, as logs and audit records carry them. */
export interface SecuritySummary {
  readonly signers: readonly { readonly subject: string; readonly issuer: string; readonly fingerprint256: string; readonly reference: string }[];
  readonly signatureMethods: readonly string[];
  readonly digestMethods: readonly string[];
  readonly signedElements: readonly string[];
  readonly encryption: readonly { readonly keyTransport: string | undefined; readonly data: string; readonly target: string }[];
  readonly timestamp: { readonly created: string; readonly expires: string | undefined } | undefined;
  readonly usernames: readonly string[];
  /** Verified SAML assertions: who vouched for whom, and how (never the assertion body or attributes). */
  readonly saml: readonly { readonly issuer: string; readonly version: string; readonly nameId: string | undefined; readonly confirmation: string; readonly signed: boolean }[];
  readonly legacyUsed: readonly string[];
}

export function summarizeFacts(f: SecurityFacts): SecuritySummary {
  return {
    signers: f.signatures.map((s) => ({ subject: s.signer.subject, issuer: s.signer.issuer, fingerprint256: s.signer.fingerprint256, reference: s.signerReference })),
    signatureMethods: [...new Set(f.signatures.map((s) => s.signatureMethod))],
    digestMethods: [...new Set(f.signatures.flatMap((s) => s.references.map((r) => r.digestMethod)))],
    signedElements: [...new Set(f.signatures.flatMap((s) => s.references.map((r) => `{${r.node.namespaceURI ?? ''}}${r.node.localName ?? ''}`)))],
    encryption: f.decryptions.map((d) => ({ keyTransport: d.keyTransport, data: d.dataAlgorithm, target: d.target })),
    timestamp: f.timestamp ? { created: f.timestamp.created.toISOString(), expires: f.timestamp.expires?.toISOString() } : undefined,
    usernames: f.usernameTokens.map((u) => u.username),
    saml: f.samlAssertions.map((a) => ({ issuer: a.issuer, version: a.version, nameId: a.nameId, confirmation: a.confirmation, signed: a.signed })),
    legacyUsed: f.legacyUsed,
  };
}
