import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceExpect } from '../../support/conformance.ts';
import { interopDir, manifest } from '../../support/interop.ts';
import type { InteropCase } from '../../support/interop.ts';
import { SIG, bst, envelope, getClaimStatus, isoPlus, loadPair, signMessage, timestamp } from './wss.ts';
import type { EnvelopeParts, KeyPair } from './wss.ts';

/** One generated case: where it goes, its expect.json, and its files (request.xml, step2.xml...). */
export interface GenCase {
  readonly area: string;
  readonly name: string;
  readonly expect: ConformanceExpect;
  readonly files: Readonly<Record<string, string>>;
}

/** The gateway clock of every re-signed case; messages are created 2 s before it. */
export const CLOCK = '2026-12-01T10:00:00.000Z';
export const CREATED = isoPlus(CLOCK, -2);

export const client: KeyPair = loadPair('client-rsa');

export function interop(id: string): { readonly c: InteropCase; readonly xml: string } {
  const c = manifest.cases.find((m) => m.id === id);
  if (c === undefined) throw new Error(`no interop case ${id}`);
  const dir = readdirSync(join(interopDir, 'cases')).find((d) => d.startsWith(`${id}__`)) ?? '';
  return { c, xml: readFileSync(join(interopDir, 'cases', dir, 'request.xml'), 'utf8') };
}

/** Replaces exactly one occurrence (the generator fails loudly when a fixture changes under it). */
export function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) ?? []).length;
  if (count !== 1) throw new Error(`expected one match of ${String(from).slice(0, 80)}, found ${count}`);
  return text.replace(from, () => to);
}

export function extract(text: string, re: RegExp): string {
  const m = re.exec(text);
  if (m === null) throw new Error(`no match for ${String(re).slice(0, 80)}`);
  return m[0];
}

export function marker(id: string): string {
  return `CNF-${id.toUpperCase()}`;
}

/** A signed GetClaimStatus (BST direct reference, Body + Timestamp signed), created at CREATED. */
export function signedGcs(id: string, over: Partial<EnvelopeParts> = {}, refs: readonly string[] = ['Body-1', 'TS-1']): string {
  const parts: EnvelopeParts = { version: '1.1', security: [bst(client), SIG, timestamp(CREATED)], body: getClaimStatus(marker(id)), ...over };
  return signMessage(envelope(parts), { refs, pair: client });
}

type ExpectBase = Omit<ConformanceExpect, 'expected' | 'codes' | 'why'>;

export function reject(area: string, name: string, base: ExpectBase, codes: ConformanceExpect['codes'], why: string, xml: string, extra: Partial<ConformanceExpect> = {}): GenCase {
  return { area, name, expect: { ...base, expected: 'reject', codes, why, ...extra }, files: { 'request.xml': xml } };
}

export function accept(area: string, name: string, base: ExpectBase, mark: string, why: string, xml: string): GenCase {
  return { area, name, expect: { ...base, expected: 'accept', codes: [], why, marker: mark }, files: { 'request.xml': xml } };
}

/** endpoint / headers / clock of an interop case, or of a generated one. */
export function baseOf(c: Pick<InteropCase, 'endpoint' | 'httpHeaders' | 'clock'>): ExpectBase {
  return { endpoint: c.endpoint, httpHeaders: { ...c.httpHeaders }, clock: c.clock };
}
