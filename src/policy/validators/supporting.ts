import type { Element } from '@xmldom/xmldom';
import type { SecurityRequirements } from '../../config/types.ts';
import type { SecurityFacts } from '../../security/types.ts';
import type { SupportingContainer, SupportingTokenRequirement } from '../model.ts';
import { violation } from '../message-view.ts';
import type { MessageView, Validator, Violation } from '../message-view.ts';
import { originOf } from './presence.ts';
import { endorsingSignatures, primarySignatures, signerIncluded, x509TokenMismatch } from './signatures.ts';

const signedContainer = (c: SupportingContainer): boolean => c === 'SignedSupportingTokens' || c === 'SignedEndorsingSupportingTokens';

/** Covered by a primary signature, or by the TLS channel under a TransportBinding. */
function tokenSigned(r: SecurityRequirements, facts: SecurityFacts, el: Element): boolean {
  if (r.transport !== undefined) return true;
  return primarySignatures(facts).some((s) => s.references.some((ref) => ref.node === el));
}

function checkSaml(r: SecurityRequirements, t: Extract<SupportingTokenRequirement, { kind: 'saml' }>, facts: SecurityFacts): Violation | undefined {
  const assertions = facts.samlAssertions;
  if (assertions.length === 0) return violation('GW_ERR_POLICY_SAML_REQUIRED', t.assertion, 'the operation requires a SAML assertion and the Security header has none');
  const version = t.version;
  if (version !== undefined && !assertions.some((a) => a.version === version)) {
    return violation('GW_ERR_POLICY_TOKEN', t.assertion, `the policy requires a SAML ${version} assertion, the message carries SAML ${assertions.map((a) => a.version).join(', ')}`);
  }
  if (signedContainer(t.container) && !assertions.some((a) => tokenSigned(r, facts, a.element))) {
    return violation('GW_ERR_POLICY_TOKEN', t.assertion, 'the SAML assertion is not covered by the message signature (SignedSupportingTokens)');
  }
  return undefined;
}

function checkUsername(r: SecurityRequirements, t: Extract<SupportingTokenRequirement, { kind: 'username' }>, facts: SecurityFacts): Violation | undefined {
  const tokens = facts.usernameTokens;
  if (tokens.length === 0) return violation('GW_ERR_POLICY_TOKEN', t.assertion, 'the policy requires a UsernameToken and the Security header has none');
  const typed = tokens.filter((u) => u.passwordType === t.password);
  if (typed.length === 0) return violation('GW_ERR_POLICY_TOKEN', t.assertion, `the UsernameToken must use Password${t.password === 'digest' ? 'Digest (sp:HashPassword)' : 'Text'}`, { passwordType: tokens[0]?.passwordType ?? '' });
  const complete = typed.filter((u) => (!t.nonce || u.nonce !== undefined) && (!t.created || u.created !== undefined));
  if (complete.length === 0) return violation('GW_ERR_POLICY_TOKEN', t.assertion, 'the UsernameToken lacks the Nonce or Created the policy requires');
  if (signedContainer(t.container) && !complete.some((u) => tokenSigned(r, facts, u.element))) {
    return violation('GW_ERR_POLICY_TOKEN', t.assertion, 'the UsernameToken is not covered by the message signature (SignedSupportingTokens)');
  }
  return undefined;
}

function checkEndorsingX509(r: SecurityRequirements, t: Extract<SupportingTokenRequirement, { kind: 'x509' }>, facts: SecurityFacts): Violation | undefined {
  const candidates = endorsingSignatures(facts, r.transport !== undefined);
  if (candidates.length === 0) return violation('GW_ERR_POLICY_TOKEN', t.assertion, 'the policy requires an endorsing X.509 signature (over the message signature) and there is none');
  let why: string | undefined;
  for (const s of candidates) {
    const included = signerIncluded(facts, s);
    why = x509TokenMismatch(t.token, s.signerReference, included);
    if (why === undefined && signedContainer(t.container) && !(s.signerToken !== undefined && tokenSigned(r, facts, s.signerToken))) {
      why = 'the endorsing token is not covered by the message signature (SignedEndorsingSupportingTokens)';
    }
    if (why === undefined) return undefined;
  }
  return violation('GW_ERR_POLICY_TOKEN', t.assertion, why ?? 'no endorsing signature meets the token requirement');
}

/**
 * sp:SupportingTokens and its Signed / Endorsing / SignedEndorsing variants: each token the
 * alternative names is present, verified by the engine, and protected as its container says.
 * SAML first, so that a missing assertion keeps its own code (GW_ERR_POLICY_SAML_REQUIRED).
 */
export const checkSupportingTokens: Validator = (r, m: MessageView) => {
  if (r.saml && m.facts.samlAssertions.length === 0) {
    return violation('GW_ERR_POLICY_SAML_REQUIRED', originOf(r, 'saml', 'saml'), 'the operation requires a SAML assertion and the Security header has none');
  }
  const tokens = r.supportingTokens ?? [];
  const ordered = [...tokens.filter((t) => t.kind === 'saml'), ...tokens.filter((t) => t.kind !== 'saml')];
  for (const t of ordered) {
    const v = t.kind === 'saml' ? checkSaml(r, t, m.facts) : t.kind === 'username' ? checkUsername(r, t, m.facts) : checkEndorsingX509(r, t, m.facts);
    if (v !== undefined) return v;
  }
  return undefined;
};
