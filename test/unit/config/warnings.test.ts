import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { collectWarnings, formatWarning, isLoopback } from '../../../src/config/warnings.ts';
import { fixture } from './helpers.ts';
import { service, tree } from './tree.ts';

describe('collectWarnings', () => {
  it('warns about TEST-ONLY material, several workers and raised limits in the valid fixture', () => {
    const config = loadConfig(fixture('valid/gateway.yaml'), { env: { WSGATE_TLS_PASSPHRASE: 'x' } });
    const warnings = collectWarnings(config);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['test-only-material', '/tls/cert'],
      ['test-only-material', '/tls/key'],
      ['test-only-material', '/tls/clientCa/0'],
      ['multiple-workers', '/workers'],
      ['limits-raised', '/limits'],
    ]);
    expect(warnings[0]?.message).toBe(`${fixture('valid/tls/server.crt')} is demo material (${fixture('valid/tls')} is marked TEST-ONLY): its keys are public, never use it in production`);
    expect(warnings[4]).toEqual({
      code: 'limits-raised',
      file: fixture('valid/services/claims/service.yaml'),
      path: '/limits',
      message: "service 'claims' raises limits above the defaults: maxBodyBytes 1048576 → 4194304, allowComments false → true",
    });
    expect(formatWarning(warnings[3]!)).toMatch(/gateway\.yaml at \/workers: workers is 2: /);
  });

  it('is silent for a loopback-only gateway with default limits', () => {
    const root = tree({ 'g.yaml': 'services: [a]\n', ...service('a', 'a', '/a', 'limits: {maxDepth: 32}\n') });
    expect(collectWarnings(loadConfig(join(root, 'g.yaml')))).toEqual([]);
  });

  it('warns about an admin listener and plain HTTP on non-loopback addresses', () => {
    const root = tree({ 'g.yaml': 'services: [a]\nlisten: {host: 0.0.0.0}\nadmin: {host: "::"}\n', ...service('a', 'a', '/a') });
    expect(collectWarnings(loadConfig(join(root, 'g.yaml'))).map((w) => w.code)).toEqual(['admin-not-loopback', 'plain-http']);
  });

  it.skipIf(process.platform === 'win32')('warns about a secret file other users can read', () => {
    const root = tree({ 'g.yaml': 'services: [a]\ntls:\n  pfx: p.p12\n  passphrase: {file: pass}\n', 'p.p12': 'x', pass: 'secret\n', ...service('a', 'a', '/a') });
    chmodSync(join(root, 'pass'), 0o644);
    const warnings = collectWarnings(loadConfig(join(root, 'g.yaml')));
    expect(warnings.map((w) => w.message)).toEqual([`secret file ${join(root, 'pass')} can be read by other users (mode 0644): chmod 600 it`]);
    chmodSync(join(root, 'pass'), 0o600);
    expect(collectWarnings(loadConfig(join(root, 'g.yaml')))).toEqual([]);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com'].some(isLoopback)).toBe(false);
  });
});
