import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../src/clock.ts';
import { FileCredentialStore, hashPassword } from '../../../../src/security/credentials/index.ts';
import { PASSWORD_DIGEST, PASSWORD_TEXT, processUsernameToken, usernameTokenReplayHorizon, usernameTokenSettings } from '../../../../src/security/processors/username-token.ts';
import type { UsernameTokenSettings } from '../../../../src/security/processors/username-token.ts';
import { codeOf, interopClock, interopElement, parse, WSSE, WSU } from './helpers.ts';

const PASSWORD = 'Cl@ims-2019!interop';
const NOW = '2026-11-28T12:00:00.000Z';
const digestOnly = usernameTokenSettings({ passwordTypes: new Set(['digest']), futureSkewSeconds: 300, maxAgeSeconds: 300 });
const both = usernameTokenSettings({ passwordTypes: new Set(['digest', 'text']), futureSkewSeconds: 60, maxAgeSeconds: 300 });
let store: FileCredentialStore;

beforeAll(async () => {
  const hash = await hashPassword('portal-pass');
  const yaml = `users:\n  - username: broker-7731\n    digestSecret: {env: BROKER_7731_SECRET}\n  - username: portal\n    passwordHash: "${hash}"\n`;
  store = FileCredentialStore.fromYaml(yaml, '/etc/wsgate/users.yaml', { BROKER_7731_SECRET: PASSWORD });
});

function digest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created).update(password).digest('base64');
}

interface TokenParts { user?: string; password?: string | null; type?: string | null; nonce?: string | null; nonceEncoding?: string | null; created?: string | null; extra?: string }

function token(p: TokenParts = {}): string {
  const nonceBytes = Buffer.from('0123456789abcdef');
  const created = p.created === undefined ? '2026-11-28T11:59:30Z' : p.created;
  const nonce = p.nonce === undefined ? nonceBytes.toString('base64') : p.nonce;
  const pw = p.password === undefined ? digest(nonceBytes, created ?? '', PASSWORD) : p.password;
  const type = p.type === undefined ? PASSWORD_DIGEST : p.type;
  const enc = p.nonceEncoding === undefined ? 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary' : p.nonceEncoding;
  return `<wsse:UsernameToken xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}"><wsse:Username>${p.user ?? 'broker-7731'}</wsse:Username>`
    + (pw === null ? '' : `<wsse:Password${type === null ? '' : ` Type="${type}"`}>${pw}</wsse:Password>`)
    + (nonce === null ? '' : `<wsse:Nonce${enc === null ? '' : ` EncodingType="${enc}"`}>${nonce}</wsse:Nonce>`)
    + (created === null ? '' : `<wsu:Created>${created}</wsu:Created>`) + (p.extra ?? '') + '</wsse:UsernameToken>';
}

const run = (xml: string, settings: UsernameTokenSettings = digestOnly, now = NOW) =>
  processUsernameToken(parse(xml), { clock: fixedClock(now), settings, store });
const code = (xml: string, settings?: UsernameTokenSettings, now?: string) => codeOf(() => run(xml, settings, now));

describe('processUsernameToken: interop corpus (POLICY.md R-USERNAMETOKEN)', () => {
  it('A12: zeep PasswordDigest token for broker-7731 verifies', async () => {
    const el = interopElement('A12', WSSE, 'UsernameToken');
    const r = await processUsernameToken(el, { clock: fixedClock(interopClock('A12')), settings: digestOnly, store });
    expect(r).toMatchObject({ kind: 'usernameToken', username: 'broker-7731', passwordType: 'digest', nonce: '8hQPiN9EgMqPl0nvbi/ynQ==' });
    expect(r.created?.toISOString()).toBe('2026-11-28T23:59:12.000Z');
  });
  it.each(['R34', 'R35'])('%s: digest of a wrong password → AUTHENTICATION_FAILED', async (id) => {
    const el = interopElement(id, WSSE, 'UsernameToken');
    expect(await codeOf(() => processUsernameToken(el, { clock: fixedClock(interopClock(id)), settings: digestOnly, store }))).toBe('GW_ERR_SEC_AUTHENTICATION_FAILED');
  });
  it('error reasons never carry the password or the digest', async () => {
    const el = interopElement('R34', WSSE, 'UsernameToken');
    const err = await processUsernameToken(el, { clock: fixedClock(interopClock('R34')), settings: digestOnly, store }).catch((e: unknown) => e);
    const text = JSON.stringify({ m: (err as Error).message, d: (err as { detail?: unknown }).detail });
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('/zxJwaDJnipP+uen6vfryx0Hr58=');
  });
});

