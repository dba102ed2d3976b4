import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { Clock } from '../../clock.ts';
import { GatewayError } from '../../errors.ts';
import { simpleText } from '../processors/dom-text.ts';
import type { SignatureAlgorithmPolicy } from '../signature/types.ts';
import type { SamlSettings } from './settings.ts';
import { verifyAssertionSignature } from './signature.ts';

/** What processing one assertion needs: the compiled settings, the message's Id index and the clock. */
export interface SamlContext {
  readonly settings: SamlSettings;
  readonly policy: SignatureAlgorithmPolicy;
  readonly idIndex: { get(id: string): Element | undefined };
  readonly clock: Clock;
}

const NCNAME = /^[\p{L}_][\p{L}\p{N}_.\-\u00B7]*$/u;

export function samlInvalid(reason: string): GatewayError {
  return new GatewayError('GW_ERR_SEC_SAML_INVALID', reason);
}

/** Text nodes only: a comment or element inside cannot cut the value (CVE-2017-11427 class). */
export function samlText(el: Element, what: string): string {
  const t = simpleText(el);
  if (t === undefined) throw samlInvalid(`${what} has other than character content`);
  return t.trim();
}

export function checkAssertionId(id: string, attribute: string): void {
  if (!NCNAME.test(id)) throw samlInvalid(`the assertion ${attribute} is missing or not an NCName`);
}

/**
 * The assertion's own enveloped signature, verified with the pinned key of its issuer (never a
 * key from the assertion). Without one, the assertion is accepted only when every confirmation
 * method it names is sender-vouches and `saml.senderVouches.requireSignedAssertion` is false:
 * then the sender's message signature is what vouches for it (checked in binding.ts). Returns
 * whether the assertion is signed.
 */
export function checkOwnSignature(assertion: Element, sig: Element | undefined, id: string, issuer: { readonly key: KeyObject }, methods: readonly string[], senderVouches: string, ctx: SamlContext): boolean {
  if (sig !== undefined) {
    verifyAssertionSignature(assertion, sig, id, issuer.key, { idIndex: ctx.idIndex, policy: ctx.policy });
    return true;
  }
  if (methods.length === 0 || methods.some((m) => m !== senderVouches)) throw samlInvalid('the assertion carries no signature of its issuer: only a sender-vouches assertion may be unsigned');
  if (ctx.settings.requireSignedAssertion) throw samlInvalid('unsigned sender-vouches assertion, and security.saml.senderVouches.requireSignedAssertion is true');
  return false;
}

/** IssueInstant not in the future, and not older than maxAge when nothing else bounds the assertion. */
export function checkIssueInstant(issueInstant: Date, conditionsNotOnOrAfter: Date | undefined, settings: SamlSettings, now: Date): void {
  if (issueInstant.getTime() > now.getTime() + settings.skewMs) throw new GatewayError('GW_ERR_SEC_SAML_EXPIRED', `assertion IssueInstant ${issueInstant.toISOString()} is in the future`);
  if (conditionsNotOnOrAfter === undefined && now.getTime() > issueInstant.getTime() + settings.maxAgeMs + settings.skewMs) {
    throw new GatewayError('GW_ERR_SEC_SAML_EXPIRED', `assertion IssueInstant ${issueInstant.toISOString()} is older than saml.maxAgeSeconds`);
  }
}

/** The earliest NotOnOrAfter that bounds the assertion, or IssueInstant + maxAge: the replay horizon. */
export function lifetimeEnd(issueInstant: Date, bounds: readonly (Date | undefined)[], settings: SamlSettings): Date {
  const times = bounds.filter((d): d is Date => d !== undefined).map((d) => d.getTime());
  return new Date(times.length > 0 ? Math.min(...times) : issueInstant.getTime() + settings.maxAgeMs);
}
