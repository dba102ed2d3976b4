import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPair } from '../conformance/gen/wss.ts';
import { samlKeyIdentifier, samlMessage, signedAssertion, type AssertionSpec } from '../support/saml-gen.ts';
import { certFile, expectForwarded, expectRejected, startSamlGateway, type SamlGateway } from '../support/saml-gateway.ts';

/**
 * Holder-of-key with the message signature's ds:KeyInfo naming the assertion by a SAML
 * KeyIdentifier (SAML Token Profile 1.1 §3.4.2): no BinarySecurityToken travels, the key is the
 * certificate in the assertion's confirmation. The service states its contract in service.yaml
 * (signed Body and Timestamp, one SAML assertion): the ClaimsService WSDL's X509Token initiator
 * token is not met by a key named through an assertion.
 */
const hok = (id: string, version: '1.1' | '2.0', over: Partial<AssertionSpec> = {}): AssertionSpec => ({ version, id, method: 'holder-of-key', ...over });

describe('holder-of-key through a SecurityTokenReference to the assertion', () => {
  let gw: SamlGateway;
  beforeAll(async () => {
    gw = await startSamlGateway({
      saml: ["    versions: ['2.0', '1.1']", `    senders: [{certificate: ${certFile('client-rsa.pem')}}]`],
      securityYaml: '  wsdlPolicy: superseded',
      require: 'require: {signature: true, signedParts: [body, timestamp], timestamp: true, saml: true}',
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  it.each(['2.0', '1.1'] as const)('accepts SAML %s holder-of-key whose key is named by #SAMLID / #SAMLAssertionID', async (version) => {
    const id = `_str-ok-${version.replace('.', '')}`;
    const r = await gw.send(samlMessage({ marker: `STR-OK-${version}`, assertion: signedAssertion(hok(id, version)), refs: ['Body-1', 'TS-1'], keyInfo: samlKeyIdentifier(id, version) }));
    expectForwarded(r, `STR-OK-${version}`);
    expect(r.log?.['security']).toMatchObject({ signers: [{ reference: 'saml-keyid' }], saml: [{ version, confirmation: 'holder-of-key' }] });
  });

  it('the message signed by a different key than the one the assertion confirms (client-ec confirmed, client-rsa signed)', async () => {
    const r = await gw.send(samlMessage({ marker: 'STR-OTHER-KEY', assertion: signedAssertion(hok('_str-other', '2.0', { hok: loadPair('client-ec') })), refs: ['Body-1', 'TS-1'], keyInfo: samlKeyIdentifier('_str-other', '2.0') }));
    expectRejected(r, 'GW_ERR_SEC_SIGNATURE_INVALID', /a ec key cannot verify http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#rsa-sha256/);
  });

  it('a KeyIdentifier naming a bearer assertion: it holds no key of the signer', async () => {
    const r = await gw.send(samlMessage({ marker: 'STR-BEARER', assertion: signedAssertion({ version: '2.0', id: '_str-bearer', method: 'bearer' }), refs: ['Body-1', 'TS-1'], keyInfo: samlKeyIdentifier('_str-bearer', '2.0') }));
    expectRejected(r, 'GW_ERR_SEC_TOKEN_INVALID', /is bearer, not holder-of-key/);
  });

  it('a KeyIdentifier naming an assertion that comes after the signature', async () => {
    const r = await gw.send(samlMessage({ marker: 'STR-LATE', assertion: undefined, trailer: signedAssertion(hok('_str-late', '2.0')), refs: ['Body-1', 'TS-1'], keyInfo: samlKeyIdentifier('_str-late', '2.0') }));
    expectRejected(r, 'GW_ERR_SEC_TOKEN_UNRESOLVED', /not a processed assertion preceding the signature/);
  });

  it('a SAML 1.1 KeyIdentifier (#SAMLAssertionID) naming a SAML 2.0 assertion', async () => {
    const r = await gw.send(samlMessage({ marker: 'STR-VERSION', assertion: signedAssertion(hok('_str-version', '2.0')), refs: ['Body-1', 'TS-1'], keyInfo: samlKeyIdentifier('_str-version', '1.1', undefined) }));
    expectRejected(r, 'GW_ERR_SEC_TOKEN_INVALID', /a SAML 1\.1 KeyIdentifier names a SAML 2\.0 assertion/);
  });

  it('a TokenType that contradicts the KeyIdentifier ValueType', async () => {
    const r = await gw.send(samlMessage({ marker: 'STR-TOKENTYPE', assertion: signedAssertion(hok('_str-tt', '2.0')), refs: ['Body-1', 'TS-1'], keyInfo: samlKeyIdentifier('_str-tt', '2.0', 'SAMLV1.1') }));
    expectRejected(r, 'GW_ERR_SEC_TOKEN_INVALID', /TokenType .*SAMLV1\.1" does not match a SAML 2\.0 KeyIdentifier/);
  });

  it('the STR-Transform (a Reference that digests the assertion through an STR) is refused explicitly', async () => {
    const m = samlMessage({ marker: 'STR-TRANSFORM', assertion: signedAssertion({ version: '2.0', id: '_str-tr', method: 'sender-vouches' }), refs: ['Body-1', 'TS-1', '_str-tr'] });
    const strTransform = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#STR-Transform';
    // The message signature's Reference to the assertion (the last one naming it; the first is the assertion's own).
    const at = m.xml.lastIndexOf('<ds:Reference URI="#_str-tr"><ds:Transforms>') + '<ds:Reference URI="#_str-tr"><ds:Transforms>'.length;
    const xml = `${m.xml.slice(0, at)}<ds:Transform Algorithm="${strTransform}"/>${m.xml.slice(at)}`;
    expectRejected(await gw.send({ ...m, xml }), 'GW_ERR_SEC_UNSUPPORTED_ALGORITHM', /transform .*#STR-Transform before the final exc-c14n/);
  });
});
