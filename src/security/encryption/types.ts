import type { KeyObject, X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { XmlLimits } from '../../xml/types.ts';

/** The algorithm URIs a service accepts for inbound XML Encryption (compiled once per service). */
export interface EncryptionAlgorithmPolicy {
  /** Key transport URIs (RSA-OAEP variants only; rsa-1_5 is refused whatever this holds). */
  readonly keyTransport: ReadonlySet<string>;
  /** Block encryption URIs (AES-GCM by default; AES-CBC only when the service opts in). */
  readonly dataEncryption: ReadonlySet<string>;
}

/** What the decryption processors need for one message: read-only, built by the security engine. */
export interface DecryptContext {
  readonly idIndex: { get(id: string): Element | undefined };
  readonly policy: EncryptionAlgorithmPolicy;
  /** The gateway's decryption private key and its certificate (to check the EncryptedKey names it). */
  readonly privateKey: KeyObject;
  readonly certificate: X509Certificate;
  /** Limits for re-parsing the plaintext (the depth of the insertion point is subtracted). */
  readonly limits: XmlLimits;
}
