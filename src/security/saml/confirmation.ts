import type { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, NS_XSI, childElements, localNameOf } from '../../xml/ns.ts';
import { confirmationError, keyInfoCertificates, senderVouchesOnly, type ConfirmationFacts } from './confirmation-common.ts';
import { CM_BEARER, CM_HOLDER_OF_KEY, CM_SENDER_VOUCHES, KEY_INFO_CONFIRMATION_TYPE, NS_SAML2 } from './names.ts';
import type { SamlSettings } from './settings.ts';
import { checkWindow, timeAttr } from './time.ts';

function isSaml(el: Element | undefined, local: string): el is Element {
  return el !== undefined && el.namespaceURI === NS_SAML2 && localNameOf(el) === local;
}

function confirmationData(sc: Element): Element | undefined {
  const data = childElements(sc).filter((e) => isSaml(e, 'SubjectConfirmationData'));
  if (data.length > 1) throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'more than one SubjectConfirmationData');
  return data[0];
}

/** Bearer (SAML profiles §4.1.4.2 as applied to WSS): NotOnOrAfter required and holding; Recipient one of ours when configured. */
function bearer(data: Element | undefined, settings: SamlSettings, now: Date): Date {
  if (data === undefined) throw confirmationError('bearer confirmation without SubjectConfirmationData');
  const notOnOrAfter = timeAttr(data, 'NotOnOrAfter');
  if (notOnOrAfter === undefined) throw confirmationError('bearer SubjectConfirmationData without NotOnOrAfter');
  checkWindow('the bearer confirmation', timeAttr(data, 'NotBefore'), notOnOrAfter, now, settings.skewMs);
  if (settings.recipients.size > 0 && data.hasAttribute('Recipient')) {
    const recipient = data.getAttribute('Recipient') ?? '';
    if (!settings.recipients.has(recipient)) throw confirmationError(`bearer Recipient ${JSON.stringify(recipient.slice(0, 200))} is not an endpoint of this service`);
  }
  return notOnOrAfter;
}

/** `xsi:type` resolved to Clark notation (undefined when absent). */
function xsiType(el: Element): string | undefined {
  const raw = el.getAttributeNS(NS_XSI, 'type');
  if (raw === null || raw === '') return undefined;
  const value = raw.trim();
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? null : value.slice(0, colon);
  return `{${el.lookupNamespaceURI(prefix) ?? ''}}${colon < 0 ? value : value.slice(colon + 1)}`;
}

/** Holder-of-key (SAML Token Profile 1.1 §3.5.1): the X.509 certificates named by ds:KeyInfo/ds:X509Data. */
function holderOfKey(data: Element | undefined, settings: SamlSettings, now: Date): X509Certificate[] {
  if (data === undefined) throw confirmationError('holder-of-key confirmation without SubjectConfirmationData');
  if (xsiType(data) !== KEY_INFO_CONFIRMATION_TYPE) throw confirmationError('holder-of-key SubjectConfirmationData is not a saml:KeyInfoConfirmationDataType');
  checkWindow('the holder-of-key confirmation', timeAttr(data, 'NotBefore'), timeAttr(data, 'NotOnOrAfter'), now, settings.skewMs);
  const certs: X509Certificate[] = [];
  for (const keyInfo of childElements(data)) {
    if (keyInfo.namespaceURI !== NS_DS || localNameOf(keyInfo) !== 'KeyInfo') throw confirmationError('holder-of-key SubjectConfirmationData holds something other than ds:KeyInfo');
    certs.push(...keyInfoCertificates(keyInfo));
  }
  if (certs.length === 0) throw confirmationError('holder-of-key confirmation names no X.509 certificate');
  return certs;
}

/** Sender-vouches: SubjectConfirmationData is optional; when present, its time window must hold. */
function senderVouches(confirmations: readonly Element[], settings: SamlSettings, now: Date): ConfirmationFacts {
  let firstError: unknown;
  for (const sc of confirmations) {
    try {
      const data = confirmationData(sc);
      const notOnOrAfter = data === undefined ? undefined : timeAttr(data, 'NotOnOrAfter');
      if (data !== undefined) checkWindow('the sender-vouches confirmation', timeAttr(data, 'NotBefore'), notOnOrAfter, now, settings.skewMs);
      return { method: 'sender-vouches', notOnOrAfter, holderOfKeyCerts: [] };
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError instanceof GatewayError ? firstError : confirmationError('no sender-vouches SubjectConfirmation is satisfied');
}

/** The Method of every saml2:SubjectConfirmation of a Subject. */
export function confirmationMethods(subject: Element | undefined): string[] {
  if (subject === undefined) return [];
  return childElements(subject)
    .filter((e) => isSaml(e, 'SubjectConfirmation'))
    .map((sc) => sc.getAttribute('Method') ?? '');
}

/**
 * saml2:Subject/SubjectConfirmation: at least one must be satisfied (SAML core §2.4.1.1). A
 * satisfied bearer confirmation wins; holder-of-key and sender-vouches are satisfied only later,
 * by a message signature (see binding.ts). Sender-vouches is never combined with another method.
 */
export function checkConfirmations(subject: Element, settings: SamlSettings, now: Date): ConfirmationFacts {
  const confirmations = childElements(subject).filter((e) => isSaml(e, 'SubjectConfirmation'));
  if (confirmations.length === 0) throw confirmationError('the assertion Subject has no SubjectConfirmation');
  if (senderVouchesOnly(confirmationMethods(subject), CM_SENDER_VOUCHES, settings)) return senderVouches(confirmations, settings, now);
  let firstError: unknown;
  const hok: X509Certificate[] = [];
  for (const sc of confirmations) {
    const method = sc.getAttribute('Method') ?? '';
    try {
      const data = confirmationData(sc);
      if (method === CM_BEARER) return { method: 'bearer', notOnOrAfter: bearer(data, settings, now), holderOfKeyCerts: [] };
      if (method === CM_HOLDER_OF_KEY) hok.push(...holderOfKey(data, settings, now));
      else throw confirmationError(`unsupported SubjectConfirmation method ${JSON.stringify(method.slice(0, 120))}`);
    } catch (err) {
      firstError ??= err;
    }
  }
  if (hok.length > 0) return { method: 'holder-of-key', notOnOrAfter: undefined, holderOfKeyCerts: hok };
  throw firstError instanceof GatewayError ? firstError : confirmationError('no SubjectConfirmation is satisfied');
}
