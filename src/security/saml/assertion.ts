import type { Element } from '@xmldom/xmldom';
import type { Clock } from '../../clock.ts';
import { GatewayError } from '../../errors.ts';
import { NS_DS, childElements, localNameOf } from '../../xml/ns.ts';
import { simpleText } from '../processors/dom-text.ts';
import type { SignatureAlgorithmPolicy } from '../signature/types.ts';
import type { SamlAssertionResult } from '../types.ts';
import { checkConditions } from './conditions.ts';
import { checkConfirmations } from './confirmation.ts';
import { NAMEID_ENTITY, NS_SAML2 } from './names.ts';
import type { SamlSettings } from './settings.ts';
import { verifyAssertionSignature } from './signature.ts';
import { timeAttr } from './time.ts';

export interface SamlContext {
  readonly settings: SamlSettings;
  readonly policy: SignatureAlgorithmPolicy;
  readonly idIndex: { get(id: string): Element | undefined };
  readonly clock: Clock;
}

const NCNAME = /^[\p{L}_][\p{L}\p{N}_.\-\u00B7]*$/u;
/** What may follow Issuer and ds:Signature in a saml2:Assertion (SAML core §2.3.3). */
const BODY_ELEMENTS = new Set(['Subject', 'Conditions', 'Advice', 'Statement', 'AuthnStatement', 'AuthzDecisionStatement', 'AttributeStatement']);

function invalid(reason: string): GatewayError {
  return new GatewayError('GW_ERR_SEC_SAML_INVALID', reason);
}

const isSaml = (el: Element, local: string): boolean => el.namespaceURI === NS_SAML2 && localNameOf(el) === local;

function text(el: Element, what: string): string {
  // Text nodes only: a comment or element inside cannot cut the value (CVE-2017-11427 class).
  const t = simpleText(el);
  if (t === undefined) throw invalid(`${what} has other than character content`);
  return t.trim();
}

function only(kids: readonly Element[], local: string): Element | undefined {
  const found = kids.filter((k) => isSaml(k, local));
  if (found.length > 1) throw invalid(`more than one saml2:${local}`);
  return found[0];
}

function attributes(statements: readonly Element[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const st of statements) {
    for (const attr of childElements(st)) {
      if (!isSaml(attr, 'Attribute')) continue; // EncryptedAttribute: not for us to read
      const name = attr.getAttribute('Name') ?? '';
      if (name === '') throw invalid('saml2:Attribute without a Name');
      const values = out.get(name) ?? [];
      for (const v of childElements(attr)) if (isSaml(v, 'AttributeValue')) values.push(text(v, 'AttributeValue'));
      out.set(name, values);
    }
  }
  return out;
}

/**
 * One saml2:Assertion of the gateway's Security header (SAML Token Profile 1.1), checked in an
 * order that does no key work for strangers: structure, Issuer against the configured issuers,
 * the enveloped signature with the issuer's pinned certificate, then time bounds, audience and
 * subject confirmation. Identity data is read only once all of that holds.
 */
export function processSamlAssertion(el: Element, ctx: SamlContext): SamlAssertionResult {
  const { settings } = ctx;
  const version = el.getAttribute('Version') ?? '';
  if (!settings.versions.has(version)) throw new GatewayError('GW_ERR_SEC_UNSUPPORTED_ELEMENT', `SAML assertion Version ${JSON.stringify(version.slice(0, 20))} is not accepted`);
  const id = el.getAttribute('ID') ?? '';
  if (!NCNAME.test(id)) throw invalid('the assertion ID is missing or not an NCName');
  const issueInstant = timeAttr(el, 'IssueInstant');
  if (issueInstant === undefined) throw invalid('the assertion has no IssueInstant');

  const kids = childElements(el);
  const issuerEl = kids[0];
  if (issuerEl === undefined || !isSaml(issuerEl, 'Issuer')) throw invalid('the first child of the assertion is not saml2:Issuer');
  const format = issuerEl.getAttribute('Format');
  if (format !== null && format !== '' && format !== NAMEID_ENTITY) throw invalid(`Issuer Format ${JSON.stringify(format.slice(0, 120))} is not an entity`);
  const issuerName = text(issuerEl, 'Issuer');
  const issuer = settings.issuers.get(issuerName);
  if (issuer === undefined) throw new GatewayError('GW_ERR_SEC_SAML_UNTRUSTED_ISSUER', `assertion issuer ${JSON.stringify(issuerName.slice(0, 200))} is not configured`);

  const sigEl = kids[1];
  if (kids.filter((k) => k.namespaceURI === NS_DS && localNameOf(k) === 'Signature').length !== 1 || sigEl === undefined || sigEl.namespaceURI !== NS_DS || localNameOf(sigEl) !== 'Signature') {
    throw invalid('the assertion must carry exactly one ds:Signature, right after Issuer');
  }
  const rest = kids.slice(2);
  for (const k of rest) if (k.namespaceURI !== NS_SAML2 || !BODY_ELEMENTS.has(localNameOf(k))) throw invalid(`unexpected {${k.namespaceURI ?? ''}}${localNameOf(k)} in the assertion`);
  verifyAssertionSignature(el, sigEl, id, issuer.key, { idIndex: ctx.idIndex, policy: ctx.policy });

  // Everything below is read from the verified assertion.
  const now = ctx.clock.now();
  if (issueInstant.getTime() > now.getTime() + settings.skewMs) throw new GatewayError('GW_ERR_SEC_SAML_EXPIRED', `assertion IssueInstant ${issueInstant.toISOString()} is in the future`);
  const conditions = checkConditions(only(rest, 'Conditions'), settings, now);
  if (conditions.notOnOrAfter === undefined && now.getTime() > issueInstant.getTime() + settings.maxAgeMs + settings.skewMs) {
    throw new GatewayError('GW_ERR_SEC_SAML_EXPIRED', `assertion IssueInstant ${issueInstant.toISOString()} is older than saml.maxAgeSeconds`);
  }
  const subject = only(rest, 'Subject');
  if (subject === undefined) throw invalid('the assertion has no Subject');
  const subjectKids = childElements(subject);
  if (subjectKids.some((k) => isSaml(k, 'BaseID') || isSaml(k, 'EncryptedID'))) throw invalid('BaseID / EncryptedID subjects are not supported');
  const nameIdEl = only(subjectKids, 'NameID');
  const confirmation = checkConfirmations(subject, settings, now);

  const bounds = [conditions.notOnOrAfter, confirmation.notOnOrAfter].filter((d): d is Date => d !== undefined).map((d) => d.getTime());
  const notOnOrAfter = new Date(bounds.length > 0 ? Math.min(...bounds) : issueInstant.getTime() + settings.maxAgeMs);
  return {
    kind: 'samlAssertion',
    element: el,
    issuer: issuer.entityId,
    id,
    issueInstant,
    nameId: nameIdEl === undefined ? undefined : text(nameIdEl, 'NameID'),
    nameIdFormat: nameIdEl?.getAttribute('Format') ?? undefined,
    attributes: attributes(rest.filter((k) => isSaml(k, 'AttributeStatement'))),
    confirmation: confirmation.method,
    holderOfKeyCerts: confirmation.holderOfKeyCerts,
    oneTimeUse: conditions.oneTimeUse,
    notOnOrAfter,
  };
}
