import type { Clock } from '../clock.ts';
import { GatewayError } from '../errors.ts';
import { timestampReplayHorizon } from './processors/timestamp.ts';
import { usernameTokenReplayHorizon } from './processors/username-token.ts';
import type { SecurityRuntime } from './runtime.ts';
import type { SecurityFacts } from './types.ts';

/**
 * Replay detection from signed data only, run once the message passed every other check (so a
 * rejected message never poisons the cache): Timestamp Created + SignatureValue digest for each
 * verified signature (keyed on the canonical SignedInfo), and each UsernameToken nonce, held until expiry + skew.
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
}
