import type { SecurityRequirements } from '../../config/types.ts';
import type { RequirementOrigins } from '../model.ts';
import { violation } from '../message-view.ts';
import type { Validator } from '../message-view.ts';

/** The name of the assertion (or service.yaml key) behind a basic requirement, for error details. */
export function originOf(r: SecurityRequirements, key: keyof RequirementOrigins, fallback: string): string {
  return r.origins?.[key] ?? fallback;
}

function needsHeader(r: SecurityRequirements): boolean {
  return r.signature || r.timestamp || r.saml || r.signedParts.length > 0 || r.encryptedParts.length > 0 || (r.supportingTokens?.length ?? 0) > 0;
}

/** Anything to check in the Security header needs one addressed to the gateway. */
export const checkHeaderPresent: Validator = (r, m) => {
  if (m.facts.header !== undefined || !needsHeader(r)) return undefined;
  const assertion = r.origins?.signature ?? r.origins?.timestamp ?? r.origins?.saml ?? r.supportingTokens?.[0]?.assertion ?? 'wsse:Security';
  return violation('GW_ERR_SEC_HEADER_MISSING', assertion, 'no wsse:Security header for the gateway');
};

/** sp:IncludeTimestamp / `timestamp: true`: one wsu:Timestamp in the gateway's Security header. */
export const checkTimestampPresent: Validator = (r, m) => {
  if (!r.timestamp || m.facts.timestamp !== undefined) return undefined;
  return violation('GW_ERR_POLICY_TIMESTAMP_REQUIRED', originOf(r, 'timestamp', 'timestamp'), 'the Security header has no Timestamp');
};

/** A message-level X.509 signature (the primary signature of an AsymmetricBinding, or `signature: true`). */
export const checkSignaturePresent: Validator = (r, m) => {
  if (!(r.signature || r.signedParts.length > 0) || m.facts.signatures.length > 0) return undefined;
  return violation('GW_ERR_POLICY_SIGNATURE_REQUIRED', originOf(r, 'signature', 'signature'), 'no verified X.509 signature in the Security header');
};
