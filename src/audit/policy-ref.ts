import { createHash } from 'node:crypto';
import { canonicalJson, type Json } from './canonical.ts';

/**
 * Names the effective policy an exchange was checked against: `<service>#<operation>` and the
 * SHA-256 of its canonical JSON, so an auditor can tell that two records were judged by the same
 * contract, and when it changed.
 */
export function policyRefOf(service: string, operation: string, effective: unknown, mode: 'enforce' | 'report-only'): { readonly id: string; readonly hash: string; readonly mode: 'enforce' | 'report-only' } {
  return { id: `${service}#${operation}`, hash: createHash('sha256').update(canonicalJson(JSON.parse(JSON.stringify(effective ?? null)) as Json)).digest('hex'), mode };
}
