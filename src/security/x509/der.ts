/**
 * A small, bounded DER reader (X.690) for the few structures the gateway reads itself: certificate
 * extensions, names, validity, CRLs. No recursion: callers walk one level at a time. Every length
 * is checked against the enclosing element; indefinite lengths, high tag numbers and non-minimal
 * length encodings are refused (DER only).
 */

export class DerError extends Error {
  override readonly name = 'DerError';
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One element: `start` is the first header byte, `body` the first content byte, `end` one past the last. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly body: number;
  readonly end: number;
}

/** Largest element we accept (CRLs of large CAs included); certificates are far smaller. */
const MAX_LENGTH = 16 * 1024 * 1024;
/** Most children one constructed element may have (CRL entries are the largest list). */
const MAX_CHILDREN = 200_000;

function byteAt(buf: Uint8Array, i: number): number {
  const b = buf[i];
  if (b === undefined) throw new DerError('truncated');
  return b;
}

/** Reads the element at `pos`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit: number): Tlv {
  if (limit > buf.length || pos < 0 || pos + 2 > limit) throw new DerError('truncated header');
  const tag = byteAt(buf, pos);
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number form');
  let len = byteAt(buf, pos + 1);
  let body = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length');
    if (n > 4) throw new DerError('length field too long');
    if (body + n > limit) throw new DerError('truncated length');
    if (byteAt(buf, body) === 0) throw new DerError('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + byteAt(buf, body + i);
    if (len < 0x80) throw new DerError('non-minimal length');
    body += n;
  }
  if (len > MAX_LENGTH || len > limit - body) throw new DerError('length exceeds enclosing element');
  return { tag, start: pos, body, end: body + len };
}

/** The single top-level element of `buf`, which must fill it exactly. */
export function readRoot(buf: Uint8Array, tag: number): Tlv {
  const root = readTlv(buf, 0, buf.length);
  if (root.tag !== tag) throw new DerError(`root tag 0x${root.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  if (root.end !== buf.length) throw new DerError('trailing bytes after root element');
  return root;
}

/** The children of a constructed element. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) throw new DerError('primitive element has no children');
  const out: Tlv[] = [];
  let pos = parent.body;
  while (pos < parent.end) {
    if (out.length >= MAX_CHILDREN) throw new DerError('too many children');
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (t === undefined) throw new DerError(`${what}: missing`);
  if (t.tag !== tag) throw new DerError(`${what}: tag 0x${t.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return t;
}

export function contentOf(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.body, t.end);
}

export function readOid(buf: Uint8Array, t: Tlv): string {
  expectTag(t, TAG.OID, 'OID');
  if (t.end === t.body || t.end - t.body > 64) throw new DerError('OID length');
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = t.body; i < t.end; i++) {
    const b = byteAt(buf, i);
    if (v === 0n && b === 0x80) throw new DerError('non-minimal OID arc');
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    } else if (i === t.end - 1) {
      throw new DerError('truncated OID arc');
    }
  }
  const first = arcs[0] ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** A two's-complement INTEGER as a BigInt (serial numbers can be 20 bytes). */
export function readInteger(buf: Uint8Array, t: Tlv): bigint {
  expectTag(t, TAG.INTEGER, 'INTEGER');
  const n = t.end - t.body;
  if (n === 0 || n > 64) throw new DerError('INTEGER length');
  const b0 = byteAt(buf, t.body);
  if (n > 1 && ((b0 === 0 && (byteAt(buf, t.body + 1) & 0x80) === 0) || (b0 === 0xff && (byteAt(buf, t.body + 1) & 0x80) !== 0))) {
    throw new DerError('non-minimal INTEGER');
  }
  let v = 0n;
  for (let i = t.body; i < t.end; i++) v = (v << 8n) | BigInt(byteAt(buf, i));
  return b0 & 0x80 ? v - (1n << BigInt(8 * n)) : v;
}

export function readBoolean(buf: Uint8Array, t: Tlv): boolean {
  expectTag(t, TAG.BOOLEAN, 'BOOLEAN');
  if (t.end - t.body !== 1) throw new DerError('BOOLEAN length');
  const b = byteAt(buf, t.body);
  if (b !== 0 && b !== 0xff) throw new DerError('BOOLEAN value is not DER');
  return b === 0xff;
}

/** BIT STRING content: the unused-bit count and the bytes after it. */
export function readBitString(buf: Uint8Array, t: Tlv): { readonly unusedBits: number; readonly bytes: Uint8Array } {
  expectTag(t, TAG.BIT_STRING, 'BIT STRING');
  if (t.end === t.body) throw new DerError('empty BIT STRING');
  const unusedBits = byteAt(buf, t.body);
  if (unusedBits > 7 || (unusedBits > 0 && t.end - t.body === 1)) throw new DerError('BIT STRING unused bits');
  return { unusedBits, bytes: buf.subarray(t.body + 1, t.end) };
}

const UTC_RE = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GEN_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime (RFC 5280 §4.1.2.5.1: YY < 50 → 20YY) or GeneralizedTime, seconds precision, UTC. */
export function readTime(buf: Uint8Array, t: Tlv): Date {
  const text = Buffer.from(contentOf(buf, t)).toString('latin1');
  const m = t.tag === TAG.UTC_TIME ? UTC_RE.exec(text) : t.tag === TAG.GENERALIZED_TIME ? GEN_RE.exec(text) : null;
  if (m === null) throw new DerError('time is not a DER UTCTime/GeneralizedTime');
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const year = t.tag === TAG.UTC_TIME ? (y < 50 ? 2000 + y : 1900 + y) : y;
  const ms = Date.UTC(year, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new DerError('invalid calendar time');
  return check;
}
