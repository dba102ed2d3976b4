import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import type { LoadOptions } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/config/problems.ts';
import type { ConfigProblem } from '../../../src/config/problems.ts';

export const fixtures = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
export const fixture = (...parts: string[]): string => join(fixtures, ...parts);

/** 1-based line of the first line of `file` that contains `needle`. */
export function lineContaining(file: string, needle: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (index === -1) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

/** The problems loadConfig reports (fails the test when it loads). */
export function problemsOf(gatewayFile: string, opts?: LoadOptions): readonly ConfigProblem[] {
  try {
    loadConfig(gatewayFile, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`expected ${gatewayFile} to be rejected`);
}

export function errorOf(gatewayFile: string, opts?: LoadOptions): ConfigError {
  try {
    loadConfig(gatewayFile, opts);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${gatewayFile} to be rejected`);
}
