import { DerError, TAG, childrenOf, contentOf, expectTag, readOid, readTlv } from './der.ts';
import type { Tlv } from './der.ts';

/**
 * Distinguished names, compared canonically as a multiset of `type=value` pairs: attribute types
 * by OID, string values NFKC-normalised, whitespace-collapsed and case-folded (X.520
 * caseIgnoreMatch, approximately — RFC 4518 string preparation without its full tables).
 * The DER side is read from the certificate itself, never from node's printed `issuer` text
 * (whose escaping of newlines and separators is ambiguous).
 */

export interface NameAttribute {
  readonly oid: string;
  /** Canonical value: prepared string, or `#` + lowercase hex of the DER TLV for non-string values. */
  readonly value: string;
}

const MAX_ATTRIBUTES = 64;
const MAX_DN_TEXT = 4096;

const TYPE_NAMES: ReadonlyMap<string, string> = new Map([
  ['CN', '2.5.4.3'], ['COMMONNAME', '2.5.4.3'],
  ['C', '2.5.4.6'], ['COUNTRYNAME', '2.5.4.6'],
  ['O', '2.5.4.10'], ['ORGANIZATIONNAME', '2.5.4.10'],
  ['OU', '2.5.4.11'], ['ORGANIZATIONALUNITNAME', '2.5.4.11'],
  ['L', '2.5.4.7'], ['LOCALITYNAME', '2.5.4.7'],
  ['ST', '2.5.4.8'], ['S', '2.5.4.8'], ['STATEORPROVINCENAME', '2.5.4.8'],
  ['STREET', '2.5.4.9'], ['STREETADDRESS', '2.5.4.9'],
  ['SERIALNUMBER', '2.5.4.5'],
  ['SN', '2.5.4.4'], ['SURNAME', '2.5.4.4'],
  ['GIVENNAME', '2.5.4.42'], ['GN', '2.5.4.42'],
  ['T', '2.5.4.12'], ['TITLE', '2.5.4.12'],
  ['E', '1.2.840.113549.1.9.1'], ['EMAIL', '1.2.840.113549.1.9.1'], ['EMAILADDRESS', '1.2.840.113549.1.9.1'],
  ['DC', '0.9.2342.19200300.100.1.25'], ['DOMAINCOMPONENT', '0.9.2342.19200300.100.1.25'],
  ['UID', '0.9.2342.19200300.100.1.1'], ['USERID', '0.9.2342.19200300.100.1.1'],
]);

const OID_TEXT = /^(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))+$/;

