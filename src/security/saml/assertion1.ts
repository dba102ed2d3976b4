import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, childElements, localNameOf } from '../../xml/ns.ts';
import { excC14n } from '../signature/exc-c14n.ts';
import type { SamlAssertionResult } from '../types.ts';
import { checkAssertionId, checkIssueInstant, checkOwnSignature, lifetimeEnd, samlInvalid, samlText, type SamlContext } from './common.ts';
import { SAML1_CONDITIONS, checkConditions } from './conditions.ts';
import { checkConfirmation1, confirmationMethods1 } from './confirmation1.ts';
import { CM1_SENDER_VOUCHES, NS_SAML1 } from './names.ts';
import { timeAttr } from './time.ts';

/** The statements the gateway reads (each has a Subject); Statement / SubjectStatement extensions are refused. */
const STATEMENTS = new Set(['AuthenticationStatement', 'AttributeStatement', 'AuthorizationDecisionStatement']);

const isSaml1 = (el: Element, local: string): boolean => el.namespaceURI === NS_SAML1 && localNameOf(el) === local;

/**
 * Every statement's Subject, which must all be the same subject (compared canonically): the
 * WS-Security SAML token has one subject, and the gateway will not pick one of several.
 */
function commonSubject(statements: readonly Element[]): Element {
  let first: Element | undefined;
  let canonical = '';
  for (const st of statements) {
    const subject = childElements(st)[0];
    if (subject === undefined || !isSaml1(subject, 'Subject')) throw samlInvalid(`saml1:${localNameOf(st)} does not start with saml1:Subject`);
    const c = excC14n(subject);
    if (first === undefined) {
      first = subject;
      canonical = c;
    } else if (c !== canonical) throw samlInvalid('the statements of the assertion name different subjects');
  }
  if (first === undefined) throw samlInvalid('the assertion has no statement');
  return first;
}

/** saml1:AttributeStatement/Attribute: AttributeName → the values (AttributeNamespace is not part of the key). */
function attributes(statements: readonly Element[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const st of statements) {
    for (const attr of childElements(st)) {
      if (!isSaml1(attr, 'Attribute')) continue;
      const name = attr.getAttribute('AttributeName') ?? '';
      if (name === '') throw samlInvalid('saml1:Attribute without an AttributeName');
      const values = out.get(name) ?? [];
      for (const v of childElements(attr)) if (isSaml1(v, 'AttributeValue')) values.push(samlText(v, 'AttributeValue'));
      out.set(name, values);
    }
  }
  return out;
}

/** Children in the order of SAML 1.1 core §2.3.2: Conditions?, Advice?, statements+; ds:Signature is handled apart. */
function checkOrder(rest: readonly Element[]): void {
  let stage = 0;
  for (const k of rest) {
    const local = k.namespaceURI === NS_SAML1 ? localNameOf(k) : '';
    const at = local === 'Conditions' ? 1 : local === 'Advice' ? 2 : STATEMENTS.has(local) ? 3 : -1;
    if (at < 0) throw samlInvalid(`unexpected {${k.namespaceURI ?? ''}}${localNameOf(k)} in the assertion`);
    if (at < stage || (at === stage && at < 3)) throw samlInvalid(`saml1:${local} out of place in the assertion`);
    stage = at;
  }
}

/**
 * One saml1:Assertion (SAML 1.1, SAML Token Profile 1.1 §3) with the rules of the 2.0 one: the
 * Issuer attribute among the configured issuers, the enveloped signature (the last child) over the
 * assertion itself — its Reference is `#` + AssertionID and must resolve to this node — verified
 * with the pinned key, then time bounds with skew, AudienceRestrictionCondition, and the subject
 * confirmation. Identity data is read only once all of that holds.
 */
export function processSaml11Assertion(el: Element, ctx: SamlContext): SamlAssertionResult {
  const { settings } = ctx;
  const major = el.getAttribute('MajorVersion') ?? '';
  const minor = el.getAttribute('MinorVersion') ?? '';
  if (major !== '1' || minor !== '1') throw new GatewayError('GW_ERR_SEC_UNSUPPORTED_ELEMENT', `SAML ${JSON.stringify(`${major}.${minor}`.slice(0, 20))} assertions are not accepted (SAML 1.1 only)`);
  if (!settings.versions.has('1.1')) throw new GatewayError('GW_ERR_SEC_UNSUPPORTED_ELEMENT', 'SAML 1.1 assertions are not accepted (security.saml.versions)');
  const id = el.getAttribute('AssertionID') ?? '';
  checkAssertionId(id, 'AssertionID');
  const issueInstant = timeAttr(el, 'IssueInstant');
  if (issueInstant === undefined) throw samlInvalid('the assertion has no IssueInstant');
  const issuerName = (el.getAttribute('Issuer') ?? '').trim();
  const issuer = settings.issuers.get(issuerName);
  if (issuer === undefined) throw new GatewayError('GW_ERR_SEC_SAML_UNTRUSTED_ISSUER', `assertion issuer ${JSON.stringify(issuerName.slice(0, 200))} is not configured`);

  const kids = childElements(el);
  const sigs = kids.filter((k) => k.namespaceURI === NS_DS && localNameOf(k) === 'Signature');
  const sigEl = sigs[0];
  if (sigs.length > 1 || (sigEl !== undefined && kids[kids.length - 1] !== sigEl)) throw samlInvalid('the assertion may carry one ds:Signature, as its last child');
  const rest = kids.filter((k) => k !== sigEl);
  checkOrder(rest);
  const statements = rest.filter((k) => STATEMENTS.has(localNameOf(k)));
  const subject = commonSubject(statements);
  const signed = checkOwnSignature(el, sigEl, id, issuer, confirmationMethods1(subject), CM1_SENDER_VOUCHES, ctx);

  const now = ctx.clock.now();
  const conditions = checkConditions(rest.find((k) => isSaml1(k, 'Conditions')), settings, now, SAML1_CONDITIONS);
  checkIssueInstant(issueInstant, conditions.notOnOrAfter, settings, now);
  const nameIds = childElements(subject).filter((k) => isSaml1(k, 'NameIdentifier'));
  if (nameIds.length > 1) throw samlInvalid('more than one saml1:NameIdentifier');
  const nameIdEl = nameIds[0];
  const confirmation = checkConfirmation1(subject, settings, conditions.notOnOrAfter);
  return {
    kind: 'samlAssertion',
    element: el,
    version: '1.1',
    issuer: issuer.entityId,
    id,
    issueInstant,
    signed,
    nameId: nameIdEl === undefined ? undefined : samlText(nameIdEl, 'NameIdentifier'),
    nameIdFormat: nameIdEl?.getAttribute('Format') ?? undefined,
    attributes: attributes(statements.filter((k) => localNameOf(k) === 'AttributeStatement')),
    confirmation: confirmation.method,
    holderOfKeyCerts: confirmation.holderOfKeyCerts,
    oneTimeUse: conditions.oneTimeUse,
    notOnOrAfter: lifetimeEnd(issueInstant, [conditions.notOnOrAfter, confirmation.notOnOrAfter], settings),
  };
}
