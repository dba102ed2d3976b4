import type { Element } from '@xmldom/xmldom';
import { NS_DS, childElements, localNameOf } from '../../xml/ns.ts';
import { samlInvalid, samlText } from './common.ts';
import { confirmationError, keyInfoCertificates, senderVouchesOnly, type ConfirmationFacts } from './confirmation-common.ts';
import { CM1_BEARER, CM1_HOLDER_OF_KEY, CM1_SENDER_VOUCHES, NS_SAML1 } from './names.ts';
import type { SamlSettings } from './settings.ts';

const isSaml1 = (el: Element, local: string): boolean => el.namespaceURI === NS_SAML1 && localNameOf(el) === local;

interface Confirmation1 {
  readonly methods: readonly string[];
  readonly keyInfo: Element | undefined;
}

/** saml1:SubjectConfirmation (SAML 1.1 core §2.4.2.3): ConfirmationMethod+, SubjectConfirmationData?, ds:KeyInfo?. */
function readConfirmation(subject: Element | undefined): Confirmation1 | undefined {
  if (subject === undefined) return undefined;
  const found = childElements(subject).filter((k) => isSaml1(k, 'SubjectConfirmation'));
  if (found.length > 1) throw samlInvalid('more than one saml1:SubjectConfirmation');
  const sc = found[0];
  if (sc === undefined) return undefined;
  const methods: string[] = [];
  let keyInfo: Element | undefined;
  for (const k of childElements(sc)) {
    if (isSaml1(k, 'ConfirmationMethod')) methods.push(samlText(k, 'ConfirmationMethod'));
    else if (k.namespaceURI === NS_DS && localNameOf(k) === 'KeyInfo' && keyInfo === undefined) keyInfo = k;
    else if (!isSaml1(k, 'SubjectConfirmationData')) throw samlInvalid(`unexpected {${k.namespaceURI ?? ''}}${localNameOf(k)} in saml1:SubjectConfirmation`);
  }
  return { methods, keyInfo };
}

/** The ConfirmationMethod URIs of a saml1:Subject (empty without a SubjectConfirmation). */
export function confirmationMethods1(subject: Element | undefined): readonly string[] {
  return readConfirmation(subject)?.methods ?? [];
}

/**
 * The subject confirmation of a SAML 1.1 assertion, with the rules of the 2.0 one: bearer wins
 * when it holds — and, as SAML 1.1 has no confirmation-level lifetime, it holds only for an
 * assertion bounded by Conditions NotOnOrAfter; holder-of-key names its certificates in ds:KeyInfo
 * (proof of possession comes later, binding.ts); sender-vouches is judged alone.
 */
export function checkConfirmation1(subject: Element, settings: SamlSettings, conditionsNotOnOrAfter: Date | undefined): ConfirmationFacts {
  const sc = readConfirmation(subject);
  if (sc === undefined || sc.methods.length === 0) throw confirmationError('the assertion Subject has no SubjectConfirmation/ConfirmationMethod');
  if (senderVouchesOnly(sc.methods, CM1_SENDER_VOUCHES, settings)) return { method: 'sender-vouches', notOnOrAfter: undefined, holderOfKeyCerts: [] };
  if (sc.methods.includes(CM1_BEARER) && conditionsNotOnOrAfter !== undefined) return { method: 'bearer', notOnOrAfter: undefined, holderOfKeyCerts: [] };
  if (sc.methods.includes(CM1_HOLDER_OF_KEY)) {
    if (sc.keyInfo === undefined) throw confirmationError('holder-of-key SubjectConfirmation without ds:KeyInfo');
    const certs = keyInfoCertificates(sc.keyInfo);
    if (certs.length === 0) throw confirmationError('holder-of-key confirmation names no X.509 certificate');
    return { method: 'holder-of-key', notOnOrAfter: undefined, holderOfKeyCerts: certs };
  }
  if (sc.methods.includes(CM1_BEARER)) throw confirmationError('SAML 1.1 bearer assertion without Conditions NotOnOrAfter (a bearer token must expire)');
  throw confirmationError(`unsupported ConfirmationMethod ${JSON.stringify((sc.methods[0] ?? '').slice(0, 120))}`);
}
