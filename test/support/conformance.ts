import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../../src/errors.ts';
import { writeClaimsConfig } from './interop.ts';
import { repoRoot } from './ports.ts';

export const conformanceDir = join(repoRoot, 'test', 'conformance');

export type Outcome = 'accept' | 'reject';

export interface ConformanceStep {
  readonly file: string;
  readonly expected: Outcome;
  readonly clock: string;
}

/** Changes to the POLICY.md configuration a case needs (kept small on purpose). */
export interface ConfigVariant {
  /** Replaces `security.legacy` (the base config enables `[aes-cbc]`). */
  readonly legacy?: readonly ('sha1' | 'rsa-sha1' | 'aes-cbc')[];
}

/** The `expect.json` of one case directory. */
export interface ConformanceExpect {
  readonly endpoint: string;
  readonly httpHeaders: Readonly<Record<string, string>>;
  readonly clock: string;
  readonly expected: Outcome;
  /** Precise codes (from the exchange log record) any of which proves the right rejection. */
  readonly codes: readonly ErrorCode[];
  readonly why: string;
  /** Accept cases: the ClientRequestId the backend must receive. */
  readonly marker?: string;
  readonly sequence?: readonly ConformanceStep[];
  readonly config?: ConfigVariant;
  /** Informational: time to reject measured once (never asserted). */
  readonly measuredMs?: number;
  /** Set when the gateway is known to get this case wrong (the table test marks it `it.fails`). */
  readonly knownBug?: string;
}

export interface ConformanceCase {
  readonly area: string;
  readonly name: string;
  readonly dir: string;
  readonly expect: ConformanceExpect;
}

const isDir = (p: string): boolean => statSync(p).isDirectory();

/** Every `<area>/<id>__<what>/expect.json` under test/conformance, sorted by area then name. */
export function loadConformanceCases(root = conformanceDir): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const area of readdirSync(root).sort()) {
    const areaDir = join(root, area);
    if (area === 'gen' || !isDir(areaDir)) continue;
    for (const name of readdirSync(areaDir).sort()) {
      const dir = join(areaDir, name);
      if (!name.includes('__') || !isDir(dir)) continue;
      out.push({ area, name, dir, expect: JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as ConformanceExpect });
    }
  }
  return out;
}

/** The POLICY.md gateway configuration (writeClaimsConfig), with the case's variant applied to service.yaml. */
export function writeConformanceConfig(backendUrl: string, variant: ConfigVariant | undefined): string {
  const dir = writeClaimsConfig(backendUrl);
  if (variant?.legacy !== undefined) {
    const file = join(dir, 'claims', 'service.yaml');
    const yaml = readFileSync(file, 'utf8');
    const replaced = yaml.replace(/^ {2}legacy: \[.*\]$/m, `  legacy: [${variant.legacy.join(', ')}]`);
    if (replaced === yaml && !yaml.includes(`legacy: [${variant.legacy.join(', ')}]`)) throw new Error('config variant: security.legacy line not found');
    writeFileSync(file, replaced);
  }
  return dir;
}
