import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConfigProblem } from '../config/problems.ts';
import { readSecret } from '../config/secrets.ts';
import type { SecurityConfig, ServiceConfig } from '../config/types.ts';
import type { XmlLimits } from '../xml/types.ts';
import { FileCredentialStore } from './credentials/index.ts';
import type { CredentialStore } from './credentials/index.ts';
import { ALG_AES128_CBC, ALG_AES256_CBC, defaultEncryptionPolicy, withLegacyCbc } from './encryption/algorithms.ts';
import type { EncryptionAlgorithmPolicy } from './encryption/types.ts';
import { timestampSettings, type TimestampSettings } from './processors/timestamp.ts';
import { usernameTokenSettings, type UsernameTokenSettings } from './processors/username-token.ts';
import { MemoryReplayCache, type ReplayCache } from './replay/index.ts';
import { SamlConfigError, samlSettings, type SamlSettings } from './saml/index.ts';
import { signaturePolicy } from './signature/index.ts';
import type { SignatureAlgorithmPolicy } from './signature/index.ts';
import { parseCertificateDer } from './x509/cert-facts.ts';
import { TrustStore } from './x509/trust-store.ts';

export interface KeyRules {
  readonly minRsaBits: number;
  readonly allowedCurves: readonly string[];
}

/** Everything WS-Security processing of one service needs, loaded and compiled once at start-up. */
export interface SecurityRuntime {
  readonly config: SecurityConfig;
  readonly trustStore: TrustStore;
  readonly keyRules: KeyRules;
  readonly signaturePolicy: SignatureAlgorithmPolicy;
  readonly encryptionPolicy: EncryptionAlgorithmPolicy;
  readonly cbcAlgorithms: ReadonlySet<string>;
  readonly decryption: { readonly privateKey: KeyObject; readonly certificate: X509Certificate } | undefined;
  readonly timestamp: TimestampSettings;
  readonly usernameToken: UsernameTokenSettings | undefined;
  readonly credentials: CredentialStore | undefined;
  /** `security.saml` with the pinned issuer certificates loaded; undefined: SAML assertions are refused. */
  readonly saml: SamlSettings | undefined;
  readonly replay: ReplayCache;
  readonly limits: XmlLimits;
}

const read = (f: string): string => readFileSync(f, 'utf8');

/** Loads the security material of a service; problems (unreadable PEM, bad key) are collected, not thrown. */
export function compileSecurity(service: ServiceConfig, problems: ConfigProblem[], env: NodeJS.ProcessEnv = process.env): SecurityRuntime | undefined {
  const sec = service.security;
  if (sec.mode !== 'enforce') return undefined;
  const at = (path: string, message: string): void => {
    problems.push({ file: service.file, path, message });
  };
  let trustStore: TrustStore;
  try {
    trustStore = TrustStore.fromPem({
      anchors: sec.trust.anchors.map(read),
      intermediates: sec.trust.intermediates.map(read),
      known: sec.trust.knownCertificates.map(read),
      crls: sec.trust.crls.map(read),
    });
  } catch (err) {
    at('/security/trust', `trust material does not load: ${(err as Error).message}`);
    return undefined;
  }
  let decryption: SecurityRuntime['decryption'];
  if (sec.decryption) {
    try {
      const passphrase = sec.decryption.passphrase ? readSecret(sec.decryption.passphrase, env) : undefined;
      decryption = {
        privateKey: createPrivateKey({ key: read(sec.decryption.key), ...(passphrase !== undefined ? { passphrase } : {}) }),
        certificate: new X509Certificate(read(sec.decryption.certificate)),
      };
      // Clients name this certificate by SKI / IssuerSerial: it must pass the strict DER reader those matches use.
      parseCertificateDer(decryption.certificate.raw);
      if (!decryption.certificate.checkPrivateKey(decryption.privateKey)) throw new Error('the key does not belong to the certificate');
    } catch (err) {
      at('/security/decryption', `decryption key or certificate does not load: ${(err as Error).message}`);
      return undefined;
    }
  }
  let credentials: CredentialStore | undefined;
  if (sec.usernameToken) {
    try {
      credentials = FileCredentialStore.fromYaml(read(sec.usernameToken.users), sec.usernameToken.users, env);
    } catch (err) {
      at('/security/usernameToken/users', `credential file does not load: ${(err as Error).message}`);
      return undefined;
    }
  }
  let saml: SamlSettings | undefined;
  if (sec.saml) {
    try {
      saml = samlSettings(sec.saml, read);
    } catch (err) {
      const path = err instanceof SamlConfigError ? err.path : '/security/saml/issuers';
      at(path, `SAML ${path.startsWith('/security/saml/senders') ? 'sender' : 'issuer'} certificate does not load: ${(err as Error).message}`);
      return undefined;
    }
  }
  const cbc = sec.legacy.includes('aes-cbc');
  const { maxBodyBytes: _ignored, ...limits } = service.limits;
  return Object.freeze({
    config: sec,
    trustStore,
    keyRules: { minRsaBits: 2048, allowedCurves: ['prime256v1', 'secp384r1', 'secp521r1'] },
    signaturePolicy: signaturePolicy({ sha1Digest: sec.legacy.includes('sha1'), rsaSha1: sec.legacy.includes('rsa-sha1') }),
    encryptionPolicy: cbc ? withLegacyCbc(defaultEncryptionPolicy) : defaultEncryptionPolicy,
    cbcAlgorithms: new Set([ALG_AES128_CBC, ALG_AES256_CBC]),
    decryption,
    timestamp: timestampSettings(sec.timestamp),
    usernameToken: sec.usernameToken ? usernameTokenSettings({ passwordTypes: new Set(sec.usernameToken.passwordTypes), futureSkewSeconds: sec.timestamp.futureSkewSeconds, maxAgeSeconds: sec.usernameToken.maxAgeSeconds }) : undefined,
    credentials,
    saml,
    replay: new MemoryReplayCache({ maxEntries: sec.replay.maxEntries }),
    limits,
  });
}
