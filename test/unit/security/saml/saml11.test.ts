import { describe, expect, it } from 'vitest';
import { checkReplay } from '../../../../src/security/replay-check.ts';
import { SAML_CLOCK, assertionXml, samlMessage, signAssertion, signedAssertion, type AssertionSpec } from '../../../support/saml-gen.ts';
import { codeOf, parse, run, runtime } from './helpers.ts';

/** SAML 1.1 structure and conditions, through the engine (the message signed by client-rsa over Body + Timestamp). */
const rt = (): ReturnType<typeof runtime> => runtime({ versions: ['2.0', '1.1'] });
const spec = (id: string, over: Partial<AssertionSpec> = {}): AssertionSpec => ({ version: '1.1', id, method: 'bearer', ...over });
const facts = (assertion: string, r = rt()): ReturnType<typeof run> => run(parse(samlMessage({ marker: 'U11', assertion, refs: ['Body-1', 'TS-1'] }).xml), SAML_CLOCK, r);
/** Edits the unsigned assertion text, then signs it as the IdP would. */
const edited = (id: string, edit: (xml: string) => string, over: Partial<AssertionSpec> = {}): string => signAssertion(edit(assertionXml(spec(id, over))), '1.1');

describe('SAML 1.1: what the engine reads from a verified assertion', () => {
  it('AssertionID, Issuer attribute, NameIdentifier and AttributeName → values, version 1.1, signed', async () => {
    const f = await facts(signedAssertion(spec('_u-ok', { attributes: { role: ['a', 'b'], team: ['claims'] } })));
    expect(f.samlAssertions).toHaveLength(1);
    expect(f.samlAssertions[0]).toMatchObject({ version: '1.1', id: '_u-ok', issuer: 'https://sso.insurer.example/idp', signed: true, nameId: 'broker-7731@broker.example', confirmation: 'bearer', oneTimeUse: false });
    expect(Object.fromEntries(f.samlAssertions[0]?.attributes ?? [])).toEqual({ role: ['a', 'b'], team: ['claims'] });
    expect(f.samlAssertions[0]?.notOnOrAfter.toISOString()).toBe('2026-12-01T10:10:00.000Z');
  });

  it('DoNotCacheCondition makes the assertion single-use, whatever its confirmation', async () => {
    const r = rt();
    const once = edited('_u-nocache', (x) => x.replace('</saml1:Conditions>', '<saml1:DoNotCacheCondition/></saml1:Conditions>'), { method: 'holder-of-key' });
    const first = await facts(once, r);
    expect(first.samlAssertions[0]).toMatchObject({ confirmation: 'holder-of-key', oneTimeUse: true });
    const clock = { now: () => new Date(SAML_CLOCK) };
    await checkReplay({ ...first, signatures: [] }, r, clock);
    expect(await codeOf(checkReplay({ ...first, signatures: [] }, r, clock))).toBe('GW_ERR_SEC_REPLAY');
  });
});

describe('SAML 1.1: shapes that are refused', () => {
  it('the ds:Signature is not the last child of the assertion', async () => {
    const signed = signedAssertion(spec('_u-sigpos'));
    const moved = signed.replace(/(<ds:Signature[\s\S]*<\/ds:Signature>)(<\/saml1:Assertion>)/, '$2').replace('<saml1:Conditions', `${/<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)?.[0] ?? ''}<saml1:Conditions`);
    expect(await codeOf(facts(moved))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('statements that name different subjects', async () => {
    const two = edited('_u-subjects', (x) => x.replace('broker-7731@broker.example', 'someone-else@broker.example'));
    expect(await codeOf(facts(two))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('an unknown condition, a second Conditions, a Statement extension', async () => {
    expect(await codeOf(facts(edited('_u-cond', (x) => x.replace('</saml1:Conditions>', '<saml1:Condition/></saml1:Conditions>'))))).toBe('GW_ERR_SEC_SAML_INVALID');
    expect(await codeOf(facts(edited('_u-cond2', (x) => x.replace(/(<saml1:Conditions[\s\S]*?<\/saml1:Conditions>)/, '$1$1'))))).toBe('GW_ERR_SEC_SAML_INVALID');
    expect(await codeOf(facts(edited('_u-stmt', (x) => x.replace('</saml1:Assertion>', '<saml1:Statement/></saml1:Assertion>'))))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('no AudienceRestrictionCondition', async () => {
    const none = edited('_u-noaud', (x) => x.replace(/<saml1:AudienceRestrictionCondition>.*?<\/saml1:AudienceRestrictionCondition>/, ''));
    expect(await codeOf(facts(none))).toBe('GW_ERR_SEC_SAML_AUDIENCE');
  });

  it('an unsigned bearer or holder-of-key assertion (only sender-vouches may go unsigned)', async () => {
    expect(await codeOf(facts(assertionXml(spec('_u-unsigned'))))).toBe('GW_ERR_SEC_SAML_INVALID');
    expect(await codeOf(facts(assertionXml(spec('_u-unsigned-hok', { method: 'holder-of-key' }))))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('holder-of-key whose ds:KeyInfo carries a bare KeyValue', async () => {
    const keyValue = edited('_u-keyvalue', (x) => x.replace(/<ds:X509Data>.*?<\/ds:X509Data>/g, '<ds:KeyValue/>'), { method: 'holder-of-key' });
    expect(await codeOf(facts(keyValue))).toBe('GW_ERR_SEC_SAML_CONFIRMATION');
  });

  it('a second assertion (1.1 next to 2.0) in one Security header', async () => {
    const both = signedAssertion(spec('_u-one')) + signedAssertion({ version: '2.0', id: '_u-two', method: 'bearer' });
    expect(await codeOf(facts(both))).toBe('GW_ERR_SEC_SAML_INVALID');
  });
});
