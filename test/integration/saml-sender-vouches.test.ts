import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPair } from '../conformance/gen/wss.ts';
import { assertionXml, signAssertion, samlMessage, signedAssertion, type AssertionSpec } from '../support/saml-gen.ts';
import { certFile, expectForwarded, expectRejected, startSamlGateway, type SamlGateway } from '../support/saml-gateway.ts';

/**
 * Sender-vouches (SAML Token Profile 1.1 §3.5.2) through the ClaimsService gateway: ListPolicies
 * with a sender-vouches assertion, the message signed by client-rsa (the listed sender) or by
 * client-ec (trusted by the same anchors, but not a sender).
 */
const sv = (id: string, version: '1.1' | '2.0' = '2.0'): AssertionSpec => ({ version, id, method: 'sender-vouches' });
const ec = loadPair('client-ec');

describe('sender-vouches: the listed sender signs the assertion and the Body', () => {
  let gw: SamlGateway;
  let strict: SamlGateway;
  let noSenders: SamlGateway;
  beforeAll(async () => {
    const saml = ["    versions: ['2.0', '1.1']", `    senders: [{certificate: ${certFile('client-rsa.pem')}}]`];
    // The WSDL's SamlToken names no version here, so ListPolicies takes a 2.0 or a 1.1 assertion.
    gw = await startSamlGateway({ saml, samlToken: '' });
    strict = await startSamlGateway({ saml: [...saml, '    senderVouches: {requireSignedAssertion: true}'] });
    noSenders = await startSamlGateway({ saml: [] });
  });
  afterAll(async () => {
    await Promise.all([gw.close(), strict.close(), noSenders.close()]);
  });

  it('accepts an unsigned 2.0 sender-vouches assertion vouched for by a listed sender (assertion, Body, Timestamp signed)', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-OK-1', assertion: assertionXml(sv('_sv-ok-1')), refs: ['Body-1', 'TS-1', '_sv-ok-1'] }));
    expectForwarded(r, 'SV-OK-1');
    expect(r.log?.['security']).toMatchObject({ saml: [{ version: '2.0', confirmation: 'sender-vouches', signed: false, nameId: 'broker-7731@broker.example' }] });
    expect(r.log?.['principal']).toMatchObject({ kind: 'saml', subject: 'broker-7731@broker.example' });
  });

  it('accepts a sender-vouches assertion that is also signed by its issuer, and a SAML 1.1 one', async () => {
    expectForwarded(await gw.send(samlMessage({ marker: 'SV-OK-2', assertion: signedAssertion(sv('_sv-ok-2')), refs: ['Body-1', 'TS-1', '_sv-ok-2'] })), 'SV-OK-2');
    const r = await gw.send(samlMessage({ marker: 'SV-OK-3', assertion: assertionXml(sv('_sv-ok-3', '1.1')), refs: ['Body-1', 'TS-1', '_sv-ok-3'] }));
    expectForwarded(r, 'SV-OK-3');
    expect(r.log?.['security']).toMatchObject({ saml: [{ version: '1.1', confirmation: 'sender-vouches' }] });
  });

  it('unlisted sender: signed by client-ec, which chains to the trust anchors but is not in saml.senders', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-UNLISTED', assertion: assertionXml(sv('_sv-unlisted')), refs: ['Body-1', 'TS-1', '_sv-unlisted'], signer: ec }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /sender-vouches: the message is signed by .*CN=claims-portal-ec\.broker\.example \(SHA-256 [0-9A-F:]+\), not by a certificate of security\.saml\.senders/);
  });

  it('unlisted sender of an issuer-signed assertion: never read as bearer', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-UNLISTED-2', assertion: signedAssertion(sv('_sv-unlisted-2')), refs: ['Body-1', 'TS-1', '_sv-unlisted-2'], signer: ec }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /not by a certificate of security\.saml\.senders/);
  });

  it('assertion not covered by the message signature', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-NO-ASSERTION', assertion: assertionXml(sv('_sv-na')), refs: ['Body-1', 'TS-1'] }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /the signature of sender .* does not cover the assertion$/);
  });

  it('Body not covered by the sender signature', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-NO-BODY', assertion: assertionXml(sv('_sv-nb')), refs: ['TS-1', '_sv-nb'] }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /does not cover the Body$/);
  });

  it('Timestamp present but not covered by the sender signature', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-NO-TS', assertion: assertionXml(sv('_sv-nt')), refs: ['Body-1', '_sv-nt'] }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /does not cover the Timestamp$/);
  });

  it('sender-vouches claimed but the message is unsigned', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-UNSIGNED', assertion: signedAssertion(sv('_sv-us')), refs: [] }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /without a verified signature/);
  });

  it('requireSignedAssertion: true refuses an assertion without its issuer signature, accepts a signed one', async () => {
    expectRejected(
      await strict.send(samlMessage({ marker: 'SV-STRICT-1', assertion: assertionXml(sv('_sv-s1')), refs: ['Body-1', 'TS-1', '_sv-s1'] })),
      'GW_ERR_SEC_SAML_INVALID',
      /unsigned sender-vouches assertion, and security\.saml\.senderVouches\.requireSignedAssertion is true/,
    );
    expectForwarded(await strict.send(samlMessage({ marker: 'SV-STRICT-2', assertion: signedAssertion(sv('_sv-s2')), refs: ['Body-1', 'TS-1', '_sv-s2'] })), 'SV-STRICT-2');
  });

  it('no saml.senders: sender-vouches is refused, even from a trusted signer', async () => {
    const r = await noSenders.send(samlMessage({ marker: 'SV-NONE', assertion: signedAssertion(sv('_sv-none')), refs: ['Body-1', 'TS-1', '_sv-none'] }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /security\.saml\.senders is empty/);
  });

  it('an unsigned assertion claiming bearer is refused before anything else (only sender-vouches may be unsigned)', async () => {
    const r = await gw.send(samlMessage({ marker: 'SV-BEARER-UNSIGNED', assertion: assertionXml({ version: '2.0', id: '_bu', method: 'bearer' }), refs: ['Body-1', 'TS-1', '_bu'] }));
    expectRejected(r, 'GW_ERR_SEC_SAML_INVALID', /no signature of its issuer: only a sender-vouches assertion may be unsigned/);
  });

  it('sender-vouches next to a bearer confirmation in one assertion: refused, no fallback', async () => {
    const both = assertionXml(sv('_sv-mixed')).replace('</saml:Subject>', `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"/></saml:Subject>`);
    const signed = signAssertion(both, '2.0');
    const r = await gw.send(samlMessage({ marker: 'SV-MIXED', assertion: signed, refs: ['Body-1', 'TS-1', '_sv-mixed'], signer: ec }));
    expectRejected(r, 'GW_ERR_SEC_SAML_CONFIRMATION', /combined with another confirmation method/);
  });
});
