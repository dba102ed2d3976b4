/**
 * wsse:UsernameToken (WSS UsernameToken Profile 1.1, BSP 1.1 §7). Structure, then Created
 * freshness, then the password, always through the same path: unknown users are checked against a
 * dummy secret/hash so the time taken does not tell whether a user exists.
 *
 * Freshness codes: a Created beyond the skew is GW_ERR_SEC_TIMESTAMP_FUTURE and a stale one
 * GW_ERR_SEC_TIMESTAMP_EXPIRED, as for wsu:Timestamp (the catalogue's FUTURE entry already names
 * UsernameToken Created). The check depends on nothing secret, so the precise code reveals nothing
 * (clients only see GW_ERR_SEC_REJECTED) and lets operators tell clock drift from bad passwords.
 *
 * Nonce replay is not checked here: the engine asks the ReplayCache for `nonce:<user>:<nonce>`
 * until {@link usernameTokenReplayHorizon}.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { Clock } from '../../clock.ts';
import { GatewayError } from '../../errors.ts';
import type { ErrorDetail } from '../../errors.ts';
import { NS_WSSE, NS_WSU, childElements, localNameOf } from '../../xml/ns.ts';
import { verifyPassword } from '../credentials/password-hash.ts';
import type { CredentialStore } from '../credentials/types.ts';
import type { UsernameTokenResult } from '../types.ts';
import { parseWsDateTime } from './datetime.ts';
import { simpleText } from './dom-text.ts';
import { decodeStrictBase64 } from './wss-base64.ts';

const UT_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
export const PASSWORD_TEXT = `${UT_PROFILE}#PasswordText`;
export const PASSWORD_DIGEST = `${UT_PROFILE}#PasswordDigest`;
export const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export type PasswordType = 'text' | 'digest';

export interface UsernameTokenSettings {
  readonly passwordTypes: ReadonlySet<PasswordType>;
  /** How far Created may lie after the gateway clock. */
  readonly futureSkewSeconds: number;
  /** How old Created may be, on top of futureSkewSeconds (default 300 s). */
  readonly maxAgeSeconds: number;
}

export function usernameTokenSettings(partial: Partial<UsernameTokenSettings> = {}): UsernameTokenSettings {
  const s = { passwordTypes: new Set<PasswordType>(partial.passwordTypes ?? ['digest']), futureSkewSeconds: partial.futureSkewSeconds ?? 60, maxAgeSeconds: partial.maxAgeSeconds ?? 300 };
  if (s.passwordTypes.size === 0) throw new RangeError('usernameToken passwordTypes must not be empty');
  for (const key of ['futureSkewSeconds', 'maxAgeSeconds'] as const) {
    if (!Number.isFinite(s[key]) || s[key] < 0) throw new RangeError(`usernameToken ${key} must be a finite number >= 0`);
  }
  return Object.freeze(s);
}

export interface UsernameTokenContext {
  readonly clock: Clock;
  readonly settings: UsernameTokenSettings;
  readonly store: CredentialStore;
}

/** Nonce bounds in decoded bytes: below 8 is guessable-repeatable; above 64 only bloats the replay cache. */
const NONCE_MIN_BYTES = 8;
const NONCE_MAX_BYTES = 64;
const MAX_USERNAME = 256;
/** Digest users without a digest secret, and unknown users, are checked against this. */
const DUMMY_DIGEST_SECRET = randomBytes(32).toString('base64');

function fail(reason: string, detail?: ErrorDetail): GatewayError {
  return new GatewayError('GW_ERR_SEC_AUTHENTICATION_FAILED', reason, detail);
}

interface TokenParts {
  readonly username: string;
  readonly password: Element | undefined;
  readonly nonce: Element | undefined;
  readonly created: Element | undefined;
}

function splitChildren(el: Element): TokenParts {
  const found: Record<'Username' | 'Password' | 'Nonce' | 'Created', Element[]> = { Username: [], Password: [], Nonce: [], Created: [] };
  for (const child of childElements(el)) {
    const ns = child.namespaceURI ?? '';
    const local = localNameOf(child);
    if (ns === NS_WSSE && (local === 'Username' || local === 'Password' || local === 'Nonce')) found[local].push(child);
    else if (ns === NS_WSU && local === 'Created') found.Created.push(child);
    else throw fail(`UsernameToken child ${local} is not supported (key derivation and extensions are refused)`);
  }
  if (found.Username.length !== 1) throw fail('UsernameToken must contain exactly one Username');
  if (found.Password.length > 1) throw fail('BSP R4222: UsernameToken must not have more than one Password');
  if (found.Nonce.length > 1) throw fail('BSP R4225: UsernameToken must not have more than one Nonce');
  if (found.Created.length > 1) throw fail('BSP R4223: UsernameToken must not have more than one Created');
  const [usernameEl] = found.Username as [Element];
  const username = simpleText(usernameEl);
  if (username === undefined || username === '' || username.length > MAX_USERNAME) throw fail('UsernameToken Username must be non-empty text');
  return { username, password: found.Password[0], nonce: found.Nonce[0], created: found.Created[0] };
}

function passwordTypeOf(el: Element): PasswordType {
  // UsernameToken Profile 1.1 §3.1: Type defaults to PasswordText. (BSP R4201 would require it.)
  const type = el.getAttributeNS(null, 'Type') ?? '';
  if (type === '' || type === PASSWORD_TEXT) return 'text';
  if (type === PASSWORD_DIGEST) return 'digest';
  throw fail('UsernameToken Password Type is not PasswordText or PasswordDigest');
}

