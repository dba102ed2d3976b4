import { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, childElements, localNameOf } from '../../xml/ns.ts';
import { simpleText } from '../processors/dom-text.ts';
import { decodeStrictBase64 } from '../processors/wss-base64.ts';
import { parsedCertificates } from '../x509/cert-cache.ts';
import { parseCertificateDer } from '../x509/cert-facts.ts';
import type { SamlConfirmationMethod } from '../types.ts';
import type { SamlSettings } from './settings.ts';

export const confirmationError = (reason: string): GatewayError => new GatewayError('GW_ERR_SEC_SAML_CONFIRMATION', reason);

/**
 * A holder-of-key certificate from its base64 text: through the same per-process cache and the
 * same strict DER reader as certificates in BinarySecurityTokens (x509/cert-cache.ts), since the
 * same client certificate arrives with every assertion.
 */
function certificateOf(text: string): X509Certificate {
  const b64 = decodeStrictBase64(text.replace(/[\r\n]/g, ''));
  if (b64 === undefined) throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'holder-of-key X509Certificate is not base64');
  const seen = parsedCertificates.get(b64.text);
  if (seen !== undefined) return seen;
  try {
    parseCertificateDer(b64.bytes);
    const cert = new X509Certificate(b64.bytes);
    parsedCertificates.set(b64.text, cert);
    return cert;
  } catch (err) {
    throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'holder-of-key X509Certificate does not parse', undefined, { cause: err });
  }
}

/**
 * The X.509 certificates of a holder-of-key ds:KeyInfo (SAML Token Profile 1.1 §3.5.1): only
 * X509Data/X509Certificate is read; any other key form is refused (the gateway never trusts a
 * bare key value).
 */
export function keyInfoCertificates(keyInfo: Element): X509Certificate[] {
  const certs: X509Certificate[] = [];
  for (const x509Data of childElements(keyInfo)) {
    if (x509Data.namespaceURI !== NS_DS || localNameOf(x509Data) !== 'X509Data') throw confirmationError(`holder-of-key ds:KeyInfo/${localNameOf(x509Data)} is not supported (only X509Data/X509Certificate)`);
    for (const c of childElements(x509Data)) {
      if (c.namespaceURI !== NS_DS || localNameOf(c) !== 'X509Certificate') continue;
      certs.push(certificateOf(simpleText(c) ?? ''));
    }
  }
  return certs;
}

/**
 * Sender-vouches is judged alone: an assertion that names it next to another method is refused,
 * so that a sender who is not listed can never end up accepted as bearer or holder-of-key.
 * Returns true when every method is sender-vouches (and senders are configured).
 */
export function senderVouchesOnly(methods: readonly string[], senderVouches: string, settings: SamlSettings): boolean {
  const sv = methods.filter((m) => m === senderVouches).length;
  if (sv === 0) return false;
  if (sv !== methods.length) throw confirmationError('sender-vouches is combined with another confirmation method in one assertion: refused (no fallback from one method to another)');
  if (settings.senders.length === 0) throw confirmationError('sender-vouches assertion, but no sender is configured (security.saml.senders is empty)');
  return true;
}

/** Confirmation facts shared by SAML 2.0 and 1.1. */
export interface ConfirmationFacts {
  readonly method: SamlConfirmationMethod;
  /** The confirmation-level NotOnOrAfter, when it bounds the assertion. */
  readonly notOnOrAfter: Date | undefined;
  readonly holderOfKeyCerts: readonly X509Certificate[];
}
