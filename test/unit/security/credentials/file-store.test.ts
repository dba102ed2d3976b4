import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/config/problems.ts';
import { FileCredentialStore, hashPassword, parsePasswordHash, verifyPassword } from '../../../../src/security/credentials/index.ts';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('hashPassword / verifyPassword', () => {
  it('makes an scrypt string that verifies only the same password', async () => {
    const h = await hashPassword('s3cret');
    expect(h).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    const parsed = parsePasswordHash(h);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(await verifyPassword('s3cret', parsed)).toBe(true);
    expect(await verifyPassword('s3cret ', parsed)).toBe(false);
  });
  it('refuses weak or absurd parameters', () => {
    const salt = Buffer.alloc(16, 1).toString('base64');
    const hash = Buffer.alloc(32, 2).toString('base64');
    expect(typeof parsePasswordHash(`scrypt$N=1024,r=8,p=1$${salt}$${hash}`)).toBe('string');
    expect(typeof parsePasswordHash(`scrypt$N=16383,r=8,p=1$${salt}$${hash}`)).toBe('string');
    expect(typeof parsePasswordHash(`pbkdf2-sha256$i=1000$${salt}$${hash}`)).toBe('string');
    expect(typeof parsePasswordHash(`md5$x$${salt}$${hash}`)).toBe('string');
    expect(typeof parsePasswordHash(`pbkdf2-sha256$i=100000$${salt}$${hash}`)).toBe('object');
  });
});

describe('FileCredentialStore.fromYaml', () => {
  it('resolves {env} and relative {file} secrets and parses hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsgate-users-'));
    writeFileSync(join(dir, 'portal2.secret'), 'from-file\n');
    const hash = await hashPassword('pw');
    const yaml = `users:
  - username: broker-7731
    digestSecret: {env: BROKER_SECRET}
  - username: portal
    passwordHash: "${hash}"
  - username: portal2
    digestSecret: {file: portal2.secret}
`;
    const store = FileCredentialStore.fromYaml(yaml, join(dir, 'users.yaml'), { BROKER_SECRET: 'from-env' });
    expect(store.size).toBe(3);
    expect((await store.lookup('broker-7731'))?.digestSecret).toBe('from-env');
    expect((await store.lookup('portal2'))?.digestSecret).toBe('from-file');
    expect((await store.lookup('portal'))?.passwordHash?.scheme).toBe('scrypt');
    expect(await store.lookup('nobody')).toBeUndefined();
    expect(store.dummyPasswordHash.scheme).toBe('scrypt');
  });

  it('collects every problem, naming variables and files but never secret values', () => {
    const yaml = `users:
  - username: a
    digestSecret: "inline-secret-value"
  - username: b
    digestSecret: {env: MISSING_VAR}
  - username: c
  - username: c
    passwordHash: "scrypt$N=2,r=1,p=1$AAAA$AAAA"
  - username: d
    passwordHash: 5
    colour: blue
  - just-a-string
`;
    const got = problems(() => FileCredentialStore.fromYaml(yaml, '/etc/wsgate/users.yaml', {}));
    expect(got).toEqual([
      '/users/0/digestSecret: must be {env: NAME} or {file: path}; secrets are never written inline',
      '/users/1/digestSecret: environment variable MISSING_VAR is not set',
      '/users/2: user c needs digestSecret (PasswordDigest) and/or passwordHash (PasswordText)',
      '/users/3/username: user c is listed twice',
      '/users/4/colour: unknown key (allowed: username, digestSecret, passwordHash)',
      '/users/4/passwordHash: must be a string',
      '/users/5: must be a mapping with username and digestSecret and/or passwordHash',
    ]);
    expect(got.join('\n')).not.toContain('inline-secret-value');
  });

  it('refuses a file without a users list, and invalid YAML', () => {
    expect(problems(() => FileCredentialStore.fromYaml('people: []\n', 'u.yaml', {}))).toContain('/users: must be a list of users');
    expect(problems(() => FileCredentialStore.fromYaml('users: [\n', 'u.yaml', {})).length).toBeGreaterThan(0);
    expect(problems(() => FileCredentialStore.fromYaml('users:\n  - username: a\n    username: b\n', 'u.yaml', {})).length).toBeGreaterThan(0);
  });
});
