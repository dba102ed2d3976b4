import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from '../entries.ts';
import type { StoredEntry } from '../verify.ts';
import { listChains } from './file-names.ts';

/** Every line of one chain's files, in order, with its position. */
export function readFileChain(dir: string, chain: string): StoredEntry[] {
  const files = listChains(dir).get(chain) ?? [];
  const out: StoredEntry[] = [];
  for (const f of files) {
    const lines = readFileSync(join(dir, f.name), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    lines.forEach((line, i) => {
      const where = `${f.name}:${i + 1}`;
      try {
        const entry = JSON.parse(line) as unknown;
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) out.push({ where, file: f.name, entry: { unreadable: 'not a JSON object' } });
        else out.push({ where, file: f.name, entry: entry as AuditEntry });
      } catch {
        out.push({ where, file: f.name, entry: { unreadable: 'not valid JSON (truncated or edited line)' } });
      }
    });
  }
  return out;
}

export function fileChainIds(dir: string): string[] {
  return [...listChains(dir).keys()].sort();
}
