import { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, NS_XSI, childElements, localNameOf } from '../../xml/ns.ts';
import { simpleText } from '../processors/dom-text.ts';
import { decodeStrictBase64 } from '../processors/wss-base64.ts';
import type { SamlConfirmationMethod, SignatureResult } from '../types.ts';
import { CM_BEARER, CM_HOLDER_OF_KEY, KEY_INFO_CONFIRMATION_TYPE, NS_SAML2 } from './names.ts';
import type { SamlSettings } from './settings.ts';
import { checkWindow, timeAttr } from './time.ts';

export interface ConfirmationFacts {
  readonly method: SamlConfirmationMethod;
  /** Bearer: the SubjectConfirmationData NotOnOrAfter. */
  readonly notOnOrAfter: Date | undefined;
  readonly holderOfKeyCerts: readonly X509Certificate[];
}

const confirmationError = (reason: string): GatewayError => new GatewayError('GW_ERR_SEC_SAML_CONFIRMATION', reason);

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
    for (const x509Data of childElements(keyInfo)) {
      if (x509Data.namespaceURI !== NS_DS || localNameOf(x509Data) !== 'X509Data') throw confirmationError(`holder-of-key ds:KeyInfo/${localNameOf(x509Data)} is not supported (only X509Data/X509Certificate)`);
      for (const c of childElements(x509Data)) {
        if (c.namespaceURI !== NS_DS || localNameOf(c) !== 'X509Certificate') continue;
        const b64 = decodeStrictBase64((simpleText(c) ?? '').replace(/[\r\n]/g, ''));
        if (b64 === undefined) throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'holder-of-key X509Certificate is not base64');
        try {
          certs.push(new X509Certificate(b64.bytes));
        } catch (err) {
          throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'holder-of-key X509Certificate does not parse', undefined, { cause: err });
        }
      }
    }
  }
  if (certs.length === 0) throw confirmationError('holder-of-key confirmation names no X.509 certificate');
  return certs;
}

/**
 * saml2:Subject/SubjectConfirmation: at least one must be satisfied (SAML core §2.4.1.1). A
 * satisfied bearer confirmation wins; holder-of-key is satisfied only later, when a message
 * signature by one of its certificates covers the Body (see {@link bindHolderOfKey}).
 * Sender-vouches and any other method are refused.
 */
export function checkConfirmations(subject: Element, settings: SamlSettings, now: Date): ConfirmationFacts {
  const confirmations = childElements(subject).filter((e) => isSaml(e, 'SubjectConfirmation'));
  if (confirmations.length === 0) throw confirmationError('the assertion Subject has no SubjectConfirmation');
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

/**
 * Proof of possession for holder-of-key: a verified message signature whose signer certificate is
 * one of the confirmation certificates and which covers the Envelope's own Body and, when there is
 * one, the Timestamp of the Security header.
 */
export function bindHolderOfKey(certs: readonly X509Certificate[], signatures: readonly SignatureResult[], body: Element, timestamp: Element | undefined): void {
  const bound = signatures.some((s) => {
    if (!certs.some((c) => c.raw.equals(s.signer.cert.raw))) return false;
    const nodes = new Set(s.references.map((r) => r.node));
    return nodes.has(body) && (timestamp === undefined || nodes.has(timestamp));
  });
  if (!bound) throw confirmationError('no verified message signature by the holder-of-key certificate covers the Body and Timestamp');
}
