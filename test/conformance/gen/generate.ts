/**
 * Writes the conformance corpus (test/conformance/<area>/<id>__<what>/). Run once, commit the
 * output; tests never regenerate:  node --import tsx test/conformance/gen/generate.ts
 * Encryption and OAEP use fresh randomness, so a re-run changes bytes but not outcomes.
 * A `measuredMs` already present in an expect.json is kept.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../../support/conformance.ts';
import type { ConformanceExpect } from '../../support/conformance.ts';
import type { GenCase } from './case.ts';
import { cryptoCases } from './cases-crypto.ts';
import { replayDosCases } from './cases-replay-dos.ts';
import { wrappingCases } from './cases-wrapping.ts';

const all: GenCase[] = [...wrappingCases(), ...cryptoCases(), ...replayDosCases()];
const names = new Set<string>();
for (const c of all) {
  const key = `${c.area}/${c.name}`;
  if (names.has(key)) throw new Error(`duplicate case ${key}`);
  names.add(key);
  const dir = join(conformanceDir, c.area, c.name);
  mkdirSync(dir, { recursive: true });
  const expectFile = join(dir, 'expect.json');
  const old = existsSync(expectFile) ? (JSON.parse(readFileSync(expectFile, 'utf8')) as ConformanceExpect) : undefined;
  const expect: ConformanceExpect = { ...c.expect, ...(old?.measuredMs !== undefined ? { measuredMs: old.measuredMs } : {}), ...(old?.knownBug !== undefined && c.expect.knownBug === undefined ? { knownBug: old.knownBug } : {}) };
  writeFileSync(expectFile, `${JSON.stringify(expect, null, 2)}\n`);
  for (const [file, text] of Object.entries(c.files)) writeFileSync(join(dir, file), text);
}
process.stdout.write(`wrote ${all.length} cases\n`);
