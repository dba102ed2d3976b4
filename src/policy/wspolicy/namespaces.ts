/** Namespaces of WS-Policy, WS-SecurityPolicy and the assertions the gateway reads next to them. */
import type { Element } from '@xmldom/xmldom';

export const WSP15 = 'http://www.w3.org/ns/ws-policy';
export const WSP12 = 'http://schemas.xmlsoap.org/ws/2004/09/policy';
export const WSP_NAMESPACES: readonly string[] = [WSP15, WSP12];

export const SP11 = 'http://schemas.xmlsoap.org/ws/2005/07/securitypolicy';
export const SP12 = 'http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702';
export const SP13 = 'http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200802';
export const SP_NAMESPACES: readonly string[] = [SP11, SP12, SP13];

export const WSAM = 'http://www.w3.org/2007/05/addressing/metadata';
export const WSAW = 'http://www.w3.org/2006/05/addressing/wsdl';

/**
 * Namespaces whose unknown assertions are security assertions: never dropped as optional or
 * ignorable, always a start-up problem (WS-SecurityPolicy, WS-Trust / SecureConversation policy).
 */
export const SECURITY_NAMESPACES: readonly string[] = [
  ...SP_NAMESPACES,
  'http://schemas.xmlsoap.org/ws/2005/02/trust',
  'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  'http://schemas.xmlsoap.org/ws/2005/02/sc',
  'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512',
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
];

export const isWsp = (el: Element, local: string): boolean => WSP_NAMESPACES.includes(el.namespaceURI ?? '') && el.localName === local;
export const isSp = (ns: string): boolean => SP_NAMESPACES.includes(ns);

/** A short, stable label for an assertion name: `sp:X` for any WS-SecurityPolicy version, `wsp:X`, or Clark notation. */
export function label(ns: string, local: string): string {
  if (isSp(ns)) return `sp:${local}`;
  if (WSP_NAMESPACES.includes(ns)) return `wsp:${local}`;
  if (ns === WSAM) return `wsam:${local}`;
  if (ns === WSAW) return `wsaw:${local}`;
  return `{${ns}}${local}`;
}
