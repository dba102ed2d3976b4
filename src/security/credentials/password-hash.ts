/**
 * Password hashes for PasswordText users: `scrypt$N=<n>,r=<r>,p=<p>$<salt b64>$<hash b64>`
 * (or `pbkdf2-sha256$i=<iterations>$<salt b64>$<hash b64>`, for hashes made elsewhere).
 * Parameters are bounded when the file is loaded, so a hostile users file cannot make each
 * login cost seconds or gigabytes.
 */
import { pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { BinaryLike, ScryptOptions } from 'node:crypto';

export type PasswordHash =
  | { readonly scheme: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly scheme: 'pbkdf2-sha256'; readonly iterations: number; readonly salt: Buffer; readonly hash: Buffer };

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function b64(text: string, min: number): Buffer | undefined {
  if (!B64.test(text)) return undefined;
  const buf = Buffer.from(text, 'base64');
  return buf.length >= min && buf.length <= 128 ? buf : undefined;
}

const isPow2 = (n: number): boolean => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

/** The parsed hash, or a message saying what is wrong with it (never echoing the hash). */
export function parsePasswordHash(text: string): PasswordHash | string {
  const parts = text.split('$');
  if (parts.length !== 4) return 'passwordHash must look like scrypt$N=16384,r=8,p=1$<salt base64>$<hash base64>';
  const [scheme, params, saltText, hashText] = parts as [string, string, string, string];
  const salt = b64(saltText, 16);
  const hash = b64(hashText, 32);
  if (salt === undefined) return 'passwordHash salt must be base64 of 16 to 128 bytes';
  if (hash === undefined) return 'passwordHash hash must be base64 of 32 to 128 bytes';
  if (scheme === 'scrypt') {
    const m = /^N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})$/.exec(params);
    if (m === null) return 'scrypt parameters must be N=<n>,r=<r>,p=<p>';
    const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isPow2(N) || N < 2 ** 14 || N > 2 ** 20) return 'scrypt N must be a power of two from 16384 to 1048576';
    if (r < 8 || r > 32 || p < 1 || p > 16) return 'scrypt r must be 8..32 and p 1..16';
    if (128 * N * r > 1024 ** 3) return 'scrypt N*r needs more than 1 GiB of memory';
    return { scheme, N, r, p, salt, hash };
  }
  if (scheme === 'pbkdf2-sha256') {
    const m = /^i=(\d{1,8})$/.exec(params);
    const iterations = m === null ? NaN : Number(m[1]);
    if (!(iterations >= 100_000 && iterations <= 10_000_000)) return 'pbkdf2-sha256 needs i=<iterations> from 100000 to 10000000';
    return { scheme, iterations, salt, hash };
  }
  return 'passwordHash scheme must be scrypt or pbkdf2-sha256';
}

function scryptAsync(password: BinaryLike, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

function pbkdf2Async(password: BinaryLike, salt: Buffer, iterations: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keylen, 'sha256', (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

function derive(password: string, h: PasswordHash): Promise<Buffer> {
  if (h.scheme === 'scrypt') return scryptAsync(password, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 });
  return pbkdf2Async(password, h.salt, h.iterations, h.hash.length);
}

/** Constant-time check of a password against a stored hash (runs on the libuv pool, not the event loop). */
export async function verifyPassword(password: string, h: PasswordHash): Promise<boolean> {
  const derived = await derive(password, h);
  return derived.length === h.hash.length && timingSafeEqual(derived, h.hash);
}

export interface HashPasswordOptions {
  readonly N?: number;
  readonly r?: number;
  readonly p?: number;
}

/** A `passwordHash` value for the users file (scrypt, 16-byte random salt, 32-byte hash). */
export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  if (password === '') throw new RangeError('password must not be empty');
  const N = options.N ?? 16384;
  const r = options.r ?? 8;
  const p = options.p ?? 1;
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  const text = `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
  const check = parsePasswordHash(text);
  if (typeof check === 'string') throw new RangeError(check);
  return text;
}

/**
 * A hash no password matches in practice, with the same scheme and cost as `like` (default: the
 * hashPassword defaults): unknown users are verified against it, so they take as long as known ones.
 */
export function dummyPasswordHash(like?: PasswordHash): PasswordHash {
  const salt = randomBytes(16);
  if (like === undefined) return { scheme: 'scrypt', N: 16384, r: 8, p: 1, salt, hash: randomBytes(32) };
  return { ...like, salt, hash: randomBytes(like.hash.length) };
}
