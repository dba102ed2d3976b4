import { nameOf, violation, within } from '../message-view.ts';
import type { Validator } from '../message-view.ts';
import { primarySignatures } from './signatures.ts';

/**
 * sp:OnlySignEntireHeadersAndBody: every Reference digests the Body, a whole header block, or an
 * element of the gateway's Security header (Timestamp, tokens, other signatures).
 * sp:ProtectTokens: each primary signature covers the BinarySecurityToken holding its own
 * certificate (a certificate only referenced cannot be covered: the gateway refuses STR-Transform).
 */
export const checkProtection: Validator = (r, m) => {
  const { facts, envelope } = m;
  if (r.onlySignEntireHeadersAndBody !== undefined) {
    for (const s of facts.signatures) {
      for (const ref of s.references) {
        const node = ref.node;
        const whole = node === envelope.body || (envelope.header !== null && node.parentNode === envelope.header) || (facts.header !== undefined && within(facts.header, node));
        if (!whole) return violation('GW_ERR_POLICY_PROTECTION', r.onlySignEntireHeadersAndBody, 'a signature covers part of a header or of the Body instead of the whole', { element: nameOf(node) });
      }
    }
  }
  if (r.protectTokens !== undefined) {
    for (const s of primarySignatures(facts)) {
      const token = s.signerToken;
      if (token === undefined) return violation('GW_ERR_POLICY_PROTECTION', r.protectTokens, 'the signing certificate is only referenced, so the signature cannot cover its token', { reference: s.signerReference });
      if (!s.references.some((ref) => ref.node === token)) return violation('GW_ERR_POLICY_PROTECTION', r.protectTokens, 'the signature does not cover the BinarySecurityToken of its own certificate', { element: nameOf(token) });
    }
  }
  return undefined;
};
