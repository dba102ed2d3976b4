import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPair } from '../conformance/gen/wss.ts';
import { AUDIENCE, samlMessage, signedAssertion, type AssertionSpec, type Message } from '../support/saml-gen.ts';
import { expectForwarded, expectRejected, startSamlGateway, type SamlGateway } from '../support/saml-gateway.ts';

/**
 * SAML 1.1 assertions (opt-in: `saml.versions: ['2.0', '1.1']`) through a ClaimsService whose
 * ListPolicies policy names sp:WssSamlV11Token11: the same rules as SAML 2.0. Each message is
 * signed by client-rsa over Body + Timestamp (the assertion is a supporting token).
 */
const spec = (id: string, over: Partial<AssertionSpec> = {}): AssertionSpec => ({ version: '1.1', id, method: 'bearer', ...over });
const message = (marker: string, assertion: string): Message => samlMessage({ marker, assertion, refs: ['Body-1', 'TS-1'] });
const EXT = 'urn:example:ext';

describe('SAML 1.1 assertions in wsse:Security', () => {
  let gw: SamlGateway;
  let v20: SamlGateway;
  beforeAll(async () => {
    gw = await startSamlGateway({ saml: ["    versions: ['2.0', '1.1']"], samlToken: '<sp:WssSamlV11Token11/>' });
    v20 = await startSamlGateway({ saml: ["    versions: ['2.0', '1.1']"] });
  });
  afterAll(async () => {
    await Promise.all([gw.close(), v20.close()]);
  });

  it('accepts a SAML 1.1 bearer assertion; identity and attributes come from it', async () => {
    const r = await gw.send(message('S11-BEARER', signedAssertion(spec('_s11-bearer', { attributes: { role: ['claims-reader', 'auditor'] } }))));
    expectForwarded(r, 'S11-BEARER');
    expect(r.log?.['security']).toMatchObject({ saml: [{ version: '1.1', issuer: 'https://sso.insurer.example/idp', confirmation: 'bearer', signed: true, nameId: 'broker-7731@broker.example' }] });
  });

  it('accepts a SAML 1.1 holder-of-key assertion whose key signed the Body and Timestamp', async () => {
    const r = await gw.send(message('S11-HOK', signedAssertion(spec('_s11-hok', { method: 'holder-of-key' }))));
    expectForwarded(r, 'S11-HOK');
    expect(r.log?.['security']).toMatchObject({ saml: [{ version: '1.1', confirmation: 'holder-of-key' }] });
  });

  it('holder-of-key, message signed by a different key (client-ec named, client-rsa signed)', async () => {
    const r = await gw.send(message('S11-HOK-OTHER', signedAssertion(spec('_s11-hok-other', { method: 'holder-of-key', hok: loadPair('client-ec') }))));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /no verified message signature by the holder-of-key certificate covers the Body and Timestamp/);
  });

  it('expired: Conditions NotOnOrAfter ten minutes ago (beyond the 300 s skew)', async () => {
    const r = await gw.send(message('S11-EXPIRED', signedAssertion(spec('_s11-exp', { issuedAt: -3600, notBefore: -3600, notOnOrAfter: -600 }))));
    expectRejected(r, 'GW_ERR_SEC_SAML_EXPIRED', /the assertion expired \(NotOnOrAfter 2026-12-01T09:50:00\.000Z\)/);
  });

  it('not yet valid: NotBefore an hour ahead', async () => {
    const r = await gw.send(message('S11-EARLY', signedAssertion(spec('_s11-early', { notBefore: 3600, notOnOrAfter: 7200 }))));
    expectRejected(r, 'GW_ERR_SEC_SAML_EXPIRED', /not yet valid \(NotBefore 2026-12-01T11:00:00\.000Z\)/);
  });

  it('wrong audience', async () => {
    const r = await gw.send(message('S11-AUDIENCE', signedAssertion(spec('_s11-aud', { audience: 'urn:insurer-example:partner-portal' }))));
    expectRejected(r, 'GW_ERR_SEC_SAML_AUDIENCE', new RegExp(`AudienceRestrictionCondition "urn:insurer-example:partner-portal" does not include ${AUDIENCE}`));
  });

  it('untrusted issuer: issued and signed by sso.evil.example', async () => {
    const r = await gw.send(message('S11-ISSUER', signedAssertion(spec('_s11-iss', { issuer: 'https://sso.evil.example/idp' }), 'rogue-idp')));
    expectRejected(r, 'GW_ERR_SEC_SAML_UNTRUSTED_ISSUER', /assertion issuer "https:\/\/sso\.evil\.example\/idp" is not configured/);
  });

  it('key in KeyInfo not pinned: the trusted Issuer, signed by rogue-idp with its certificate in ds:KeyInfo', async () => {
    const r = await gw.send(message('S11-ROGUE-KEY', signedAssertion(spec('_s11-rogue'), 'rogue-idp')));
    expectRejected(r, 'GW_ERR_SEC_SAML_INVALID', /SignatureValue does not verify over SignedInfo \(pinned certificate of its issuer\)/);
  });

  it('tampered attribute: role changed after the IdP signed', async () => {
    const signed = signedAssertion(spec('_s11-tamper', { attributes: { role: ['claims-reader'] } }));
    const r = await gw.send(message('S11-TAMPER', signed.replace('>claims-reader<', '>claims-admin<')));
    expectRejected(r, 'GW_ERR_SEC_SAML_INVALID', /the assertion digest does not match/);
  });

  it('XSW: the signed assertion copied into another header, an evil copy with the same AssertionID in wsse:Security', async () => {
    const genuine = signedAssertion(spec('_s11-xsw1'));
    const evil = genuine.replaceAll('broker-7731@broker.example', 'admin@insurer.example');
    const m = message('S11-XSW1', evil);
    const xml = m.xml.replace('</soap:Header>', `<ext:Holder xmlns:ext="${EXT}">${genuine}</ext:Holder></soap:Header>`);
    expectRejected(await gw.send({ ...m, xml }), 'GW_ERR_SEC_DUPLICATE_ID', /Id "_s11-xsw1" names both/);
  });

  it('XSW: an evil assertion with its own AssertionID carrying the genuine signature (Reference names the genuine one, kept elsewhere)', async () => {
    const genuine = signedAssertion(spec('_s11-xsw2'));
    const evil = genuine.replace('AssertionID="_s11-xsw2"', 'AssertionID="_s11-evil"').replaceAll('broker-7731@broker.example', 'admin@insurer.example');
    const m = message('S11-XSW2', evil);
    const xml = m.xml.replace('</soap:Header>', `<ext:Holder xmlns:ext="${EXT}">${genuine}</ext:Holder></soap:Header>`);
    expectRejected(await gw.send({ ...m, xml }), 'GW_ERR_SEC_SAML_INVALID', /the assertion signature references "#_s11-xsw2", not the assertion's own ID/);
  });

  it('XSW: a decoy element elsewhere with the same AssertionID as the signed assertion', async () => {
    const m = message('S11-XSW3', signedAssertion(spec('_s11-xsw3')));
    const xml = m.xml.replace('</soap:Header>', `<ext:Decoy xmlns:ext="${EXT}" AssertionID="_s11-xsw3"/></soap:Header>`);
    expectRejected(await gw.send({ ...m, xml }), 'GW_ERR_SEC_DUPLICATE_ID', /Id "_s11-xsw3" names both/);
  });

  it('replayed AssertionID: the same bearer assertion in a second, freshly signed message', async () => {
    const assertion = signedAssertion(spec('_s11-replay'));
    expectForwarded(await gw.send(message('S11-REPLAY-1', assertion)), 'S11-REPLAY-1');
    const r = await gw.send(message('S11-REPLAY-2', assertion));
    expectRejected(r, 'GW_ERR_SEC_REPLAY', /SAML assertion _s11-replay of https:\/\/sso\.insurer\.example\/idp was already accepted/);
  });

  it('bearer without Conditions NotOnOrAfter: a SAML 1.1 bearer token must expire', async () => {
    const r = await gw.send(message('S11-UNBOUNDED', signedAssertion(spec('_s11-unbounded', { notOnOrAfter: null }))));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /SAML 1\.1 bearer assertion without Conditions NotOnOrAfter/);
  });

  it('SAML 1.0 (MinorVersion 0) is never accepted', async () => {
    const r = await gw.send(message('S10', signedAssertion(spec('_s10')).replace('MinorVersion="1"', 'MinorVersion="0"')));
    expectRejected(r, 'GW_ERR_SEC_UNSUPPORTED_ELEMENT', /SAML "1\.0" assertions are not accepted/);
  });

  it('the WSDL policy names sp:WssSamlV20Token11: a verified 1.1 assertion does not satisfy it', async () => {
    const r = await v20.send(message('S11-POLICY', signedAssertion(spec('_s11-policy'))));
    expectRejected(r, 'GW_ERR_POLICY_TOKEN', /the policy requires a SAML 2\.0 assertion, the message carries SAML 1\.1/);
  });
});

describe('SAML 1.1 is opt-in', () => {
  let gw: SamlGateway;
  beforeAll(async () => {
    gw = await startSamlGateway({ saml: [] });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('with the default saml.versions (2.0 only) a SAML 1.1 assertion is refused', async () => {
    const r = await gw.send(message('S11-OFF', signedAssertion(spec('_s11-off'))));
    expectRejected(r, 'GW_ERR_SEC_UNSUPPORTED_ELEMENT', /SAML 1\.1 assertions are not accepted \(security\.saml\.versions\)/);
  });
});
