import { verify as verifySignature } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import { DerError, TAG, childrenOf, expectTag, readBitString, readBoolean, readInteger, readOid, readRoot, readTime } from './der.ts';
import type { Tlv } from './der.ts';
import { nameKey, readName } from './dn.ts';
import { pemBlocks } from './pem.ts';

/**
 * X.509 v2 CRLs (RFC 5280 §5), the simple profile only: a full CRL issued directly by a CA of the
 * store. Delta CRLs, indirect CRLs and distribution-point scoping are refused (any critical CRL
 * or entry extension), so a CRL is never half-understood.
 */
export interface Crl {
  readonly issuerKey: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly revoked: ReadonlySet<bigint>;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
}

/** Signature algorithms accepted on CRLs (SHA-1 and MD5 refused; RSA-PSS not supported). */
const SIG_HASH: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.11', 'sha256'],
  ['1.2.840.113549.1.1.12', 'sha384'],
  ['1.2.840.113549.1.1.13', 'sha512'],
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
]);

function rejectCriticalExtensions(buf: Uint8Array, wrapper: Tlv, what: string): void {
  for (const ext of childrenOf(buf, expectTag(wrapper, TAG.SEQUENCE, what))) {
    const parts = childrenOf(buf, expectTag(ext, TAG.SEQUENCE, 'Extension'));
    const oid = readOid(buf, expectTag(parts[0], TAG.OID, 'extnID'));
    const p1 = parts[1];
    if (p1?.tag === TAG.BOOLEAN && readBoolean(buf, p1)) throw new DerError(`unsupported critical ${what} ${oid}`);
  }
}

function algorithmOid(buf: Uint8Array, t: Tlv | undefined): string {
  return readOid(buf, expectTag(childrenOf(buf, expectTag(t, TAG.SEQUENCE, 'AlgorithmIdentifier'))[0], TAG.OID, 'algorithm'));
}

export function parseCrlDer(der: Uint8Array): Crl {
  const root = readRoot(der, TAG.SEQUENCE);
  const [tbs, sigAlg, sig, extra] = childrenOf(der, root);
  if (extra !== undefined) throw new DerError('CertificateList shape');
  const tbsTlv = expectTag(tbs, TAG.SEQUENCE, 'tbsCertList');
  const f = childrenOf(der, tbsTlv);
  let i = f[0]?.tag === TAG.INTEGER ? 1 : 0;
  if (i === 1 && readInteger(der, f[0] as Tlv) !== 1n) throw new DerError('CRL version is not v2');
  const innerAlg = f[i++];
  const signatureAlgorithm = algorithmOid(der, sigAlg);
  if (algorithmOid(der, innerAlg) !== signatureAlgorithm) throw new DerError('tbsCertList signature algorithm differs from the outer one');
  const issuer = readName(der, expectTag(f[i++], TAG.SEQUENCE, 'issuer'));
  const thisTlv = f[i++];
  if (thisTlv === undefined) throw new DerError('thisUpdate missing');
  const thisUpdate = readTime(der, thisTlv);
  let nextUpdate: Date | undefined;
  const maybeNext = f[i];
  if (maybeNext !== undefined && (maybeNext.tag === TAG.UTC_TIME || maybeNext.tag === TAG.GENERALIZED_TIME)) {
    nextUpdate = readTime(der, maybeNext);
    i++;
  }
  const revoked = new Set<bigint>();
  const list = f[i];
  if (list !== undefined && list.tag === TAG.SEQUENCE) {
    for (const entry of childrenOf(der, list)) {
      const [serial, date, exts, more] = childrenOf(der, expectTag(entry, TAG.SEQUENCE, 'revokedCertificate'));
      if (serial === undefined || date === undefined || more !== undefined) throw new DerError('revokedCertificate shape');
      readTime(der, date);
      if (exts !== undefined) rejectCriticalExtensions(der, exts, 'CRL entry extension');
      revoked.add(readInteger(der, serial));
    }
    i++;
  }
  const crlExts = f[i];
  if (crlExts !== undefined) {
    expectTag(crlExts, 0xa0, 'crlExtensions');
    const [inner, again] = childrenOf(der, crlExts);
    if (inner === undefined || again !== undefined) throw new DerError('crlExtensions shape');
    rejectCriticalExtensions(der, inner, 'CRL extension');
    i++;
  }
  if (i !== f.length) throw new DerError('tbsCertList shape');
  const { unusedBits, bytes } = readBitString(der, expectTag(sig, TAG.BIT_STRING, 'signatureValue'));
  if (unusedBits !== 0) throw new DerError('signature has unused bits');
  return {
    issuerKey: nameKey(issuer),
    thisUpdate,
    nextUpdate,
    revoked,
    tbs: der.subarray(tbsTlv.start, tbsTlv.end),
    signatureAlgorithm,
    signature: bytes,
  };
}

/** CRLs from PEM text (`X509 CRL` blocks) or one DER buffer. */
export function parseCrls(input: string | Uint8Array): Crl[] {
  if (typeof input === 'string') return pemBlocks(input, 'X509 CRL').map((der) => parseCrlDer(der));
  return [parseCrlDer(input)];
}

/** True when `issuer`'s key made the CRL signature with an accepted algorithm. */
export function crlSignedBy(crl: Crl, issuer: X509Certificate): boolean {
  const hash = SIG_HASH.get(crl.signatureAlgorithm);
  if (hash === undefined) return false;
  try {
    return verifySignature(hash, crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    return false;
  }
}
