import { isXmlWhitespace } from './dom-text.ts';

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict base64Binary: the collapsed text must be canonical base64 (standard alphabet, padding,
 * zero pad bits), so one byte string has exactly one accepted spelling — a replay-cache key built
 * from the text cannot be dodged by re-spelling the same nonce. Line breaks inside are refused.
 */
export function decodeStrictBase64(text: string): { readonly text: string; readonly bytes: Buffer } | undefined {
  const collapsed = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (collapsed === '' || isXmlWhitespace(collapsed) || !B64.test(collapsed)) return undefined;
  const bytes = Buffer.from(collapsed, 'base64');
  if (bytes.toString('base64') !== collapsed) return undefined;
  return { text: collapsed, bytes };
}
