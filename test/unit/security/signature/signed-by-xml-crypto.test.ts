import { constants, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { GatewayError } from '../../../../src/errors.ts';
import { SIG_ECDSA_SHA384, SIG_RSA_PSS_SHA256, SIG_RSA_SHA256 } from '../../../../src/security/signature/algorithms.ts';
import { excC14n } from '../../../../src/security/signature/exc-c14n.ts';
import { verifySignature } from '../../../../src/security/signature/verify.ts';
import { NS_DS } from '../../../../src/xml/ns.ts';
import { defaultXmlLimits, parseXmlText } from '../../../../src/xml/parse.ts';
import { certPem, contextFor, domOf, privateKeyPem, rawDom, signatures } from './helpers.ts';

const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const rsaPublic = createPublicKey(certPem('client-rsa'));

/** A small payment document signed by xml-crypto's SignedXml (rsa-sha256, exc-c14n, sha256, detached). */
function signedByXmlCrypto(): string {
  const sx = new SignedXml({ privateKey: privateKeyPem('client-rsa'), signatureAlgorithm: SIG_RSA_SHA256, canonicalizationAlgorithm: EXC });
  sx.addReference({ xpath: "//*[local-name()='payment']", transforms: [EXC], digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256' });
  sx.computeSignature('<doc><payment Id="pay"><amount>10</amount></payment><sigs/></doc>', { location: { reference: "//*[local-name()='sigs']", action: 'append' } });
  return sx.getSignedXml();
}

function outcome(doc: Document, key: KeyObject = rsaPublic): string {
  const ctx = contextFor(doc, undefined, () => ({ key, signer: 'test' }));
  try {
    verifySignature(signatures(doc)[0] as Element, ctx);
    return 'valid';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

function xmlCryptoAccepts(xml: string): boolean {
  const sx = new SignedXml({ publicCert: certPem('client-rsa') });
  const doc = rawDom(xml);
  sx.loadSignature(signatures(doc)[0] as never);
  return sx.checkSignature(xml);
}

describe('a document signed by xml-crypto', () => {
  it('verifies', () => {
    const xml = signedByXmlCrypto();
    expect(outcome(domOf(xml))).toBe('valid');
    expect(xmlCryptoAccepts(xml)).toBe(true);
  });

  it('with a processing instruction inserted into the signed text (<amount>1<?x 0?></amount>): xml-crypto accepts, we do not', () => {
    const tampered = signedByXmlCrypto().replace('<amount>10</amount>', '<amount>1<?x 0?></amount>');
    expect(xmlCryptoAccepts(tampered)).toBe(true);
    expect(outcome(rawDom(tampered))).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
    expect(() => parseXmlText(tampered, defaultXmlLimits)).toThrow(GatewayError);
  });
});

/** Re-signs the SignedInfo with another SignatureMethod (the references stay as xml-crypto made them). */
function resigned(method: string, signer: (data: Buffer) => Buffer): Document {
  const doc = domOf(signedByXmlCrypto());
  const sig = signatures(doc)[0] as Element;
  sig.getElementsByTagNameNS(NS_DS, 'SignatureMethod').item(0)?.setAttribute('Algorithm', method);
  const signedInfo = sig.getElementsByTagNameNS(NS_DS, 'SignedInfo').item(0) as Element;
  const value = sig.getElementsByTagNameNS(NS_DS, 'SignatureValue').item(0) as Element;
  (value.firstChild as unknown as { data: string }).data = signer(Buffer.from(excC14n(signedInfo), 'utf8')).toString('base64');
  return doc;
}

describe('signature methods', () => {
  const rsaKey = createPrivateKey(privateKeyPem('client-rsa'));
  const ecKey = createPrivateKey(privateKeyPem('client-ec'));

  it('RSA-PSS (sha256-rsa-MGF1) with salt = digest length verifies; another salt length does not', () => {
    const pss = (saltLength: number) => (d: Buffer) => sign('sha256', d, { key: rsaKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    expect(outcome(resigned(SIG_RSA_PSS_SHA256, pss(32)))).toBe('valid');
    expect(outcome(resigned(SIG_RSA_PSS_SHA256, pss(20)))).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
  });

  it('ECDSA sha384 as raw r||s verifies; a DER-encoded value does not', () => {
    const ecPublic = createPublicKey(certPem('client-ec'));
    expect(outcome(resigned(SIG_ECDSA_SHA384, (d) => sign('sha384', d, { key: ecKey, dsaEncoding: 'ieee-p1363' })), ecPublic)).toBe('valid');
    expect(outcome(resigned(SIG_ECDSA_SHA384, (d) => sign('sha384', d, { key: ecKey, dsaEncoding: 'der' })), ecPublic)).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
  });

  it('rsa-sha1 is refused by the default policy', () => {
    expect(outcome(resigned('http://www.w3.org/2000/09/xmldsig#rsa-sha1', (d) => sign('sha1', d, rsaKey)))).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });
});
