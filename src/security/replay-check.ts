import type { Clock } from '../clock.ts';
import { GatewayError } from '../errors.ts';
import { timestampReplayHorizon } from './processors/timestamp.ts';
import { usernameTokenReplayHorizon } from './processors/username-token.ts';
import type { SecurityRuntime } from './runtime.ts';
import type { SecurityFacts } from './types.ts';

/**
 * Replay detection from signed data only, run once the message passed every other check (so a
 * rejected message never poisons the cache): Timestamp Created + SignatureValue digest for each
 * verified signature (keyed on the canonical SignedInfo), each UsernameToken nonce, and each bearer
 * or OneTimeUse SAML assertion (issuer + ID), held until expiry + skew.
 */
export async function checkReplay(facts: SecurityFacts, runtime: SecurityRuntime, clock: Clock): Promise<void> {
  const now = clock.now();
  const horizon = facts.timestamp ? timestampReplayHorizon(facts.timestamp, runtime.timestamp) : new Date(now.getTime() + (runtime.timestamp.ttlSeconds + runtime.timestamp.futureSkewSeconds) * 1000);
  for (const sig of facts.signatures) {
    // Keyed on the signed content (canonical SignedInfo, which digests the Timestamp and Body), never on the signature bytes.
    if (!(await runtime.replay.checkAndRemember(`sig:${sig.signedInfoDigest}`, horizon, now))) {
      throw new GatewayError('GW_ERR_SEC_REPLAY', `signed content ${sig.signedInfoDigest.slice(0, 16)}… was already accepted`);
    }
  }
  for (const ut of facts.usernameTokens) {
    if (ut.nonce === undefined || runtime.usernameToken === undefined) continue;
    const until = usernameTokenReplayHorizon(ut, runtime.usernameToken, now);
    if (!(await runtime.replay.checkAndRemember(`nonce:${JSON.stringify([ut.username, ut.nonce])}`, until, now))) {
      throw new GatewayError('GW_ERR_SEC_REPLAY', `UsernameToken nonce of ${ut.username} was already used`);
    }
  }
  for (const a of facts.samlAssertions) {
    // A bearer assertion proves nothing about who presents it: each one is accepted once.
    if (a.confirmation !== 'bearer' && !a.oneTimeUse) continue;
    const until = new Date(a.notOnOrAfter.getTime() + (runtime.saml?.skewMs ?? 0));
    if (!(await runtime.replay.checkAndRemember(`saml:${a.issuer}:${a.id}`, until, now))) {
      throw new GatewayError('GW_ERR_SEC_REPLAY', `SAML assertion ${a.id.slice(0, 80)} of ${a.issuer.slice(0, 120)} was already accepted`);
    }
  }
}
