import type { X509Certificate } from 'node:crypto';
import type { TrustStore } from './trust-store.ts';

/**
 * Per-process caches that keep repeat senders cheap: the same client certificate arrives in
 * every message. Both are bounded (least recently used entry dropped first), and both hold only
 * results that are pure functions of their key:
 * - parsed certificates by their (compact, canonical) base64 text, i.e. by their DER bytes;
 * - validated paths by leaf SHA-256 + key rules, per trust store. What depends on the clock
 *   (validity periods) is checked again on every use; paths with a CRL on them are not cached.
 */
export class BoundedCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();
  /**
   * The entry last read or written, which is already the most recently used one. The same sender
   * comes again and again, and its key is a fresh string each time (a certificate's base64, ~1-2
   * KB): comparing it with this one key costs far less than hashing it for the Map (and moving the
   * entry to the end, where it already is).
   */
  #lastKey: K | undefined;
  #lastValue: V | undefined;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: K): V | undefined {
    if (this.#lastValue !== undefined && key === this.#lastKey) return this.#lastValue;
    const v = this.#map.get(key);
    if (v !== undefined) {
      // Map iteration order is insertion order: re-inserting marks the entry most recently used.
      this.#map.delete(key);
      this.#map.set(key, v);
      this.#lastKey = key;
      this.#lastValue = v;
    }
    return v;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#lastKey = key;
    this.#lastValue = value;
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) {
        this.#map.delete(oldest.value);
        if (oldest.value === this.#lastKey) {
          this.#lastKey = undefined;
          this.#lastValue = undefined;
        }
      }
    }
  }

  get size(): number {
    return this.#map.size;
  }
}

export const MAX_CACHED_CERTS = 1000;
export const MAX_CACHED_PATHS = 1000;

/** Certificates parsed from message base64 (BinarySecurityToken, X509v3 KeyIdentifier, ds:X509Certificate). */
export const parsedCertificates = new BoundedCache<string, X509Certificate>(MAX_CACHED_CERTS);

const pathCaches = new WeakMap<TrustStore, BoundedCache<string, readonly X509Certificate[]>>();

/** The validated-path cache of one trust store (a reloaded store starts empty). */
export function pathCacheFor(store: TrustStore): BoundedCache<string, readonly X509Certificate[]> {
  let cache = pathCaches.get(store);
  if (cache === undefined) {
    cache = new BoundedCache(MAX_CACHED_PATHS);
    pathCaches.set(store, cache);
  }
  return cache;
}
