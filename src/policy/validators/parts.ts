import { violation, nameOf } from '../message-view.ts';
import type { Validator } from '../message-view.ts';
import { headerBlocksFor, wasEncryptedAsElement } from './headers.ts';
import { originOf } from './presence.ts';

/**
 * sp:SignedParts (and IncludeTimestamp): by node identity, the Envelope's own Body, the Timestamp
 * of the gateway's Security header, and every header block the policy names, were among the
 * nodes a verified Reference digested.
 */
export const checkSignedParts: Validator = (r, m) => {
  const { facts, envelope } = m;
  if (r.signedParts.includes('body') && !facts.signedElements.has(envelope.body)) {
    return violation('GW_ERR_POLICY_SIGNED_PARTS', originOf(r, 'signedBody', 'signedParts: body'), "the Envelope's own Body is not among the signed elements", { part: 'body' });
  }
  if (r.signedParts.includes('timestamp')) {
    const assertion = originOf(r, 'signedTimestamp', 'signedParts: timestamp');
    if (facts.timestamp === undefined) return violation('GW_ERR_POLICY_SIGNED_PARTS', assertion, 'a signed Timestamp is required and there is none', { part: 'timestamp' });
    if (!facts.signedElements.has(facts.timestamp.element)) return violation('GW_ERR_POLICY_SIGNED_PARTS', assertion, 'the Timestamp of the Security header is not signed', { part: 'timestamp' });
  }
  for (const h of r.signedHeaders ?? []) {
    const unsigned = headerBlocksFor(envelope, h).find((b) => !facts.signedElements.has(b));
    if (unsigned !== undefined) return violation('GW_ERR_POLICY_SIGNED_PARTS', h.assertion, 'a header block the policy protects is not signed', { part: 'header', element: nameOf(unsigned) });
  }
  return undefined;
};

/**
 * sp:EncryptedParts: the Body's content arrived encrypted (Content encryption of the Body, or
 * Element encryption of its children), and so did every header block the policy names
 * (wsse11:EncryptedHeader or an EncryptedData in its place).
 */
export const checkEncryptedParts: Validator = (r, m) => {
  const { facts, envelope } = m;
  if (r.encryptedParts.includes('body')) {
    const body = envelope.body;
    const decrypted = facts.decryptions.some((d) => (d.target === 'content' && d.decrypted.includes(body)) || (d.target === 'element' && d.decrypted.some((e) => e.parentNode === body)));
    if (!decrypted) return violation('GW_ERR_POLICY_ENCRYPTED_PARTS', originOf(r, 'encryptedBody', 'encryptedParts: body'), 'the Body was not encrypted', { part: 'body' });
  }
  for (const h of r.encryptedHeaders ?? []) {
    const clear = headerBlocksFor(envelope, h).find((b) => !wasEncryptedAsElement(facts, b));
    if (clear !== undefined) return violation('GW_ERR_POLICY_ENCRYPTED_PARTS', h.assertion, 'a header block the policy protects arrived in clear', { part: 'header', element: nameOf(clear) });
  }
  return undefined;
};
