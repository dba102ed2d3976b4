/**
 * The principal of a request: who the verified facts say is calling. Built only from what the
 * security stage verified (trusted signature certificates, authenticated UsernameTokens, SAML
 * assertions whose signature, conditions and audience verified) and from the TLS client
 * certificate the handshake verified; nothing the message merely claims.
 */
import type { PrincipalSummary } from '../pipeline/exchange.ts';
import type { SecurityFacts } from '../security/types.ts';

export interface CertIdentity {
  readonly subject: string;
  readonly issuer: string;
  readonly fingerprint256: string;
}

export interface SamlIdentity {
  readonly issuer: string;
  readonly nameId?: string;
  /** Attribute Name → values, from the verified assertion. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

export interface Principal {
  /** The certificate of the verified message signature(s). */
  readonly x509?: CertIdentity;
  /** The verified TLS client certificate. */
  readonly tls?: CertIdentity;
  /** The authenticated UsernameToken user. */
  readonly username?: string;
  /** The verified SAML assertion. */
  readonly saml?: SamlIdentity;
}

const certIdentity = (c: CertIdentity): CertIdentity => Object.freeze({ subject: c.subject, issuer: c.issuer, fingerprint256: c.fingerprint256 });

/** X509Certificate prints DNs one RDN per line; rules use the TLS form, `C=NL, O=…, CN=…` (certificate order). */
const oneLine = (dn: string): string => dn.split('\n').filter(Boolean).join(', ');
const signerIdentity = (c: CertIdentity): CertIdentity => Object.freeze({ subject: oneLine(c.subject), issuer: oneLine(c.issuer), fingerprint256: c.fingerprint256 });

/**
 * The principal of verified `facts` (undefined when WS-Security is off) and the TLS client.
 * When several verified signatures (or UsernameTokens) name different identities, the field is
 * left out: an ambiguous identity matches no rule (fail closed).
 */
export function principalOf(facts: SecurityFacts | undefined, tlsClient: CertIdentity | undefined): Principal {
  const signers = new Map((facts?.signatures ?? []).map((s) => [s.signer.fingerprint256, s.signer]));
  const signer = signers.size === 1 ? [...signers.values()][0] : undefined;
  const usernames = new Set((facts?.usernameTokens ?? []).map((u) => u.username));
  const username = usernames.size === 1 ? [...usernames][0] : undefined;
  const assertion = facts?.samlAssertions.length === 1 ? facts.samlAssertions[0] : undefined;
  const saml: SamlIdentity | undefined =
    assertion === undefined
      ? undefined
      : Object.freeze({
          issuer: assertion.issuer,
          ...(assertion.nameId !== undefined ? { nameId: assertion.nameId } : {}),
          attributes: Object.freeze(Object.fromEntries([...assertion.attributes].map(([name, values]) => [name, Object.freeze([...values])]))),
        });
  return Object.freeze({
    ...(signer !== undefined ? { x509: signerIdentity(signer) } : {}),
    ...(tlsClient !== undefined ? { tls: certIdentity(tlsClient) } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(saml !== undefined ? { saml } : {}),
  });
}

/** The principal in one line (kind, subject, issuer) for logs and audit records; the strongest identity wins. */
export function summarizePrincipal(p: Principal): PrincipalSummary {
  if (p.saml) return { kind: 'saml', subject: p.saml.nameId ?? '(no NameID)', issuer: p.saml.issuer, application: undefined };
  if (p.x509) return { kind: 'x509', subject: p.x509.subject, issuer: p.x509.issuer, application: undefined };
  if (p.username !== undefined) return { kind: 'username', subject: p.username, issuer: undefined, application: undefined };
  if (p.tls) return { kind: 'tls', subject: p.tls.subject, issuer: p.tls.issuer, application: undefined };
  return { kind: 'anonymous', subject: '', issuer: undefined, application: undefined };
}
