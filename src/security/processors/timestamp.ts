/**
 * wsu:Timestamp (WSS SOAP Message Security 1.1 §10, BSP 1.1 §10): shape first, then freshness at
 * the injected clock. Every failure is a GatewayError; the reason names the rule, never values
 * beyond the (public, non-secret) times involved.
 */
import type { Element } from '@xmldom/xmldom';
import type { Clock } from '../../clock.ts';
import { GatewayError } from '../../errors.ts';
import { NS_WSU, isElement, localNameOf } from '../../xml/ns.ts';
import type { TimestampResult } from '../types.ts';
import { parseWsDateTime } from './datetime.ts';
import { hasAttributeLocal, isXmlWhitespace, simpleText } from './dom-text.ts';

export interface TimestampSettings {
  /** Refuse a Timestamp without Expires (default true). */
  readonly requireExpires: boolean;
  /** How far Created may lie after the gateway clock (default 60 s). */
  readonly futureSkewSeconds: number;
  /** How old Created may be, on top of futureSkewSeconds (default 300 s). */
  readonly ttlSeconds: number;
  /** How long after Expires the Timestamp is still accepted (default: futureSkewSeconds). */
  readonly expiresSkewSeconds: number;
}

export const defaultTimestampSettings: TimestampSettings = Object.freeze({
  requireExpires: true,
  futureSkewSeconds: 60,
  ttlSeconds: 300,
  expiresSkewSeconds: 60,
});

/** Settings from partial configuration; expiresSkewSeconds follows futureSkewSeconds unless given. */
export function timestampSettings(partial: Partial<TimestampSettings> = {}): TimestampSettings {
  const futureSkewSeconds = partial.futureSkewSeconds ?? defaultTimestampSettings.futureSkewSeconds;
  const s: TimestampSettings = {
    requireExpires: partial.requireExpires ?? defaultTimestampSettings.requireExpires,
    futureSkewSeconds,
    ttlSeconds: partial.ttlSeconds ?? defaultTimestampSettings.ttlSeconds,
    expiresSkewSeconds: partial.expiresSkewSeconds ?? futureSkewSeconds,
  };
  for (const key of ['futureSkewSeconds', 'ttlSeconds', 'expiresSkewSeconds'] as const) {
    const v = s[key];
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`timestamp ${key} must be a finite number >= 0`);
  }
  return Object.freeze(s);
}

export interface TimestampContext {
  readonly clock: Clock;
  readonly settings: TimestampSettings;
  /** True when the engine already processed a Timestamp in this Security header. */
  readonly seen: boolean;
}

function invalid(reason: string): GatewayError {
  return new GatewayError('GW_ERR_SEC_TIMESTAMP_INVALID', reason);
}

/** Created and (optional) Expires, in order, with nothing else (BSP R3203, R3221, R3222, R3224). */
function splitChildren(el: Element): { created: Element; expires: Element | undefined } {
  const elements: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (isElement(n)) {
      elements.push(n);
    } else if (n.nodeType !== 3 || !isXmlWhitespace(n.nodeValue ?? '')) {
      throw invalid('Timestamp holds text or other non-element content');
    }
  }
  const isWsu = (e: Element, local: string): boolean => (e.namespaceURI ?? '') === NS_WSU && localNameOf(e) === local;
  const createdCount = elements.filter((e) => isWsu(e, 'Created')).length;
  const expiresCount = elements.filter((e) => isWsu(e, 'Expires')).length;
  // BSP R3203: exactly one Created.
  if (createdCount !== 1) throw invalid(`BSP R3203: Timestamp must contain exactly one Created (found ${createdCount})`);
  // BSP R3224: at most one Expires.
  if (expiresCount > 1) throw invalid(`BSP R3224: Timestamp must not contain more than one Expires (found ${expiresCount})`);
  // BSP R3222: nothing but Created and Expires.
  if (elements.length !== createdCount + expiresCount) throw invalid('BSP R3222: Timestamp must contain only Created and Expires');
  const [created, expires] = elements;
  // BSP R3221: Created precedes Expires (and, with R3222, comes first).
  if (created === undefined || !isWsu(created, 'Created')) throw invalid('BSP R3221: Created must precede Expires');
  return { created, expires };
}

/** One Created/Expires value: no ValueType (BSP R3225/R3226), UTC 'Z' (R3217/R3223), seconds < 60 (R3213/R3215). */
function readTime(el: Element, which: 'Created' | 'Expires'): Date {
  const [valueTypeRule, utcRule] = which === 'Created' ? ['R3225', 'R3217'] : ['R3226', 'R3223'];
  if (hasAttributeLocal(el, 'ValueType')) throw invalid(`BSP ${valueTypeRule}: ${which} must not have a ValueType attribute`);
  const text = simpleText(el);
  if (text === undefined) throw invalid(`${which} must hold text only`);
  const at = parseWsDateTime(text);
  if (at === undefined) throw invalid(`BSP ${utcRule}: ${which} is not a UTC xsd:dateTime of the form YYYY-MM-DDThh:mm:ss[.f]Z`);
  return at;
}

export function processTimestamp(el: Element, ctx: TimestampContext): TimestampResult {
  // BSP R3227: a Security header must not contain more than one Timestamp.
  if (ctx.seen) throw invalid('BSP R3227: second Timestamp in the Security header');
  if ((el.namespaceURI ?? '') !== NS_WSU || localNameOf(el) !== 'Timestamp') throw invalid('element is not a wsu:Timestamp');

  const parts = splitChildren(el);
  const created = readTime(parts.created, 'Created');
  const expires = parts.expires === undefined ? undefined : readTime(parts.expires, 'Expires');
  const { settings } = ctx;
  if (expires === undefined && settings.requireExpires) throw invalid('Timestamp has no Expires and the service requires one');
  if (expires !== undefined && expires.getTime() < created.getTime()) throw invalid('Timestamp Expires is before Created');

  const now = ctx.clock.now().getTime();
  const detail = { created: created.toISOString(), expires: expires?.toISOString() ?? null, now: new Date(now).toISOString() };
  if (created.getTime() > now + settings.futureSkewSeconds * 1000) {
    throw new GatewayError('GW_ERR_SEC_TIMESTAMP_FUTURE', `Timestamp Created is more than ${settings.futureSkewSeconds} s after the gateway clock`, detail);
  }
  if (expires !== undefined && expires.getTime() <= now - settings.expiresSkewSeconds * 1000) {
    throw new GatewayError('GW_ERR_SEC_TIMESTAMP_EXPIRED', `Timestamp Expires is at or before the gateway clock minus ${settings.expiresSkewSeconds} s`, detail);
  }
  if (created.getTime() < now - (settings.ttlSeconds + settings.futureSkewSeconds) * 1000) {
    throw new GatewayError('GW_ERR_SEC_TIMESTAMP_EXPIRED', `Timestamp Created is older than ${settings.ttlSeconds} s (+ ${settings.futureSkewSeconds} s skew)`, detail);
  }
  return { kind: 'timestamp', element: el, created, expires };
}

/**
 * Until when a message carrying this (accepted) Timestamp could be accepted again: the replay
 * cache must remember its signature at least that long. The earlier of the two freshness bounds.
 */
export function timestampReplayHorizon(ts: TimestampResult, settings: TimestampSettings): Date {
  const byAge = ts.created.getTime() + (settings.ttlSeconds + settings.futureSkewSeconds) * 1000;
  const byExpires = ts.expires === undefined ? byAge : ts.expires.getTime() + settings.expiresSkewSeconds * 1000;
  return new Date(Math.min(byAge, byExpires));
}
