import { createHash } from 'node:crypto';
import { DerError, TAG, childrenOf, contentOf, expectTag, readBitString, readBoolean, readInteger, readOid, readRoot, readTime } from './der.ts';
import type { Tlv } from './der.ts';
import { nameKey, readName } from './dn.ts';
import type { NameAttribute } from './dn.ts';

export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** RFC 5280 §4.2.1.3, in bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface Extension {
  readonly critical: boolean;
  /** The extnValue OCTET STRING content (the DER of the extension's own value). */
  readonly value: Uint8Array;
}

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLen: number | undefined;
}

/** What the gateway reads from a certificate's DER itself (node's X509Certificate does not expose it). */
export interface CertFacts {
  readonly serial: bigint;
  readonly issuer: readonly NameAttribute[];
  readonly subject: readonly NameAttribute[];
  readonly issuerKey: string;
  readonly subjectKey: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subjectPublicKey BIT STRING bytes (without the unused-bits octet). */
  readonly subjectPublicKey: Uint8Array;
  readonly extensions: ReadonlyMap<string, Extension>;
  readonly basicConstraints: BasicConstraints | undefined;
  readonly keyUsage: ReadonlySet<KeyUsage> | undefined;
  /** The SubjectKeyIdentifier extension, or undefined when the certificate has none. */
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  /** The SKI a reference may use: the extension, else RFC 5280 §4.2.1.2 method (1), as WSS4J computes it. */
  readonly effectiveSki: Uint8Array;
}

const MAX_PATH_LEN = 255;

function readBasicConstraints(value: Uint8Array): BasicConstraints {
  const seq = readRoot(value, TAG.SEQUENCE);
  const kids = childrenOf(value, seq);
  let i = 0;
  let ca = false;
  const k0 = kids[0];
  if (k0 !== undefined && k0.tag === TAG.BOOLEAN) {
    // An explicit cA FALSE is not DER (DEFAULT value) but common in the wild; it means the same.
    ca = readBoolean(value, k0);
    i++;
  }
  let pathLen: number | undefined;
  const k1 = kids[i];
  if (k1 !== undefined) {
    const n = readInteger(value, k1);
    if (n < 0n || n > BigInt(MAX_PATH_LEN)) throw new DerError('basicConstraints: pathLenConstraint out of range');
    pathLen = Number(n);
    i++;
  }
  if (i !== kids.length) throw new DerError('basicConstraints: unexpected content');
  return { ca, pathLen };
}

function readKeyUsage(value: Uint8Array): Set<KeyUsage> {
  const { bytes } = readBitString(value, readRoot(value, TAG.BIT_STRING));
  const out = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) out.add(name);
  });
  return out;
}

function readSki(value: Uint8Array): Uint8Array {
  const t = readRoot(value, TAG.OCTET_STRING);
  if (t.end === t.body) throw new DerError('empty subjectKeyIdentifier');
  return contentOf(value, t);
}

function readExtensions(buf: Uint8Array, wrapper: Tlv): Map<string, Extension> {
  const seq = expectTag(childrenOf(buf, wrapper)[0], TAG.SEQUENCE, 'Extensions');
  if (childrenOf(buf, wrapper).length !== 1) throw new DerError('[3] holds more than Extensions');
  const out = new Map<string, Extension>();
  for (const ext of childrenOf(buf, seq)) {
    expectTag(ext, TAG.SEQUENCE, 'Extension');
    const parts = childrenOf(buf, ext);
    const oid = readOid(buf, expectTag(parts[0], TAG.OID, 'extnID'));
    let critical = false;
    let vi = 1;
    if (parts[1]?.tag === TAG.BOOLEAN) {
      critical = readBoolean(buf, parts[1]);
      vi = 2;
    }
    const value = expectTag(parts[vi], TAG.OCTET_STRING, 'extnValue');
    if (parts.length !== vi + 1) throw new DerError('Extension shape');
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (out.has(oid)) throw new DerError(`duplicate extension ${oid}`);
    out.set(oid, { critical, value: contentOf(buf, value) });
  }
  return out;
}

/** Reads a certificate (DER). Throws DerError when it is not a well-formed X.509 v1–v3 certificate. */
export function parseCertificateDer(der: Uint8Array): CertFacts {
  const cert = readRoot(der, TAG.SEQUENCE);
  const [tbs, sigAlg, sig, extra] = childrenOf(der, cert);
  expectTag(sigAlg, TAG.SEQUENCE, 'signatureAlgorithm');
  expectTag(sig, TAG.BIT_STRING, 'signatureValue');
  if (extra !== undefined) throw new DerError('Certificate shape');
  const f = childrenOf(der, expectTag(tbs, TAG.SEQUENCE, 'tbsCertificate'));
  let i = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = readInteger(der, expectTag(f[i++], TAG.INTEGER, 'serialNumber'));
  expectTag(f[i++], TAG.SEQUENCE, 'signature');
  const issuer = readName(der, expectTag(f[i++], TAG.SEQUENCE, 'issuer'));
  const validity = childrenOf(der, expectTag(f[i++], TAG.SEQUENCE, 'validity'));
  const subject = readName(der, expectTag(f[i++], TAG.SEQUENCE, 'subject'));
  const spki = childrenOf(der, expectTag(f[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo'));
  const [nb, na] = validity;
  if (nb === undefined || na === undefined || validity.length !== 2) throw new DerError('Validity shape');
  const { bytes: subjectPublicKey } = readBitString(der, expectTag(spki[1], TAG.BIT_STRING, 'subjectPublicKey'));
  if (f[i]?.tag === 0x81) i++;
  if (f[i]?.tag === 0x82) i++;
  let extensions = new Map<string, Extension>();
  const wrapper = f[i];
  if (wrapper !== undefined) {
    expectTag(wrapper, 0xa3, 'extensions');
    extensions = readExtensions(der, wrapper);
    i++;
  }
  if (i !== f.length) throw new DerError('tbsCertificate shape');
  const bc = extensions.get(OID_BASIC_CONSTRAINTS);
  const ku = extensions.get(OID_KEY_USAGE);
  const ski = extensions.get(OID_SUBJECT_KEY_IDENTIFIER);
  const subjectKeyIdentifier = ski === undefined ? undefined : readSki(ski.value);
  return {
    serial,
    issuer,
    subject,
    issuerKey: nameKey(issuer),
    subjectKey: nameKey(subject),
    notBefore: readTime(der, nb),
    notAfter: readTime(der, na),
    subjectPublicKey,
    extensions,
    basicConstraints: bc === undefined ? undefined : readBasicConstraints(bc.value),
    keyUsage: ku === undefined ? undefined : readKeyUsage(ku.value),
    subjectKeyIdentifier,
    effectiveSki: subjectKeyIdentifier ?? createHash('sha1').update(subjectPublicKey).digest(),
  };
}
