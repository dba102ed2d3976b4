import { DOMParser } from '@xmldom/xmldom';
import type { Document } from '@xmldom/xmldom';
import { GatewayError } from '../errors.ts';
import { decodeXmlBytes } from './decode.ts';
import { prescanXml } from './prescan.ts';
import type { ParsedXml, XmlLimits } from './types.ts';

/** The gateway defaults (`limits` in a service config overrides them). */
export const defaultXmlLimits: XmlLimits = Object.freeze({
  maxDepth: 64,
  maxNodes: 20_000,
  maxAttributes: 64,
  maxNamespaceDeclarations: 32,
  maxNameLength: 256,
  maxAttributeValueLength: 65_536,
  maxTextLength: 1_048_576,
  allowComments: false,
});

/** A document parsed from text that was never bytes on the wire (e.g. decrypted plaintext). */
export type ParsedXmlText = Omit<ParsedXml, 'encoding'>;

/** Request body bytes → DOM: decode (charset checks), streaming pre-scan (limits), then xmldom. */
export function parseXml(bytes: Uint8Array, declaredCharset: string | undefined, limits: XmlLimits): ParsedXml {
  const { text, encoding } = decodeXmlBytes(bytes, declaredCharset);
  return { ...parseXmlText(text, limits), encoding };
}

/** Already-decoded text → DOM, with the same pre-scan as {@link parseXml}. */
export function parseXmlText(text: string, limits: XmlLimits): ParsedXmlText {
  const stats = prescanXml(text, limits);
  return { doc: buildDom(text), text, stats };
}

// XML 1.0 §2.11. xmldom's default follows XML 1.1 and would also turn U+0085/U+2028/U+2029 into
// line feeds, so the DOM (and what is signed over it) would differ from what the backend reads.
function normalizeXml10LineEnds(source: string): string {
  return source.replace(/\r\n?/g, '\n');
}

function buildDom(text: string): Document {
  let reported: string | undefined;
  const parser = new DOMParser({
    normalizeLineEndings: normalizeXml10LineEnds,
    onError: (level, message) => {
      // The bytes were decoded strictly, so a U+FFFD in the text was sent as such: a character, not damage.
      if (level === 'warning' && message.includes('Unicode replacement character detected')) return;
      // Never let xmldom "recover": any other report at any level ends the parse.
      reported ??= `xmldom ${level}: ${bounded(message)}`;
      throw new GatewayError('GW_ERR_XML_MALFORMED', reported);
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(text, 'text/xml');
  } catch (err) {
    const reason = reported ?? `xmldom threw: ${bounded(err instanceof Error ? err.message : String(err))}`;
    throw new GatewayError('GW_ERR_XML_MALFORMED', reason, undefined, { cause: err });
  }
  if (reported !== undefined) throw new GatewayError('GW_ERR_XML_MALFORMED', reported);
  if (doc.documentElement === null) throw new GatewayError('GW_ERR_XML_MALFORMED', 'xmldom built no document element');
  return doc;
}

/** xmldom messages quote the input; the audit reason gets a bounded prefix. */
function bounded(message: string): string {
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
