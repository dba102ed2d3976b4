/**
 * Distinguished-name comparison for `ds:X509IssuerName` (RFC 4514 string, most specific RDN first)
 * against node's `X509Certificate.issuer` (one RDN per line, least specific first, RFC 2253
 * escaping). Attribute types are mapped to one spelling, values compared case-insensitively with
 * whitespace collapsed (X.520 caseIgnoreMatch, approximately).
 */

type Rdn = readonly string[];

const TYPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'], ['COMMONNAME', 'CN'],
  ['2.5.4.6', 'C'], ['COUNTRYNAME', 'C'],
  ['2.5.4.10', 'O'], ['ORGANIZATIONNAME', 'O'],
  ['2.5.4.11', 'OU'], ['ORGANIZATIONALUNITNAME', 'OU'],
  ['2.5.4.7', 'L'], ['LOCALITYNAME', 'L'],
  ['2.5.4.8', 'ST'], ['S', 'ST'], ['STATEORPROVINCENAME', 'ST'],
  ['2.5.4.9', 'STREET'], ['STREETADDRESS', 'STREET'],
  ['2.5.4.5', 'SERIALNUMBER'],
  ['2.5.4.4', 'SURNAME'], ['SN', 'SURNAME'],
  ['2.5.4.42', 'GIVENNAME'], ['GN', 'GIVENNAME'],
  ['1.2.840.113549.1.9.1', 'EMAILADDRESS'], ['E', 'EMAILADDRESS'], ['EMAIL', 'EMAILADDRESS'],
  ['0.9.2342.19200300.100.1.25', 'DC'], ['DOMAINCOMPONENT', 'DC'],
  ['0.9.2342.19200300.100.1.1', 'UID'], ['USERID', 'UID'],
]);

function canonicalType(raw: string): string {
  let t = raw.trim().toUpperCase();
  if (t.startsWith('OID.')) t = t.slice(4);
  return TYPE_ALIASES.get(t) ?? t;
}

/** Split on an unescaped separator character (outside a quoted value). */
function splitUnescaped(s: string, seps: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s.charAt(i + 1);
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      cur += ch;
    } else if (!quoted && seps.includes(ch)) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

function unescapeValue(raw: string): string {
  let v = raw.trim();
  if (v.startsWith('#')) return v.toLowerCase(); // hex-encoded BER: compared as written
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const ch = v.charAt(i);
    if (ch === '\\' && i + 1 < v.length) {
      const hex = v.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      i++;
      bytes.push(...Buffer.from(v.charAt(i), 'utf8'));
      continue;
    }
    bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\s+/g, ' ').trim().toLowerCase();
}

function parseRdn(raw: string): Rdn | undefined {
  const avas: string[] = [];
  for (const part of splitUnescaped(raw, '+')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    avas.push(`${canonicalType(part.slice(0, eq))}=${unescapeValue(part.slice(eq + 1))}`);
  }
  return avas.sort();
}

function parseRdns(raws: readonly string[]): Rdn[] | undefined {
  const out: Rdn[] = [];
  for (const raw of raws) {
    if (raw.trim() === '') continue;
    const rdn = parseRdn(raw);
    if (rdn === undefined) return undefined;
    out.push(rdn);
  }
  return out.length > 0 ? out : undefined;
}

function sameRdns(a: readonly Rdn[], b: readonly Rdn[]): boolean {
  return a.length === b.length && a.every((rdn, i) => {
    const other = b[i];
    return other !== undefined && rdn.length === other.length && rdn.every((ava, j) => ava === other[j]);
  });
}

/** True when the RFC 4514 `messageDn` names the same DN as node's multi-line `certDn`. */
export function sameDistinguishedName(messageDn: string, certDn: string): boolean {
  const fromMessage = parseRdns(splitUnescaped(messageDn, ',;'));
  const fromCert = parseRdns(certDn.split('\n'));
  if (fromMessage === undefined || fromCert === undefined) return false;
  return sameRdns([...fromMessage].reverse(), fromCert);
}
