import { GatewayError } from '../errors.ts';
import { decodeXmlBytes } from './decode.ts';
import { scanToDom } from './prescan.ts';
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

/** Request body bytes → DOM: decode (charset checks), then one strict scan that checks the limits and builds the DOM. */
export function parseXml(bytes: Uint8Array, declaredCharset: string | undefined, limits: XmlLimits): ParsedXml {
  const { text, encoding } = decodeXmlBytes(bytes, declaredCharset);
  const parsed = parseXmlText(text, limits);
  // Not `{ ...parsed, encoding }`: in V8 a spread followed by more properties is a slow runtime copy.
  return { doc: parsed.doc, text: parsed.text, stats: parsed.stats, encoding };
}

/**
 * Already-decoded text → DOM in one pass: the strict saxes scan enforces the limits and refuses
 * DOCTYPEs, PIs, comments (unless allowed) and U+0085/U+2028, and its events build the xmldom
 * Document (dom-builder.ts). xmldom's own (lenient) parser is not used on requests.
 */
export function parseXmlText(text: string, limits: XmlLimits): ParsedXmlText {
  const { stats, doc } = scanToDom(text, limits);
  if (doc.documentElement === null) throw new GatewayError('GW_ERR_XML_MALFORMED', 'no document element');
  return { doc, text, stats };
}
