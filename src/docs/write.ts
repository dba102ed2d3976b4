/**
 * Writes the generated documentation: `node --import tsx src/docs/write.ts`.
 * With `--check`, writes nothing and exits 1 when a file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { generatedDocs } from './generate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;

for (const doc of generatedDocs) {
  const file = join(root, doc.path);
  const text = doc.render();
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) {
    stale++;
    process.stderr.write(`${doc.path} is out of date: run node --import tsx src/docs/write.ts\n`);
  } else {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${doc.path}\n`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
