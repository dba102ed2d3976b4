import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedDocs, renderConfigReference, renderErrorTable } from '../../../src/docs/generate.ts';
import { errorCodes } from '../../../src/errors.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');
const regenerate = 'out of date: run `node --import tsx src/docs/write.ts` and commit the result';

describe('generated documentation', () => {
  it.each(generatedDocs.map((d) => [d.path, d] as const))('%s matches what the generator renders', (path, doc) => {
    expect(read(path), `${path} is ${regenerate}`).toBe(doc.render());
  });
});

describe('error catalogue', () => {
  it('has 76 codes (change this number on purpose when adding or removing one)', () => {
    expect(errorCodes).toHaveLength(76);
  });

  it('documents every code in docs/errors.md, one row each', () => {
    const doc = read('docs/errors.md');
    for (const code of errorCodes) expect(doc.split('\n').filter((l) => l.startsWith(`| \`${code}\` |`)), code).toHaveLength(1);
  });

  it('shows SOAP 1.1 and 1.2 fault codes with their HTTP status', () => {
    const table = renderErrorTable();
    expect(table).toContain('| `GW_ERR_XML_MALFORMED` | `Client` 500 | `Sender` 400 | Request is not well-formed XML |');
    expect(table).toContain('| `GW_ERR_SOAP_VERSION_MISMATCH` | `VersionMismatch` 500 | `VersionMismatch` 500 |');
    expect(table).toContain('| `GW_ERR_SOAP_MUST_UNDERSTAND` | `MustUnderstand` 500 | `MustUnderstand` 500 |');
    expect(table).toContain('| `GW_ERR_BACKEND_TIMEOUT` | `Server` 504 | `Receiver` 504 |');
  });
});

describe('configuration reference', () => {
  it('has a row per key with type, default and description', () => {
    const doc = renderConfigReference();
    expect(doc).toContain('| `listen.port` | integer | `8080` | TCP port (0 picks a free port, for tests). From 0 to 65535. |');
    expect(doc).toContain('| `services` | list of string | **required** |');
    expect(doc).toContain('| `tls.clientAuth` | `none` \\| `optional` \\| `require` | `none` |');
    expect(doc).toContain('| `ports[].path` | string | **required** |');
    expect(doc).toContain('| `limits.maxBodyBytes` | integer | `1048576` (1 MiB) |');
  });
});
