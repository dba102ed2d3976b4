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
}

const MIN_RSA_BITS = 2048;

/**
 * Loads the pinned issuer certificates (PEM text, by entityId). Throws on a certificate that does
 * not parse or whose key is too weak to verify assertions with.
 */
export function samlSettings(config: SamlConfig, pem: (file: string) => string): SamlSettings {
  const issuers = new Map<string, SamlIssuer>();
  for (const i of config.issuers) {
    const certificate = new X509Certificate(pem(i.certificate));
    const key = certificate.publicKey;
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if ((key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && (bits === undefined || bits < MIN_RSA_BITS)) {
      throw new Error(`the certificate of ${i.entityId} has a ${bits ?? '?'}-bit RSA key (at least ${MIN_RSA_BITS})`);
    }
    issuers.set(i.entityId, { entityId: i.entityId, certificate, key });
  }
  return Object.freeze({
    issuers,
    audience: config.audience,
    skewMs: config.skewSeconds * 1000,
    maxAgeMs: config.maxAgeSeconds * 1000,
    versions: new Set<string>(config.versions),
    recipients: new Set(config.recipients),
  });
}
