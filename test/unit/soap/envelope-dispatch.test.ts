import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/soap/dispatch.ts';
import { readEnvelope } from '../../../src/soap/envelope.ts';
import { MustUnderstandError, checkMustUnderstand } from '../../../src/soap/must-understand.ts';
import { parseXml, defaultXmlLimits } from '../../../src/xml/parse.ts';
import { claimsPorts } from '../../support/ports.ts';
import { codeOf } from '../../support/errors.ts';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const CLM = 'http://insurer.example/schemas/claims/2019/06';
const ACT = 'http://insurer.example/ws/claims/2019/06/ClaimsPortType/';
const { soap11, soap12 } = claimsPorts();

function env11(inner: string, header = ''): string {
  return `<s:Envelope xmlns:s="${S11}" xmlns:clm="${CLM}">${header}<s:Body>${inner}</s:Body></s:Envelope>`;
}
function env12(inner: string, header = ''): string {
  return `<s:Envelope xmlns:s="${S12}" xmlns:clm="${CLM}">${header}<s:Body>${inner}</s:Body></s:Envelope>`;
}
const status = '<clm:GetClaimStatusRequest><clm:ClaimId>1</clm:ClaimId></clm:GetClaimStatusRequest>';
const list = '<clm:ListPoliciesRequest/>';

function doc(xml: string) {
  return parseXml(Buffer.from(xml), 'utf-8', defaultXmlLimits).doc;
}


describe('envelope shape', () => {
  it('accepts Header then Body', () => {
    const env = readEnvelope(doc(env11(status, '<s:Header/>')), '1.1');
    expect(env.bodyElements).toHaveLength(1);
  });
  it('two Bodies are refused', () => {
    expect(codeOf(() => readEnvelope(doc(`<s:Envelope xmlns:s="${S11}"><s:Body><a xmlns="urn:a"/></s:Body><s:Body><b xmlns="urn:a"/></s:Body></s:Envelope>`), '1.1'))).toBe('GW_ERR_SOAP_ENVELOPE_SHAPE');
  });
  it('element after the Body is refused even in SOAP 1.1', () => {
    expect(codeOf(() => readEnvelope(doc(`<s:Envelope xmlns:s="${S11}"><s:Body><a xmlns="urn:a"/></s:Body><x xmlns="urn:x"/></s:Envelope>`), '1.1'))).toBe('GW_ERR_SOAP_ENVELOPE_SHAPE');
  });
  it('Header after Body is refused', () => {
    expect(codeOf(() => readEnvelope(doc(`<s:Envelope xmlns:s="${S11}"><s:Body><a xmlns="urn:a"/></s:Body><s:Header/></s:Envelope>`), '1.1'))).toBe('GW_ERR_SOAP_ENVELOPE_SHAPE');
  });
  it('two Headers are refused', () => {
    expect(codeOf(() => readEnvelope(doc(`<s:Envelope xmlns:s="${S11}"><s:Header/><s:Header/><s:Body><a xmlns="urn:a"/></s:Body></s:Envelope>`), '1.1'))).toBe('GW_ERR_SOAP_ENVELOPE_SHAPE');
  });
  it('text inside the Envelope is refused', () => {
    expect(codeOf(() => readEnvelope(doc(`<s:Envelope xmlns:s="${S11}">x<s:Body><a xmlns="urn:a"/></s:Body></s:Envelope>`), '1.1'))).toBe('GW_ERR_SOAP_ENVELOPE_SHAPE');
  });
  it('empty Body is refused', () => {
    expect(codeOf(() => readEnvelope(doc(env11('')), '1.1'))).toBe('GW_ERR_SOAP_EMPTY_BODY');
  });
  it('the 2001/12 draft namespace is a VersionMismatch', () => {
    expect(codeOf(() => readEnvelope(doc(`<s:Envelope xmlns:s="http://www.w3.org/2001/12/soap-envelope"><s:Body><a xmlns="urn:a"/></s:Body></s:Envelope>`), '1.2'))).toBe('GW_ERR_SOAP_VERSION_MISMATCH');
  });
  it('a SOAP 1.2 envelope at a SOAP 1.1 endpoint is a VersionMismatch', () => {
    expect(codeOf(() => readEnvelope(doc(env12(status)), '1.1'))).toBe('GW_ERR_SOAP_VERSION_MISMATCH');
  });
  it('a non-Envelope root is refused', () => {
    expect(codeOf(() => readEnvelope(doc(`<Envelopes xmlns="${S11}"/>`), '1.1'))).toBe('GW_ERR_SOAP_NOT_ENVELOPE');
  });
  it('an unqualified header block is refused', () => {
    expect(codeOf(() => readEnvelope(doc(env11(status, '<s:Header><plain/></s:Header>')), '1.1'))).toBe('GW_ERR_SOAP_ENVELOPE_SHAPE');
  });
});

