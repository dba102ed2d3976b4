/**
 * UsernameToken users from a YAML file:
 *
 *   users:
 *     - username: broker-7731
 *       digestSecret: {env: BROKER_7731_SECRET}   # or {file: secrets/broker-7731}; PasswordDigest
 *     - username: portal
 *       passwordHash: "scrypt$N=16384,r=8,p=1$<salt>$<hash>"   # PasswordText (see hashPassword)
 *
 * Secrets are never inline: `digestSecret` names an environment variable or a file (relative
 * paths are relative to the users file), resolved once at load with config/secrets.ts. Every
 * problem in the file is collected into one ConfigError; messages never contain secret values.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../config/problems.ts';
import type { ConfigProblem } from '../../config/problems.ts';
import { tryReadSecret } from '../../config/secrets.ts';
import type { SecretRef } from '../../config/types.ts';
import { dummyPasswordHash, parsePasswordHash } from './password-hash.ts';
import type { PasswordHash } from './password-hash.ts';
import type { CredentialStore, StoredCredential } from './types.ts';

const USER_KEYS = new Set(['username', 'digestSecret', 'passwordHash']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function secretRef(v: unknown, baseDir: string): SecretRef | string {
  if (typeof v === 'string') return 'must be {env: NAME} or {file: path}; secrets are never written inline';
  if (!isRecord(v) || Object.keys(v).length !== 1) return 'must be {env: NAME} or {file: path}';
  if (typeof v.env === 'string' && v.env !== '') return { env: v.env };
  if (typeof v.file === 'string' && v.file !== '') return { file: isAbsolute(v.file) ? v.file : resolve(baseDir, v.file) };
  return 'must be {env: NAME} or {file: path}';
}

export class FileCredentialStore implements CredentialStore {
  readonly dummyPasswordHash: PasswordHash;
  readonly #users: ReadonlyMap<string, StoredCredential>;

  private constructor(users: ReadonlyMap<string, StoredCredential>) {
    this.#users = users;
    const first = [...users.values()].find((u) => u.passwordHash !== undefined)?.passwordHash;
    this.dummyPasswordHash = dummyPasswordHash(first);
  }

  get size(): number {
    return this.#users.size;
  }

  lookup(username: string): Promise<StoredCredential | undefined> {
    return Promise.resolve(this.#users.get(username));
  }

  /** Parse and resolve a users file; throws one ConfigError listing every problem. */
  static fromYaml(text: string, file: string, env: NodeJS.ProcessEnv = process.env): FileCredentialStore {
    const problems: ConfigProblem[] = [];
    const add = (path: string, message: string): void => void problems.push({ file, path, message });
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) add('', `not valid YAML: ${e.code}`);
      throw new ConfigError(problems);
    }
    const data: unknown = doc.toJS();
    const list = isRecord(data) ? data.users : undefined;
    if (!isRecord(data) || Object.keys(data).some((k) => k !== 'users')) add('', 'must be a mapping with only a `users` list');
    if (!Array.isArray(list)) {
      add('/users', 'must be a list of users');
      throw new ConfigError(problems);
    }
    const users = new Map<string, StoredCredential>();
    list.forEach((entry: unknown, i) => {
      const at = `/users/${i}`;
      if (!isRecord(entry)) return add(at, 'must be a mapping with username and digestSecret and/or passwordHash');
      for (const k of Object.keys(entry)) if (!USER_KEYS.has(k)) add(`${at}/${k}`, `unknown key (allowed: ${[...USER_KEYS].join(', ')})`);
      const { username } = entry;
      if (typeof username !== 'string' || username === '' || username.length > 256) return add(`${at}/username`, 'must be a non-empty string of at most 256 characters');
      if (users.has(username)) return add(`${at}/username`, `user ${username} is listed twice`);
      let passwordHash: PasswordHash | undefined;
      if (entry.passwordHash !== undefined) {
        const parsed = typeof entry.passwordHash === 'string' ? parsePasswordHash(entry.passwordHash) : 'must be a string';
        if (typeof parsed === 'string') add(`${at}/passwordHash`, parsed);
        else passwordHash = parsed;
      }
      let digestSecret: string | undefined;
      if (entry.digestSecret !== undefined) {
        const ref = secretRef(entry.digestSecret, dirname(file));
        const read = typeof ref === 'string' ? { ok: false as const, message: ref } : tryReadSecret(ref, env);
        if (read.ok) digestSecret = read.value;
        else add(`${at}/digestSecret`, read.message);
      }
      if (entry.passwordHash === undefined && entry.digestSecret === undefined) add(at, `user ${username} needs digestSecret (PasswordDigest) and/or passwordHash (PasswordText)`);
      users.set(username, Object.freeze({ username, passwordHash, digestSecret }));
    });
    if (problems.length > 0) throw new ConfigError(problems);
    return new FileCredentialStore(users);
  }
}
