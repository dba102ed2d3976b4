import { GatewayError } from '../errors.ts';
import type { XmlEncoding } from './types.ts';

export interface DecodedXml {
  readonly text: string;
  readonly encoding: XmlEncoding;
}

type EncodingFamily = 'utf-8' | 'utf-16';

/** An encoding label (HTTP charset or XML EncName) we accept, by what it pins down. */
interface EncodingLabel {
  readonly family: EncodingFamily;
  /** Set when the label fixes the byte order (`utf-16le`/`utf-16be`). */
  readonly exact?: XmlEncoding;
}

const allowedLabels: Readonly<Record<string, EncodingLabel>> = {
  'utf-8': { family: 'utf-8', exact: 'utf-8' },
  utf8: { family: 'utf-8', exact: 'utf-8' },
  'utf-16': { family: 'utf-16' },
  'utf-16le': { family: 'utf-16', exact: 'utf-16le' },
  'utf-16be': { family: 'utf-16', exact: 'utf-16be' },
};

interface Detected {
  readonly encoding: XmlEncoding;
  readonly via: 'bom' | 'pattern' | 'default';
}

/**
 * Decodes a request body to text: BOM / XML 1.0 Appendix F detection, the HTTP charset parameter and
 * the XML declaration must all agree, and the bytes must be valid in the detected encoding.
 * Only UTF-8 and UTF-16 are accepted (the two encodings every XML processor must read, XML 1.0 §4.3.3).
 */
export function decodeXmlBytes(bytes: Uint8Array, declaredCharset: string | undefined): DecodedXml {
  const declared = declaredCharset === undefined ? undefined : parseCharsetLabel(declaredCharset);
  const detected = detectEncoding(bytes);

  if (declared !== undefined && !labelMatches(declared, detected.encoding)) {
    throw new GatewayError(
      'GW_ERR_HTTP_CHARSET',
      `declared charset ${quote(declaredCharset ?? '')} disagrees with the ${detected.encoding} detected from the ${detectionSource(detected)}`,
      { declaredCharset: clip(declaredCharset ?? ''), detected: detected.encoding },
    );
  }

  let text: string;
  try {
    text = new TextDecoder(detected.encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (err) {
    throw new GatewayError(
      'GW_ERR_HTTP_CHARSET',
      `body is not valid ${detected.encoding} (${bytes.length} bytes)`,
      { detected: detected.encoding },
      { cause: err },
    );
  }

  const declEncoding = xmlDeclEncoding(text);
  if (declEncoding !== undefined) {
    const label = allowedLabels[declEncoding.toLowerCase()];
    if (label === undefined || !labelMatches(label, detected.encoding)) {
      throw new GatewayError(
        'GW_ERR_HTTP_CHARSET',
        `XML declaration encoding ${quote(declEncoding)} disagrees with the ${detected.encoding} detected from the ${detectionSource(detected)}`,
        { xmlDeclEncoding: clip(declEncoding), detected: detected.encoding },
      );
    }
  } else if (detected.via === 'pattern' && declared === undefined) {
    // XML 1.0 §4.3.3: without external information, an entity with neither a BOM nor an encoding
    // declaration must be UTF-8.
    throw new GatewayError(
      'GW_ERR_HTTP_CHARSET',
      `BOM-less ${detected.encoding} with neither a charset parameter nor an encoding declaration`,
      { detected: detected.encoding },
    );
  }

  return { text, encoding: detected.encoding };
}

/** The HTTP charset parameter value (any case, maybe quoted) as an allowed label, or GW_ERR_HTTP_CHARSET. */
function parseCharsetLabel(raw: string): EncodingLabel {
  let value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).trim();
  const label = allowedLabels[value.toLowerCase()];
  if (label === undefined) {
    throw new GatewayError('GW_ERR_HTTP_CHARSET', `charset ${quote(raw)} is not UTF-8 or UTF-16`, {
      declaredCharset: clip(raw),
    });
  }
  return label;
}

function labelMatches(label: EncodingLabel, encoding: XmlEncoding): boolean {
  if (label.exact !== undefined) return label.exact === encoding;
  return label.family === familyOf(encoding);
}

function familyOf(encoding: XmlEncoding): EncodingFamily {
  return encoding === 'utf-8' ? 'utf-8' : 'utf-16';
}

function detectionSource(detected: Detected): string {
  switch (detected.via) {
    case 'bom':
      return 'byte order mark';
    case 'pattern':
      return 'first bytes "<?"';
    case 'default':
      return 'absence of a byte order mark';
  }
}

// XML 1.0 Appendix F.1
function detectEncoding(b: Uint8Array): Detected {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  const utf32 =
    (b0 === 0x00 && b1 === 0x00 && (b2 === 0xfe || b2 === 0x00)) || // BOM 00 00 FE FF, or 00 00 00 3C
    (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) || // BOM FF FE 00 00
    (b0 === 0x3c && b1 === 0x00 && b2 === 0x00 && b3 === 0x00);
  if (utf32) {
    throw new GatewayError('GW_ERR_HTTP_CHARSET', 'body looks like UTF-32/UCS-4, which is not accepted', {
      firstBytes: hex(b.subarray(0, 4)),
    });
  }
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', via: 'bom' };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', via: 'bom' };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', via: 'bom' };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return { encoding: 'utf-16le', via: 'pattern' };
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return { encoding: 'utf-16be', via: 'pattern' };
  return { encoding: 'utf-8', via: 'default' };
}

const xmlDeclStart = /^<\?xml[\x20\t\r\n]/;
// XML 1.0 §4.3.3 EncodingDecl, matched inside the declaration only
const encodingDecl = /[\x20\t\r\n]encoding[\x20\t\r\n]*=[\x20\t\r\n]*(?:"([^"]*)"|'([^']*)')/;

/** The `encoding` pseudo-attribute of a leading XML declaration, if any. */
function xmlDeclEncoding(text: string): string | undefined {
  if (!xmlDeclStart.test(text)) return undefined;
  const end = text.indexOf('?>');
  if (end === -1) return undefined; // left to the pre-scan as malformed
  const m = encodingDecl.exec(text.slice(0, end));
  if (m === null) return undefined;
  return m[1] ?? m[2];
}

/** Header and declaration values are client input of any length: the audit reason gets a prefix. */
function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

function quote(s: string): string {
  return JSON.stringify(clip(s));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
