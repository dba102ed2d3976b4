import type { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { SamlAssertionResult, SignatureResult } from '../types.ts';
import { confirmationError } from './confirmation-common.ts';
import type { SamlSettings } from './settings.ts';

const oneLine = (dn: string): string => dn.split('\n').filter(Boolean).join(', ');
const covers = (s: SignatureResult, el: Element): boolean => s.references.some((r) => r.node === el);

/**
 * Proof of possession for holder-of-key: a verified message signature whose signer certificate is
 * one of the confirmation certificates and which covers the Envelope's own Body and, when there is
 * one, the Timestamp of the Security header.
 */
export function bindHolderOfKey(certs: readonly X509Certificate[], signatures: readonly SignatureResult[], body: Element, timestamp: Element | undefined): void {
  const bound = signatures.some((s) => certs.some((c) => c.raw.equals(s.signer.cert.raw)) && covers(s, body) && (timestamp === undefined || covers(s, timestamp)));
  if (!bound) throw confirmationError('no verified message signature by the holder-of-key certificate covers the Body and Timestamp');
}

/**
 * Sender-vouches (SAML Token Profile 1.1 §3.5.2): a verified message signature (its certificate
 * chained to the trust anchors) by one of the configured senders, covering the assertion itself,
 * the Envelope's own Body and, when there is one, the Timestamp — all by node identity. The
 * reason names what was missing: no signature, a signer that is not a sender, or the part the
 * sender's signature left out.
 */
export function bindSenderVouches(assertion: Element, senders: readonly X509Certificate[], signatures: readonly SignatureResult[], body: Element, timestamp: Element | undefined): void {
  if (signatures.length === 0) throw confirmationError('sender-vouches assertion in a message without a verified signature: the sender must sign the assertion and the Body');
  const listed = signatures.filter((s) => senders.some((c) => c.raw.equals(s.signer.cert.raw)));
  if (listed.length === 0) {
    const signers = signatures.map((s) => `${oneLine(s.signer.subject)} (SHA-256 ${s.signer.fingerprint256})`).join('; ');
    throw confirmationError(`sender-vouches: the message is signed by ${signers.slice(0, 400)}, not by a certificate of security.saml.senders`);
  }
  let missing = '';
  for (const s of listed) {
    const gaps = [covers(s, assertion) ? '' : 'the assertion', covers(s, body) ? '' : 'the Body', timestamp === undefined || covers(s, timestamp) ? '' : 'the Timestamp'].filter(Boolean);
    if (gaps.length === 0) return;
    missing ||= `the signature of sender ${oneLine(s.signer.subject)} does not cover ${gaps.join(' or ')}`;
  }
  throw confirmationError(`sender-vouches: ${missing}`);
}

/** Binds every holder-of-key and sender-vouches assertion to a message signature, once the whole header is processed. */
export function bindConfirmations(assertions: readonly SamlAssertionResult[], signatures: readonly SignatureResult[], body: Element, timestamp: Element | undefined, settings: SamlSettings | undefined): void {
  for (const a of assertions) {
    if (a.confirmation === 'holder-of-key') bindHolderOfKey(a.holderOfKeyCerts, signatures, body, timestamp);
    else if (a.confirmation === 'sender-vouches') bindSenderVouches(a.element, settings?.senders ?? [], signatures, body, timestamp);
  }
}
