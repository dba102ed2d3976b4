import type { Element, Node } from '@xmldom/xmldom';

export const NS_SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope';
/** The SOAP 1.2 working draft namespace: answered with a VersionMismatch fault, never processed. */
export const NS_SOAP12_DRAFT_ENV = 'http://www.w3.org/2001/12/soap-envelope';

export const NS_WSA = 'http://www.w3.org/2005/08/addressing';
/** The member submission WS-Addressing namespace (2004/08). */
export const NS_WSA_2004 = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';

export const NS_WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const NS_WSSE11 = 'http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd';
export const NS_WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';
export const NS_XENC = 'http://www.w3.org/2001/04/xmlenc#';
export const NS_XENC11 = 'http://www.w3.org/2009/xmlenc11#';
export const NS_SAML1 = 'urn:oasis:names:tc:SAML:1.0:assertion';
export const NS_SAML2 = 'urn:oasis:names:tc:SAML:2.0:assertion';

export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const NS_XML = 'http://www.w3.org/XML/1998/namespace';
export const NS_XMLNS = 'http://www.w3.org/2000/xmlns/';

const ELEMENT_NODE = 1;

export function isElement(node: Node | null | undefined): node is Element {
  return node != null && node.nodeType === ELEMENT_NODE;
}

/** The element children of `el`, in document order. */
export function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (isElement(n)) out.push(n);
  }
  return out;
}

/** The first element child, optionally the first one with the given namespace and local name. */
export function firstChildElement(el: Element, ns?: string, local?: string): Element | undefined {
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (!isElement(n)) continue;
    if (ns !== undefined && (n.namespaceURI ?? '') !== ns) continue;
    if (local !== undefined && localNameOf(n) !== local) continue;
    return n;
  }
  return undefined;
}

export function localNameOf(node: Node): string {
  return node.localName ?? node.nodeName;
}

/** Clark notation: `{namespace}local`, or `local` for an element in no namespace. */
export function clark(el: Element): string {
  const ns = el.namespaceURI;
  return ns === null || ns === '' ? localNameOf(el) : `{${ns}}${localNameOf(el)}`;
}