function prepare(value: string): string {
  return value.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** A directory-string value (or `#hex` for anything else) in canonical form. */
function valueOf(buf: Uint8Array, t: Tlv): string {
  const body = Buffer.from(contentOf(buf, t));
  switch (t.tag) {
    case TAG.UTF8_STRING:
      return prepare(new TextDecoder('utf-8', { fatal: true }).decode(body));
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING:
      return prepare(body.toString('latin1'));
    case TAG.BMP_STRING:
      if (body.length % 2 !== 0) throw new DerError('BMPString length');
      return prepare(Buffer.from(body).swap16().toString('utf16le'));
    case TAG.UNIVERSAL_STRING: {
      if (body.length % 4 !== 0) throw new DerError('UniversalString length');
      const cps: number[] = [];
      for (let i = 0; i < body.length; i += 4) cps.push(body.readUInt32BE(i));
      return prepare(String.fromCodePoint(...cps));
    }
    default:
      return `#${hex(buf.subarray(t.start, t.end))}`;
  }
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue). */
export function readName(buf: Uint8Array, name: Tlv): NameAttribute[] {
  expectTag(name, TAG.SEQUENCE, 'Name');
  const out: NameAttribute[] = [];
  for (const rdn of childrenOf(buf, name)) {
    expectTag(rdn, TAG.SET, 'RDN');
    for (const atv of childrenOf(buf, rdn)) {
      expectTag(atv, TAG.SEQUENCE, 'AttributeTypeAndValue');
      const [type, value, extra] = childrenOf(buf, atv);
      if (type === undefined || value === undefined || extra !== undefined) throw new DerError('AttributeTypeAndValue shape');
      if (out.length >= MAX_ATTRIBUTES) throw new DerError('too many name attributes');
      out.push({ oid: readOid(buf, type), value: valueOf(buf, value) });
    }
  }
  return out;
}

/** The comparison key of a name: its attributes sorted, so RDN order and multi-valued RDNs do not matter. */
export function nameKey(attrs: readonly NameAttribute[]): string {
  return attrs.map((a) => `${a.oid}=${JSON.stringify(a.value)}`).sort().join(',');
}

export class DnSyntaxError extends Error {
  override readonly name = 'DnSyntaxError';
}

function typeOid(raw: string): string {
  let t = raw.trim().toUpperCase();
  if (t.startsWith('OID.')) t = t.slice(4);
  if (OID_TEXT.test(t)) return t;
  const oid = TYPE_NAMES.get(t);
  if (oid === undefined) throw new DnSyntaxError(`unknown attribute type ${JSON.stringify(raw.slice(0, 40))}`);
  return oid;
}

const SPECIALS = new Set([',', '+', '"', '\\', '<', '>', ';', '=', '#', ' ']);

/**
 * Parses an RFC 4514 (or RFC 2253) string such as `CN=Interop Test Issuing CA 1,O=...,C=NL`:
 * `\,`-style and `\xx` hex escapes, `"quoted"` values (RFC 2253 legacy), `#hex` BER values,
 * `,`/`;` between RDNs and `+` inside a multi-valued RDN.
 */
export function parseDnString(text: string): NameAttribute[] {
  if (text.length > MAX_DN_TEXT) throw new DnSyntaxError('distinguished name too long');
  const out: NameAttribute[] = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new DnSyntaxError('attribute without "="');
    const oid = typeOid(text.slice(i, eq));
    i = eq + 1;
    while (text[i] === ' ') i++;
    let value: string;
    if (text[i] === '#') {
      const m = /^#((?:[0-9a-fA-F]{2})+)/.exec(text.slice(i));
      if (m === null || m[1] === undefined) throw new DnSyntaxError('bad #hex value');
      const der = Buffer.from(m[1], 'hex');
      try {
        const t = readTlv(der, 0, der.length);
        if (t.end !== der.length) throw new DerError('trailing bytes');
        value = valueOf(der, t);
      } catch (err) {
        throw new DnSyntaxError(`bad #hex value: ${(err as Error).message}`);
      }
      i += m[0].length;
    } else {
      const bytes: number[] = [];
      const quoted = text[i] === '"';
      if (quoted) i++;
      for (;;) {
        const c = text[i];
        if (c === undefined) {
          if (quoted) throw new DnSyntaxError('unterminated quoted value');
          break;
        }
        if (quoted ? c === '"' : c === ',' || c === '+' || c === ';') break;
        if (c === '\\') {
          const next = text[i + 1] ?? '';
          const pair = text.slice(i + 1, i + 3);
          if (/^[0-9a-fA-F]{2}$/.test(pair)) {
            bytes.push(parseInt(pair, 16));
            i += 3;
          } else if (SPECIALS.has(next)) {
            bytes.push(next.charCodeAt(0));
            i += 2;
          } else {
            throw new DnSyntaxError('bad escape');
          }
          continue;
        }
        const ch = String.fromCodePoint(text.codePointAt(i) ?? 0xfffd);
        bytes.push(...Buffer.from(ch, 'utf8'));
        i += ch.length;
      }
      if (quoted) i++;
      try {
        value = prepare(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes)));
      } catch {
        throw new DnSyntaxError('value is not UTF-8');
      }
    }
    if (out.length >= MAX_ATTRIBUTES) throw new DnSyntaxError('too many attributes');
    out.push({ oid, value });
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    const sep = text[i];
    if (sep !== ',' && sep !== '+' && sep !== ';') throw new DnSyntaxError('expected a separator');
    i++;
    while (text[i] === ' ') i++;
  }
  if (out.length === 0) throw new DnSyntaxError('empty distinguished name');
  return out;
}
