import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export const WSDL = '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"/>\n';

/** A temporary directory holding `files` (path → content); removed after the test. */
export function tree(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'wsgate-config-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A valid service directory `dir` with one port at `path`. */
export function service(dir: string, name: string, path: string, extra = ''): Record<string, string> {
  return {
    [`${dir}/service.yaml`]: `name: ${name}\nwsdl: S.wsdl\nports:\n  - wsdlPort: P\n    path: ${path}\nbackend:\n  url: http://127.0.0.1:7001/\n${extra}`,
    [`${dir}/S.wsdl`]: WSDL,
  };
}
