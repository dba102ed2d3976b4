/**
 * The replay-cache port. Keys are opaque strings built by the engine
 * (`sig:<Created>:<sha256 of SignatureValue>`, `nonce:<user>:<nonce>`).
 */
export interface ReplayCache {
  /**
   * Remember `key` until `expiresAt` (inclusive). True the first time (or once an earlier entry
   * expired), false when the key is still remembered: a replay.
   */
  checkAndRemember(key: string, expiresAt: Date, now: Date): Promise<boolean>;
  close(): Promise<void>;
}
