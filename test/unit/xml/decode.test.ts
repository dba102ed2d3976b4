import { describe, expect, it } from 'vitest';
import { decodeXmlBytes } from '../../../src/xml/decode.ts';
import { outcome, utf16be, utf16le, utf8 } from './xml-test-helpers.ts';

const doc = '<a>é€𝄞</a>';
const decl16 = '<?xml version="1.0" encoding="UTF-16"?><a/>';

describe('decodeXmlBytes: detection', () => {
  it('decodes BOM-less UTF-8 and keeps the text exact', () => {
    expect(decodeXmlBytes(utf8(doc), undefined)).toEqual({ text: doc, encoding: 'utf-8' });
  });

  it.each([
    ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(doc)]), 'utf-8'],
    ['UTF-16LE BOM', utf16le(doc), 'utf-16le'],
    ['UTF-16BE BOM', utf16be(doc), 'utf-16be'],
  ] as const)('detects the %s and strips it from the text', (_name, bytes, encoding) => {
    expect(decodeXmlBytes(bytes, undefined)).toEqual({ text: doc, encoding });
  });

  it.each([
    ['utf-16le', utf16le(decl16, false)],
    ['utf-16be', utf16be(decl16, false)],
  ] as const)('detects BOM-less %s from "<?" (XML 1.0 Appendix F)', (encoding, bytes) => {
    expect(decodeXmlBytes(bytes, undefined)).toEqual({ text: decl16, encoding });
  });

  it('only the first BOM is a BOM: a second one stays in the text (and the pre-scan refuses it)', () => {
    const twice = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), utf8('<a/>')]);
    expect(decodeXmlBytes(twice, undefined).text).toBe('\ufeff<a/>');
  });
});

describe('decodeXmlBytes: accepted charset parameters', () => {
  it.each([
    ['utf-8', utf8(doc)],
    ['UTF-8', utf8(doc)],
    ['"utf-8"', utf8(doc)],
    ['utf8', utf8(doc)],
    ['utf-16', utf16le(doc)],
    ['UTF-16', utf16be(doc)],
    ['utf-16le', utf16le(doc)],
    ['utf-16be', utf16be(doc)],
    ['utf-16le', utf16le(decl16, false)],
  ] as const)('charset=%s on matching bytes', (charset, bytes) => {
    expect(outcome(() => decodeXmlBytes(bytes, charset))).toBe('accepted');
  });
});

describe('decodeXmlBytes: rejected with GW_ERR_HTTP_CHARSET', () => {
  it.each(['iso-8859-1', 'ISO-8859-1', 'us-ascii', 'windows-1252', 'shift_jis', 'utf-32', 'utf-7', ''])(
    'charset=%j is not UTF-8/UTF-16, even on ASCII bytes',
    (charset) => {
      expect(outcome(() => decodeXmlBytes(utf8('<a/>'), charset))).toBe('GW_ERR_HTTP_CHARSET');
    },
  );

  it.each([
    ['utf-16 declared on UTF-8 bytes', utf8(doc), 'utf-16'],
    ['utf-16le declared on BOM-less, declaration-less bytes', utf8('<a/>'), 'utf-16le'],
    ['utf-8 declared on a UTF-16LE BOM', utf16le(doc), 'utf-8'],
    ['utf-8 declared on a UTF-16BE BOM', utf16be(doc), 'utf-8'],
    ['utf-16le declared on a UTF-16BE BOM', utf16be(doc), 'utf-16le'],
    ['utf-16be declared on a UTF-16LE BOM', utf16le(doc), 'utf-16be'],
    ['utf-16 declared on a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(doc)]), 'utf-16'],
  ] as const)('%s', (_name, bytes, charset) => {
    expect(outcome(() => decodeXmlBytes(bytes, charset))).toBe('GW_ERR_HTTP_CHARSET');
  });

  it.each([
    ['invalid UTF-8 (lone continuation byte)', Uint8Array.from([0x3c, 0x61, 0x3e, 0x80, 0x3c, 0x2f, 0x61, 0x3e])],
    ['invalid UTF-8 (truncated sequence)', Uint8Array.from([0x3c, 0x61, 0x3e, 0xc3])],
    ['invalid UTF-8 (overlong "<")', Uint8Array.from([0xc0, 0xbc, 0x61, 0x2f, 0x3e])],
    ['invalid UTF-8 (encoded surrogate)', Uint8Array.from([0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x61, 0x3e])],
    ['UTF-16 with an odd number of bytes', Buffer.concat([utf16le('<a/>'), Buffer.from([0x20])])],
    ['UTF-16 with an unpaired surrogate', Buffer.concat([utf16le('<a>'), Buffer.from([0x00, 0xd8]), utf16le('</a>', false)])],
    ['UTF-32LE BOM', Uint8Array.from([0xff, 0xfe, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00])],
    ['UTF-32BE BOM', Uint8Array.from([0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x3c])],
  ] as const)('%s', (_name, bytes) => {
    expect(outcome(() => decodeXmlBytes(bytes, undefined))).toBe('GW_ERR_HTTP_CHARSET');
  });

  it.each([
    ['encoding="ISO-8859-1" in UTF-8', utf8('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')],
    ["encoding='windows-1252' in UTF-8", utf8("<?xml version='1.0' encoding='windows-1252'?><a/>")],
    ['encoding="UTF-16" in UTF-8', utf8('<?xml version="1.0" encoding="UTF-16"?><a/>')],
    ['encoding="UTF-8" in UTF-16LE', utf16le('<?xml version="1.0" encoding="UTF-8"?><a/>')],
    ['encoding="UTF-16LE" in UTF-16BE', utf16be('<?xml version="1.0" encoding="UTF-16LE"?><a/>')],
  ] as const)('XML declaration %s', (_name, bytes) => {
    expect(outcome(() => decodeXmlBytes(bytes, undefined))).toBe('GW_ERR_HTTP_CHARSET');
  });

  it('BOM-less UTF-16 with neither a charset nor an encoding declaration (XML 1.0 §4.3.3)', () => {
    const bytes = utf16le('<?xml version="1.0"?><a/>', false);
    expect(outcome(() => decodeXmlBytes(bytes, undefined))).toBe('GW_ERR_HTTP_CHARSET');
    expect(outcome(() => decodeXmlBytes(bytes, 'utf-16'))).toBe('accepted');
  });
});