function readNonce(el: Element): { readonly text: string; readonly bytes: Buffer } {
  // BSP R4221 (and R4220, relaxed: absent is read as Base64Binary, the schema default).
  const encoding = el.getAttributeNS(null, 'EncodingType') ?? '';
  if (encoding !== '' && encoding !== BASE64_BINARY) throw fail('BSP R4221: Nonce EncodingType must be Base64Binary');
  const text = simpleText(el);
  const nonce = text === undefined ? undefined : decodeStrictBase64(text);
  if (nonce === undefined) throw fail('UsernameToken Nonce is not canonical base64');
  if (nonce.bytes.length < NONCE_MIN_BYTES || nonce.bytes.length > NONCE_MAX_BYTES) throw fail(`UsernameToken Nonce must decode to ${NONCE_MIN_BYTES}..${NONCE_MAX_BYTES} bytes`);
  return nonce;
}

function checkFreshness(created: Date, ctx: UsernameTokenContext): void {
  const now = ctx.clock.now().getTime();
  const { futureSkewSeconds, maxAgeSeconds } = ctx.settings;
  const detail = { created: created.toISOString(), now: new Date(now).toISOString() };
  if (created.getTime() > now + futureSkewSeconds * 1000) {
    throw new GatewayError('GW_ERR_SEC_TIMESTAMP_FUTURE', `UsernameToken Created is more than ${futureSkewSeconds} s after the gateway clock`, detail);
  }
  if (created.getTime() < now - (maxAgeSeconds + futureSkewSeconds) * 1000) {
    throw new GatewayError('GW_ERR_SEC_TIMESTAMP_EXPIRED', `UsernameToken Created is older than ${maxAgeSeconds} s (+ ${futureSkewSeconds} s skew)`, detail);
  }
}

/** Base64(SHA-1(nonce + created + password)) compared in constant time (UsernameToken Profile 1.1 §3.1, BSP R4212). */
function digestMatches(passwordEl: Element, nonce: Buffer, createdText: string, secret: string): boolean {
  const expected = createHash('sha1').update(nonce).update(createdText, 'utf8').update(secret, 'utf8').digest();
  const given = decodeStrictBase64(simpleText(passwordEl) ?? '')?.bytes;
  const comparable = given !== undefined && given.length === expected.length;
  const same = timingSafeEqual(expected, comparable ? given : Buffer.alloc(expected.length));
  return comparable && same;
}

export async function processUsernameToken(el: Element, ctx: UsernameTokenContext): Promise<UsernameTokenResult> {
  if ((el.namespaceURI ?? '') !== NS_WSSE || localNameOf(el) !== 'UsernameToken') throw fail('element is not a wsse:UsernameToken');
  const parts = splitChildren(el);
  if (parts.password === undefined) throw fail('UsernameToken has no Password');
  const passwordType = passwordTypeOf(parts.password);
  if (!ctx.settings.passwordTypes.has(passwordType)) throw fail(`UsernameToken password type ${passwordType} is refused by the service`);
  const nonce = parts.nonce === undefined ? undefined : readNonce(parts.nonce);
  const createdText = parts.created === undefined ? undefined : simpleText(parts.created);
  if (parts.created !== undefined && createdText === undefined) throw fail('UsernameToken Created must hold text only');
  const created = createdText === undefined ? undefined : parseWsDateTime(createdText);
  if (createdText !== undefined && created === undefined) throw fail('UsernameToken Created is not a UTC xsd:dateTime (YYYY-MM-DDThh:mm:ss[.f]Z)');
  if (passwordType === 'digest' && (nonce === undefined || createdText === undefined)) throw fail('PasswordDigest requires Nonce and Created');
  if (created !== undefined) checkFreshness(created, ctx);

  const stored = await ctx.store.lookup(parts.username);
  let ok: boolean;
  if (passwordType === 'digest') {
    const secret = stored?.digestSecret;
    // nonce and createdText are defined here (checked above).
    ok = digestMatches(parts.password, nonce?.bytes ?? Buffer.alloc(0), createdText ?? '', secret ?? DUMMY_DIGEST_SECRET) && secret !== undefined;
  } else {
    const hash = stored?.passwordHash;
    ok = (await verifyPassword(simpleText(parts.password) ?? '', hash ?? ctx.store.dummyPasswordHash)) && hash !== undefined;
  }
  // Unknown user, wrong password and a user without a credential of this kind took the same path;
  // `known` is for the audit only (clients see GW_ERR_SEC_REJECTED). Never the password or digest.
  if (!ok) throw fail(`UsernameToken ${passwordType} password not accepted`, { username: parts.username, known: stored !== undefined });
  return { kind: 'usernameToken', element: el, username: parts.username, passwordType, nonce: nonce?.text, created };
}

/** Until when the engine must remember this token's nonce: Created + maxAge + skew (or now + that, without Created). */
export function usernameTokenReplayHorizon(ut: UsernameTokenResult, settings: UsernameTokenSettings, now: Date): Date {
  const from = ut.created ?? now;
  return new Date(from.getTime() + (settings.maxAgeSeconds + settings.futureSkewSeconds) * 1000);
}
