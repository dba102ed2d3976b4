import type { SoapVersion } from '../errors.ts';
import { NS_SOAP11_ENV, NS_SOAP12_ENV, NS_WSA, NS_WSA_2004 } from '../xml/ns.ts';

export const SOAP11_ENV = NS_SOAP11_ENV;
export const SOAP12_ENV = NS_SOAP12_ENV;

export const SOAP_ENV_NS: Readonly<Record<SoapVersion, string>> = { '1.1': SOAP11_ENV, '1.2': SOAP12_ENV };

/** SOAP 1.1 §4.2.2 actor for "the next SOAP application"; SOAP 1.2 part 1 §2.2 roles. */
export const SOAP11_ACTOR_NEXT = 'http://schemas.xmlsoap.org/soap/actor/next';
export const SOAP12_ROLE_NEXT = 'http://www.w3.org/2003/05/soap-envelope/role/next';
export const SOAP12_ROLE_NONE = 'http://www.w3.org/2003/05/soap-envelope/role/none';
export const SOAP12_ROLE_ULTIMATE = 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver';

export const WSA_NS = [NS_WSA, NS_WSA_2004] as const;

export function soapVersionOfNamespace(ns: string | null | undefined): SoapVersion | undefined {
  if (ns === SOAP11_ENV) return '1.1';
  if (ns === SOAP12_ENV) return '1.2';
  return undefined;
}

export const SOAP_MEDIA_TYPE: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'text/xml; charset=utf-8',
  '1.2': 'application/soap+xml; charset=utf-8',
};
