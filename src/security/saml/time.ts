import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { parseWsDateTime } from '../processors/datetime.ts';

/** A UTC dateTime attribute (SAML core §1.3.3: no time zone other than Z); undefined when absent. */
export function timeAttr(el: Element, name: string): Date | undefined {
  if (!el.hasAttribute(name)) return undefined;
  const d = parseWsDateTime(el.getAttribute(name) ?? '');
  if (d === undefined) throw new GatewayError('GW_ERR_SEC_SAML_INVALID', `${el.localName ?? ''}/@${name} is not a UTC xsd:dateTime`);
  return d;
}

/** NotBefore ≤ now + skew and now − skew < NotOnOrAfter, or GW_ERR_SEC_SAML_EXPIRED. */
export function checkWindow(what: string, notBefore: Date | undefined, notOnOrAfter: Date | undefined, now: Date, skewMs: number): void {
  if (notBefore !== undefined && notOnOrAfter !== undefined && notBefore.getTime() >= notOnOrAfter.getTime()) {
    throw new GatewayError('GW_ERR_SEC_SAML_INVALID', `${what}: NotBefore is not before NotOnOrAfter`);
  }
  if (notBefore !== undefined && now.getTime() + skewMs < notBefore.getTime()) {
    throw new GatewayError('GW_ERR_SEC_SAML_EXPIRED', `${what} not yet valid (NotBefore ${notBefore.toISOString()})`);
  }
  if (notOnOrAfter !== undefined && now.getTime() - skewMs >= notOnOrAfter.getTime()) {
    throw new GatewayError('GW_ERR_SEC_SAML_EXPIRED', `${what} expired (NotOnOrAfter ${notOnOrAfter.toISOString()})`);
  }
}
