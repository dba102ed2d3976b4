import type { Element } from '@xmldom/xmldom';

const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/**
 * The character content of a simple-content element, or undefined when it has anything but
 * text (element children, or any other node kind).
 */
export function simpleText(el: Element): string | undefined {
  let text = '';
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType !== TEXT_NODE && n.nodeType !== CDATA_SECTION_NODE) return undefined;
    text += n.nodeValue ?? '';
  }
  return text;
}

/** True when the text is empty or XML whitespace only (indentation between child elements). */
export function isXmlWhitespace(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text);
}

/** True when the element has an attribute with this local name, in any namespace or none. */
export function hasAttributeLocal(el: Element, local: string): boolean {
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a !== null && (a.localName ?? a.nodeName) === local) return true;
  }
  return false;
}
