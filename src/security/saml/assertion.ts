import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, childElements, localNameOf } from '../../xml/ns.ts';
import type { SamlAssertionResult } from '../types.ts';
import { processSaml11Assertion } from './assertion1.ts';
import { checkAssertionId, checkIssueInstant, checkOwnSignature, lifetimeEnd, samlInvalid, samlText, type SamlContext } from './common.ts';
import { SAML2_CONDITIONS, checkConditions } from './conditions.ts';
import { checkConfirmations, confirmationMethods } from './confirmation.ts';
import { CM_SENDER_VOUCHES, NAMEID_ENTITY, NS_SAML1, NS_SAML2 } from './names.ts';
import { timeAttr } from './time.ts';

export type { SamlContext } from './common.ts';

/** What may follow Issuer and ds:Signature in a saml2:Assertion (SAML core §2.3.3). */
const BODY_ELEMENTS = new Set(['Subject', 'Conditions', 'Advice', 'Statement', 'AuthnStatement', 'AuthzDecisionStatement', 'AttributeStatement']);

const isSaml = (el: Element, local: string): boolean => el.namespaceURI === NS_SAML2 && localNameOf(el) === local;
const isSignature = (el: Element | undefined): el is Element => el !== undefined && el.namespaceURI === NS_DS && localNameOf(el) === 'Signature';

function only(kids: readonly Element[], local: string): Element | undefined {
  const found = kids.filter((k) => isSaml(k, local));
  if (found.length > 1) throw samlInvalid(`more than one saml2:${local}`);
  return found[0];
}

function attributes(statements: readonly Element[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const st of statements) {
    for (const attr of childElements(st)) {
      if (!isSaml(attr, 'Attribute')) continue; // EncryptedAttribute: not for us to read
      const name = attr.getAttribute('Name') ?? '';
      if (name === '') throw samlInvalid('saml2:Attribute without a Name');
      const values = out.get(name) ?? [];
      for (const v of childElements(attr)) if (isSaml(v, 'AttributeValue')) values.push(samlText(v, 'AttributeValue'));
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
function processSaml2Assertion(el: Element, ctx: SamlContext): SamlAssertionResult {
  const { settings } = ctx;
  const version = el.getAttribute('Version') ?? '';
  if (version !== '2.0' || !settings.versions.has(version)) throw new GatewayError('GW_ERR_SEC_UNSUPPORTED_ELEMENT', `SAML assertion Version ${JSON.stringify(version.slice(0, 20))} is not accepted`);
  const id = el.getAttribute('ID') ?? '';
  checkAssertionId(id, 'ID');
  const issueInstant = timeAttr(el, 'IssueInstant');
  if (issueInstant === undefined) throw samlInvalid('the assertion has no IssueInstant');

  const kids = childElements(el);
  const issuerEl = kids[0];
  if (issuerEl === undefined || !isSaml(issuerEl, 'Issuer')) throw samlInvalid('the first child of the assertion is not saml2:Issuer');
  const format = issuerEl.getAttribute('Format');
  if (format !== null && format !== '' && format !== NAMEID_ENTITY) throw samlInvalid(`Issuer Format ${JSON.stringify(format.slice(0, 120))} is not an entity`);
  const issuerName = samlText(issuerEl, 'Issuer');
  const issuer = settings.issuers.get(issuerName);
  if (issuer === undefined) throw new GatewayError('GW_ERR_SEC_SAML_UNTRUSTED_ISSUER', `assertion issuer ${JSON.stringify(issuerName.slice(0, 200))} is not configured`);

  const signatures = kids.filter(isSignature).length;
  const sigEl = isSignature(kids[1]) ? kids[1] : undefined;
  if (signatures > 1 || (signatures === 1 && sigEl === undefined)) throw samlInvalid('the assertion may carry one ds:Signature, right after Issuer');
  const rest = kids.slice(sigEl === undefined ? 1 : 2);
  for (const k of rest) if (k.namespaceURI !== NS_SAML2 || !BODY_ELEMENTS.has(localNameOf(k))) throw samlInvalid(`unexpected {${k.namespaceURI ?? ''}}${localNameOf(k)} in the assertion`);
  const subject = only(rest, 'Subject');
  const signed = checkOwnSignature(el, sigEl, id, issuer, confirmationMethods(subject), CM_SENDER_VOUCHES, ctx);

  // Everything below is read from the verified (or, unsigned sender-vouches, still to be vouched for) assertion.
  const now = ctx.clock.now();
  const conditions = checkConditions(only(rest, 'Conditions'), settings, now, SAML2_CONDITIONS);
  checkIssueInstant(issueInstant, conditions.notOnOrAfter, settings, now);
  if (subject === undefined) throw samlInvalid('the assertion has no Subject');
  const subjectKids = childElements(subject);
  if (subjectKids.some((k) => isSaml(k, 'BaseID') || isSaml(k, 'EncryptedID'))) throw samlInvalid('BaseID / EncryptedID subjects are not supported');
  const nameIdEl = only(subjectKids, 'NameID');
  const confirmation = checkConfirmations(subject, settings, now);
  return {
    kind: 'samlAssertion',
    element: el,
    version: '2.0',
    issuer: issuer.entityId,
    id,
    issueInstant,
    signed,
    nameId: nameIdEl === undefined ? undefined : samlText(nameIdEl, 'NameID'),
    nameIdFormat: nameIdEl?.getAttribute('Format') ?? undefined,
    attributes: attributes(rest.filter((k) => isSaml(k, 'AttributeStatement'))),
    confirmation: confirmation.method,
    holderOfKeyCerts: confirmation.holderOfKeyCerts,
    oneTimeUse: conditions.oneTimeUse,
    notOnOrAfter: lifetimeEnd(issueInstant, [conditions.notOnOrAfter, confirmation.notOnOrAfter], settings),
  };
}

/** A SAML assertion of the gateway's Security header: 2.0, or 1.1 when `saml.versions` lists it. */
export function processSamlAssertion(el: Element, ctx: SamlContext): SamlAssertionResult {
  return el.namespaceURI === NS_SAML1 ? processSaml11Assertion(el, ctx) : processSaml2Assertion(el, ctx);
}
