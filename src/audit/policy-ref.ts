import { createHash } from 'node:crypto';
import { canonicalJson, type Json } from './canonical.ts';

export interface PolicyRef {
  readonly id: string;
  readonly hash: string;
  readonly mode: 'enforce' | 'report-only';
}

/** Compiled policies live as long as their service: one reference per policy object, computed once. */
const cache = new WeakMap<object, Map<string, PolicyRef>>();

/**
 * Names the effective policy an exchange was checked against: `<service>#<operation>` and the
 * SHA-256 of its canonical JSON, so an auditor can tell that two records were judged by the same
 * contract, and when it changed.
 */
export function policyRefOf(service: string, operation: string, effective: unknown, mode: 'enforce' | 'report-only'): PolicyRef {
  const key = `${mode} ${service}#${operation}`;
  const holder = typeof effective === 'object' && effective !== null ? effective : undefined;
  const hit = holder !== undefined ? cache.get(holder)?.get(key) : undefined;
  if (hit !== undefined) return hit;
  const ref: PolicyRef = { id: `${service}#${operation}`, hash: createHash('sha256').update(canonicalJson(JSON.parse(JSON.stringify(effective ?? null)) as Json)).digest('hex'), mode };
  if (holder !== undefined) {
    const m = cache.get(holder) ?? new Map<string, PolicyRef>();
    m.set(key, ref);
    cache.set(holder, m);
  }
  return ref;
}
