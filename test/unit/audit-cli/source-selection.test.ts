/** Which trail, which keys, which chains: `--config` / `--dir` + `--key` / `--chain`, and usage errors (exit 2). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExampleConfig } from '../../support/gateway.ts';
import { audit, type ChainFixture, mixedSpecs, newKey, removeTempDirs, tempDir, writeChain } from './fixture.ts';

afterAll(removeTempDirs);

let f: ChainFixture;

beforeAll(async () => {
  f = await writeChain(mixedSpecs(8));
  // A second instance's chain in the same directory, signed with the same key.
  await writeChain(mixedSpecs(3, '2026-03-05T10:00:00Z'), { dir: f.dir, key: f.key, chain: 'gw2' });
});

const gatewayWith = (auditYaml: string): string => join(writeExampleConfig('http://127.0.0.1:1', { gatewayYaml: auditYaml }), 'gateway.yaml');

describe('wsgate audit: source selection', () => {
  it('verifies every chain found in --dir', async () => {
    const r = await audit(['verify', '--dir', f.dir, '--key', f.pinnedKey]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('chain gw1: OK');
    expect(r.out).toContain('chain gw2: OK');
    expect(r.out).toContain('result: OK, 2 chains verified');
  });

  it('--chain ID verifies that chain only; an unknown chain is a usage error', async () => {
    const one = await audit(['verify', '--dir', f.dir, '--key', f.pinnedKey, '--chain', 'gw2']);
    expect(one.code).toBe(0);
    expect(one.out).not.toContain('chain gw1');
    const none = await audit(['verify', '--dir', f.dir, '--key', f.pinnedKey, '--chain', 'gw9']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('chain gw9 not found');
    expect(none.err).toContain('(chains: gw1, gw2)');
  });

  it('refuses to verify without a trusted key: a key in the data is never trusted by itself', async () => {
    const r = await audit(['verify', '--dir', f.dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no trusted public key: give --key PUB.pem');
  });

  it('refuses a private key as the trusted key', async () => {
    const file = join(tempDir(), 'private.pem');
    writeFileSync(file, newKey().privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const r = await audit(['verify', '--dir', f.dir, '--key', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('holds a private key');
  });

  it('a key that signed nothing in the trail: unknown-key, exit 1', async () => {
    const other = join(tempDir(), 'other.pub.pem');
    writeFileSync(other, newKey().publicPem);
    const r = await audit(['verify', '--dir', f.dir, '--key', other, '--chain', 'gw1']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/audit-gw1-000001-\d{8}\.jsonl:\d+ {2}seq \d+ {2}unknown-key/);
  });

  it('several --key: a trail signed by either verifies (key rotation)', async () => {
    const other = join(tempDir(), 'other.pub.pem');
    writeFileSync(other, newKey().publicPem);
    const r = await audit(['verify', '--dir', f.dir, '--key', other, '--key', f.pinnedKey]);
    expect(r.code).toBe(0);
  });

  it('--config: the file sink dir and <signingKey>.pub.pem from the gateway file, with a note when that key sits beside the trail', async () => {
    const r = await audit(['verify', '--config', gatewayWith(`audit: {sink: file, dir: ${f.dir}}`)]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`trusted key: ${f.key.keyId} (${join(f.dir, 'audit-signing.key.pub.pem')})`);
    expect(r.err).toContain('is read from the audit directory itself');
  });

  it('--config with --key pins the key instead', async () => {
    const r = await audit(['verify', '--config', gatewayWith(`audit: {sink: file, dir: ${f.dir}}`), '--key', f.pinnedKey]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`trusted key: ${f.key.keyId} (${f.pinnedKey})`);
    expect(r.err).toBe('');
  });

  it('--config whose audit.sink is off: usage error', async () => {
    const r = await audit(['verify', '--config', gatewayWith('audit: {sink: off}')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('audit.sink is off');
  });

  it('a configuration problem is listed, without a stack trace, exit 2', async () => {
    const r = await audit(['query', '--config', gatewayWith('audit: {sink: sideways}')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('configuration problem');
    expect(r.err).toContain('sink');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('usage errors exit 2: both --config and --dir, neither, unknown option, unknown command', async () => {
    expect((await audit(['verify', '--dir', f.dir, '--config', 'x.yaml', '--key', f.pinnedKey])).err).toContain('either --config or --dir');
    expect((await audit(['query'])).code).toBe(2);
    const unknown = await audit(['query', '--dir', f.dir, '--colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Unknown option '--colour'");
    expect((await audit(['frobnicate'])).code).toBe(2);
    expect((await audit([])).code).toBe(2);
    expect((await audit(['verify', '--dir', join(f.dir, 'nope'), '--key', f.pinnedKey])).err).toContain('no such directory');
  });

  it('--help for each command exits 0', async () => {
    for (const c of ['verify', 'query', 'export', 'report']) {
      const r = await audit([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`wsgate audit ${c}`);
    }
  });

  it('--open: a chain still being written verifies, its unsealed tail noted; without --open it fails', async () => {
    const open = await writeChain(mixedSpecs(7), { everyRecords: 5, open: true });
    const closed = await audit(['verify', '--dir', open.dir, '--key', open.pinnedKey]);
    expect(closed.code).toBe(1);
    expect(closed.out).toContain('not-closed');
    const r = await audit(['verify', '--dir', open.dir, '--key', open.pinnedKey, '--open']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/note: audit-gw1-000001-\d{8}\.jsonl:\d+ {2}seq \d+ {2}entries after the last checkpoint are not sealed yet/);
  });
});
