import { violation } from '../message-view.ts';
import type { Validator } from '../message-view.ts';
import { primarySignatures, signerIncluded, x509TokenMismatch } from './signatures.ts';

/** sp:InitiatorToken: how every primary signature's certificate travelled or was referenced. */
export const checkSignerToken: Validator = (r, m) => {
  const token = r.signer;
  if (token === undefined) return undefined;
  for (const s of primarySignatures(m.facts)) {
    const why = x509TokenMismatch(token, s.signerReference, signerIncluded(m.facts, s));
    if (why !== undefined) return violation('GW_ERR_POLICY_TOKEN', token.assertion, why, { reference: s.signerReference });
  }
  return undefined;
};

/** sp:RecipientToken: how every EncryptedKey named the gateway certificate. */
export const checkRecipientToken: Validator = (r, m) => {
  const token = r.recipient;
  if (token === undefined) return undefined;
  for (const d of m.facts.decryptions) {
    const why = x509TokenMismatch(token, d.keyReference, d.keyReference === 'bst-direct');
    if (why !== undefined) return violation('GW_ERR_POLICY_TOKEN', token.assertion, why, { reference: d.keyReference });
  }
  return undefined;
};