describe('dispatch', () => {
  it('finds the operation from SOAPAction and Body together', () => {
    const d = dispatch(readEnvelope(doc(env11(status)), '1.1'), soap11, { httpAction: `${ACT}GetClaimStatusRequest` });
    expect(d.operation.name).toBe('GetClaimStatus');
    expect(d.by).toBe('action+body');
  });
  it('finds the operation from the Body alone when no action is given', () => {
    expect(dispatch(readEnvelope(doc(env11(list)), '1.1'), soap11, { httpAction: undefined }).operation.name).toBe('ListPolicies');
  });
  it('SOAPAction naming one operation with another operation\'s Body is refused (spoofing)', () => {
    expect(codeOf(() => dispatch(readEnvelope(doc(env11(list)), '1.1'), soap11, { httpAction: `${ACT}GetClaimStatusRequest` }))).toBe('GW_ERR_SOAP_ACTION_MISMATCH');
  });
  it('an unknown Body element is an unknown operation', () => {
    expect(codeOf(() => dispatch(readEnvelope(doc(env11('<clm:DeleteEverything/>')), '1.1'), soap11, { httpAction: undefined }))).toBe('GW_ERR_SOAP_UNKNOWN_OPERATION');
  });
  it('an unknown action with an unknown Body is an unknown operation', () => {
    expect(codeOf(() => dispatch(readEnvelope(doc(env11('<clm:X/>')), '1.1'), soap11, { httpAction: 'urn:nope' }))).toBe('GW_ERR_SOAP_UNKNOWN_OPERATION');
  });
  it('an unknown action with a known Body is a mismatch', () => {
    expect(codeOf(() => dispatch(readEnvelope(doc(env11(status)), '1.1'), soap11, { httpAction: 'urn:nope' }))).toBe('GW_ERR_SOAP_ACTION_MISMATCH');
  });
  it('wsa:Action that disagrees with the HTTP action is refused', () => {
    const hdr = `<s:Header><wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">${ACT}ListPoliciesRequest</wsa:Action></s:Header>`;
    expect(codeOf(() => dispatch(readEnvelope(doc(env12(status, hdr)), '1.2'), soap12, { httpAction: `${ACT}GetClaimStatusRequest` }))).toBe('GW_ERR_SOAP_ACTION_MISMATCH');
  });
  it('wsa:Action alone dispatches SOAP 1.2', () => {
    const hdr = `<s:Header><wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">${ACT}GetClaimStatusRequest</wsa:Action></s:Header>`;
    expect(dispatch(readEnvelope(doc(env12(status, hdr)), '1.2'), soap12, { httpAction: undefined }).operation.name).toBe('GetClaimStatus');
  });
  it('an extra element in the Body is refused', () => {
    expect(codeOf(() => dispatch(readEnvelope(doc(env11(status + list)), '1.1'), soap11, { httpAction: undefined }))).toBe('GW_ERR_SOAP_UNKNOWN_OPERATION');
  });
  it('an encrypted Body is dispatched by action and marked for a later Body check', () => {
    const enc = '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/>';
    const d = dispatch(readEnvelope(doc(env11(enc)), '1.1'), soap11, { httpAction: `${ACT}SubmitClaimRequest` });
    expect(d.operation.name).toBe('SubmitClaim');
    expect(d.bodyChecked).toBe(false);
  });
});

describe('mustUnderstand', () => {
  const mu = (attrs: string) => `<s:Header><x:Trace xmlns:x="urn:trace" ${attrs}/></s:Header>`;
  it('an unknown mustUnderstand header for the gateway is a MustUnderstand fault', () => {
    const env = readEnvelope(doc(env11(status, mu('s:mustUnderstand="1"'))), '1.1');
    expect(() => checkMustUnderstand(env, soap11)).toThrow(MustUnderstandError);
  });
  it('a mustUnderstand header for another actor is not the gateway\'s business', () => {
    const env = readEnvelope(doc(env11(status, mu('s:mustUnderstand="1" s:actor="urn:someone-else"'))), '1.1');
    expect(() => checkMustUnderstand(env, soap11)).not.toThrow();
  });
  it('SOAP 1.2 role none is never processed', () => {
    const env = readEnvelope(doc(env12(status, mu('s:mustUnderstand="true" s:role="http://www.w3.org/2003/05/soap-envelope/role/none"'))), '1.2');
    expect(() => checkMustUnderstand(env, soap12)).not.toThrow();
  });
  it('SOAP 1.2 role next is the gateway', () => {
    const env = readEnvelope(doc(env12(status, mu('s:mustUnderstand="true" s:role="http://www.w3.org/2003/05/soap-envelope/role/next"'))), '1.2');
    expect(() => checkMustUnderstand(env, soap12)).toThrow(MustUnderstandError);
  });
  it('a header the service passes through to the backend is understood', () => {
    const { soap11: port } = claimsPorts({ passThroughHeaders: ['{urn:trace}Trace'] });
    const env = readEnvelope(doc(env11(status, mu('s:mustUnderstand="1"'))), '1.1');
    expect(() => checkMustUnderstand(env, port)).not.toThrow();
  });
  it('mustUnderstand="true" is invalid in SOAP 1.1', () => {
    const env = readEnvelope(doc(env11(status, mu('s:mustUnderstand="true"'))), '1.1');
    expect(codeOf(() => checkMustUnderstand(env, soap11))).toBe('GW_ERR_SOAP_INVALID_HEADER_ATTRIBUTE');
  });
  it('wsa:Action with mustUnderstand is understood by the gateway', () => {
    const hdr = `<s:Header><wsa:Action s:mustUnderstand="1" xmlns:wsa="http://www.w3.org/2005/08/addressing">${ACT}GetClaimStatusRequest</wsa:Action></s:Header>`;
    const env = readEnvelope(doc(env11(status, hdr)), '1.1');
    expect(() => checkMustUnderstand(env, soap11)).not.toThrow();
  });
});
