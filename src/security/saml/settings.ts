import { X509Certificate, type KeyObject } from 'node:crypto';
import type { SamlConfig } from '../../config/types.ts';

/** One trusted identity provider: its entityId and the pinned key its assertions are verified with. */
export interface SamlIssuer {
  readonly entityId: string;
  readonly certificate: X509Certificate;
  readonly key: KeyObject;
}

/** `security.saml`, compiled once at start-up. */
export interface SamlSettings {
  readonly issuers: ReadonlyMap<string, SamlIssuer>;
  readonly audience: string;
  readonly skewMs: number;
  readonly maxAgeMs: number;
  readonly versions: ReadonlySet<string>;
  /** Empty: a bearer Recipient is not checked. */
  readonly recipients: ReadonlySet<string>;
  /** Sender-vouches: certificates whose message signature may vouch for an assertion (empty: refused). */
  readonly senders: readonly X509Certificate[];
  /** Sender-vouches assertions must carry their issuer's signature too. */
  readonly requireSignedAssertion: boolean;
}

/** A certificate of the saml section that does not load; `path` is its JSON pointer. */
export class SamlConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'SamlConfigError';
  }
}

const MIN_RSA_BITS = 2048;

function load(pemText: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pemText);
  } catch (err) {
    throw new SamlConfigError(path, (err as Error).message);
  }
}

/**
 * Loads the pinned issuer certificates (PEM text, by entityId) and the sender certificates.
 * Throws a SamlConfigError on a certificate that does not parse or an issuer key too weak to
 * verify assertions with.
 */
export function samlSettings(config: SamlConfig, pem: (file: string) => string): SamlSettings {
  const issuers = new Map<string, SamlIssuer>();
  config.issuers.forEach((i, n) => {
    const path = `/security/saml/issuers/${n}/certificate`;
    const certificate = load(pem(i.certificate), path);
    const key = certificate.publicKey;
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if ((key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && (bits === undefined || bits < MIN_RSA_BITS)) {
      throw new SamlConfigError(path, `the certificate of ${i.entityId} has a ${bits ?? '?'}-bit RSA key (at least ${MIN_RSA_BITS})`);
    }
    issuers.set(i.entityId, { entityId: i.entityId, certificate, key });
  });
  const senders = config.senders.map((s, n) => load(pem(s.certificate), `/security/saml/senders/${n}/certificate`));
  return Object.freeze({
    issuers,
    audience: config.audience,
    skewMs: config.skewSeconds * 1000,
    maxAgeMs: config.maxAgeSeconds * 1000,
    versions: new Set<string>(config.versions),
    recipients: new Set(config.recipients),
    senders: Object.freeze(senders),
    requireSignedAssertion: config.senderVouches.requireSignedAssertion,
  });
}
