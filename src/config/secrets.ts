/**
 * Secrets (TLS passphrases, later: keystore and database passwords) are never written in the
 * configuration: it names a file or an environment variable, read at start-up. Messages name the
 * file or variable, never the value.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './problems.ts';
import type { ConfigProblem } from './problems.ts';
import type { SecretRef } from './types.ts';

export type SecretResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

export function tryReadSecret(ref: SecretRef, env: NodeJS.ProcessEnv): SecretResult {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) return { ok: false, message: `environment variable ${ref.env} is not set` };
    if (value === '') return { ok: false, message: `environment variable ${ref.env} is empty` };
    return { ok: true, value };
  }
  let text: string;
  try {
    text = readFileSync(ref.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'unknown error'})`;
    return { ok: false, message: `secret file ${ref.file} ${why}` };
  }
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (value === '') return { ok: false, message: `secret file ${ref.file} is empty` };
  return { ok: true, value };
}

/**
 * The secret's value. Throws a ConfigError naming the file or variable (and `where` it was
 * configured, when given) if it is missing or empty.
 */
export function readSecret(
  ref: SecretRef,
  env: NodeJS.ProcessEnv = process.env,
  where?: Pick<ConfigProblem, 'file' | 'path' | 'line'>,
): string {
  const result = tryReadSecret(ref, env);
  if (result.ok) return result.value;
  const file = where?.file ?? ('file' in ref ? ref.file : '(environment)');
  const problem: ConfigProblem = { ...where, file, path: where?.path ?? '', message: result.message };
  throw new ConfigError([problem]);
}