describe('processUsernameToken: refusals', () => {
  it('accepts a well-formed synthetic digest token', async () => {
    expect(await code(token())).toBe('none');
  });
  it.each<[string, TokenParts, string?]>([
    ['wrong password', { password: digest(Buffer.from('0123456789abcdef'), '2026-11-28T11:59:30Z', 'nope') }],
    ['unknown user (same path as a wrong password)', { user: 'mallory' }],
    ['user without a digest secret (PasswordText-only user)', { user: 'portal' }],
    ['PasswordText refused when only digest is allowed', { password: PASSWORD, type: PASSWORD_TEXT }],
    ['Password without Type is PasswordText, refused when only digest is allowed', { password: PASSWORD, type: null }],
    ['unknown Password Type', { type: 'urn:x#PasswordHash' }],
    ['missing Password', { password: null }],
    ['PasswordDigest without Nonce', { nonce: null }],
    ['PasswordDigest without Created', { created: null }],
    ['Nonce not base64', { nonce: 'not*base64' }],
    ['Nonce non-canonical base64 (pad bits set)', { nonce: 'MDEyMzQ1Njc4OWFiY2RlZh==' }],
    ['Nonce shorter than 8 bytes', { nonce: Buffer.from('1234567').toString('base64') }],
    ['Nonce longer than 64 bytes', { nonce: randomBytes(65).toString('base64') }],
    ['BSP R4221 Nonce EncodingType not Base64Binary', { nonceEncoding: 'urn:x#HexBinary' }],
    ['BSP R4222 two Passwords', { extra: `<wsse:Password Type="${PASSWORD_DIGEST}">x</wsse:Password>` }],
    ['BSP R4225 two Nonces', { extra: '<wsse:Nonce>MDEyMzQ1Njc4OWFiY2RlZg==</wsse:Nonce>' }],
    ['BSP R4223 two Created', { extra: '<wsu:Created>2026-11-28T11:59:30Z</wsu:Created>' }],
    ['unsupported child (wsse11:Salt key derivation)', { extra: '<wsse11:Salt xmlns:wsse11="http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd">AAAA</wsse11:Salt>' }],
    ['Created non-UTC', { created: '2026-11-28T12:59:30+01:00' }],
    ['digest not base64', { password: 'P4SIHTZY1GRj5TCiGguVZIr5pwo' }],
  ])('%s → AUTHENTICATION_FAILED', async (_n, parts) => {
    expect(await code(token(parts))).toBe('GW_ERR_SEC_AUTHENTICATION_FAILED');
  });
  it('stale Created (older than maxAge + skew) → GW_ERR_SEC_TIMESTAMP_EXPIRED', async () => {
    expect(await code(token({ created: '2026-11-28T11:49:59.999Z' }))).toBe('GW_ERR_SEC_TIMESTAMP_EXPIRED');
    expect(await code(token({ created: '2026-11-28T11:50:00Z' }))).toBe('none');
  });
  it('Created beyond the future skew → GW_ERR_SEC_TIMESTAMP_FUTURE', async () => {
    expect(await code(token({ created: '2026-11-28T12:05:00.001Z' }))).toBe('GW_ERR_SEC_TIMESTAMP_FUTURE');
  });
});

describe('processUsernameToken: PasswordText against a stored scrypt hash', () => {
  it('verifies the right password and refuses a wrong one or an unknown user', async () => {
    const t = (user: string, pw: string) => token({ user, password: pw, type: PASSWORD_TEXT, nonce: null, created: null });
    expect((await run(t('portal', 'portal-pass'), both)).passwordType).toBe('text');
    expect(await code(t('portal', 'portal-pass!'), both)).toBe('GW_ERR_SEC_AUTHENTICATION_FAILED');
    expect(await code(t('nobody', 'portal-pass'), both)).toBe('GW_ERR_SEC_AUTHENTICATION_FAILED');
    expect(await code(t('broker-7731', PASSWORD), both)).toBe('GW_ERR_SEC_AUTHENTICATION_FAILED');
  });
});

describe('usernameTokenReplayHorizon', () => {
  it('is Created + maxAge + skew', async () => {
    const r = await run(token());
    expect(usernameTokenReplayHorizon(r, digestOnly, new Date(NOW)).toISOString()).toBe('2026-11-28T12:09:30.000Z');
  });
});
