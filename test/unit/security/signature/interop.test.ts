import { describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { GatewayError } from '../../../../src/errors.ts';
import { signaturePolicy } from '../../../../src/security/signature/algorithms.ts';
import { verifySignature } from '../../../../src/security/signature/verify.ts';
import { NS_WSSE } from '../../../../src/xml/ns.ts';
import { caseBytes, contextFor, loadCase, messageSignature } from './helpers.ts';

function rejection(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'valid';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

// WSS4J, zeep/xmlsec and xmlsec1 message signatures, including the SAML ones (A09/A14/A19: the
// message signature has the same shape; the assertion's own enveloped signature is the SAML validator's).
const VALID = ['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A09', 'A10', 'A11', 'A12', 'A13', 'A14', 'A15', 'A16', 'A19'];
// Sign-then-encrypt: the Body reference digests plaintext that is not in the message until decrypted.
const ENCRYPTED_BODY = ['A07', 'A08', 'A17', 'A18'];

describe('verifySignature on the interop corpus', () => {
  it.each(VALID)('%s: the message signature verifies and binds each reference to its DOM node', (id) => {
    const doc = loadCase(id);
    const ctx = contextFor(doc);
    const sig = messageSignature(doc);
    const result = verifySignature(sig, ctx);
    expect(result.references.length).toBeGreaterThanOrEqual(2);
    for (const ref of result.references) {
      expect(doc.documentElement?.contains(ref.node)).toBe(true);
      expect(ref.transforms).toEqual(['http://www.w3.org/2001/10/xml-exc-c14n#']);
    }
    const body = doc.documentElement?.lastChild;
    expect(result.references.some((r) => r.node === body)).toBe(true);
    expect(result.signatureValueDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(result.keyInfo?.parentNode).toBe(sig);
  });

  it.each(ENCRYPTED_BODY)('%s (encrypted Body): refused as SIGNATURE_INVALID until decrypted', (id) => {
    const doc = loadCase(id);
    const err = rejection(() => verifySignature(messageSignature(doc), contextFor(doc)));
    expect(err.code).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
    // The SignatureValue itself verified: only the (still encrypted) Body reference fails.
    expect(err.reason).toMatch(/^digest of Reference #/);
  });

  it('R01 (ClaimId changed after signing): SIGNATURE_INVALID', () => {
    const doc = loadCase('R01');
    expect(outcome(() => verifySignature(messageSignature(doc), contextFor(doc)))).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
  });

  it.each(['R22', 'R23'])('%s (SHA-1): UNSUPPORTED_ALGORITHM by default, valid with the legacy opt-in', (id) => {
    const doc = loadCase(id);
    const ctx = contextFor(doc);
    expect(outcome(() => verifySignature(messageSignature(doc), ctx))).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
    expect(ctx.keyResolutions).toBe(0);
    expect(outcome(() => verifySignature(messageSignature(doc), contextFor(doc, signaturePolicy({ legacySha1: true }))))).toBe('valid');
  });

  it('A01: xml-crypto (checkSignature with the BST certificate) agrees the message is valid', () => {
    const xml = caseBytes('A01').toString('utf8');
    const doc = loadCase('A01');
    const bst = doc.getElementsByTagNameNS(NS_WSSE, 'BinarySecurityToken').item(0);
    const b64 = (bst?.textContent ?? '').replace(/\s/g, '');
    const pem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    const sx = new SignedXml({ publicCert: pem }); // default idAttributes match wsu:Id by local name
    const sigXml = xml.slice(xml.indexOf('<ds:Signature'), xml.indexOf('</ds:Signature>') + '</ds:Signature>'.length);
    sx.loadSignature(sigXml);
    expect(sx.checkSignature(xml)).toBe(true);
    expect(outcome(() => verifySignature(messageSignature(doc), contextFor(doc)))).toBe('valid');
  });
});
