import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.ts';
import { ALG_AES256_CBC, ALG_RSA_OAEP, ALG_RSA_OAEP_MGF1P, defaultEncryptionPolicy } from '../../../../src/security/encryption/algorithms.ts';
import type { EncryptionAlgorithmPolicy } from '../../../../src/security/encryption/types.ts';
import { processEncryptedKey } from '../../../../src/security/encryption/encrypted-key.ts';
import type { BuildOptions } from './helpers.ts';
import { buildMessage, ctxFor, encryptedKeyOf, parse } from './helpers.ts';

const CLAIM = '<clm:SubmitClaimRequest/>';
const DS = 'xmlns:ds11="http://www.w3.org/2000/09/xmldsig#"';
const digest = (uri: string): string => `<ds11:DigestMethod ${DS} Algorithm="${uri}"/>`;
const mgf = (name: string): string => `<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#${name}"/>`;
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

type Opts = Omit<BuildOptions, 'plaintext'>;

function code(opts: Opts, policy: EncryptionAlgorithmPolicy = defaultEncryptionPolicy): string {
  const doc = parse(buildMessage({ ...opts, plaintext: CLAIM }));
  try {
    processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc, { policy }));
    return 'ok';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

describe('R-ALGORITHMS: key transport (what node:crypto can unwrap)', () => {
  const accepted: [string, Opts][] = [
    ['rsa-oaep-mgf1p, no DigestMethod (SHA-1)', { keyTransport: ALG_RSA_OAEP_MGF1P }],
    ['rsa-oaep-mgf1p with an explicit SHA-1 DigestMethod (xmlsec1)', { keyTransport: ALG_RSA_OAEP_MGF1P, methodChildren: digest(SHA1) }],
    ['rsa-oaep-mgf1p with an empty OAEPparams', { keyTransport: ALG_RSA_OAEP_MGF1P, methodChildren: '<xenc:OAEPparams></xenc:OAEPparams>' }],
    ['xenc11 rsa-oaep, defaults (SHA-1, MGF1-SHA1)', { keyTransport: ALG_RSA_OAEP }],
    ['xenc11 rsa-oaep, SHA-256 + MGF1-SHA256', { keyTransport: ALG_RSA_OAEP, methodChildren: digest(SHA256) + mgf('mgf1sha256'), oaepHash: 'sha256' }],
  ];
  for (const [name, opts] of accepted) it(`accepts ${name}`, () => expect(code(opts)).toBe('ok'));

  const refused: [string, Opts][] = [
    ['rsa-oaep-mgf1p with a SHA-256 digest (MGF1 stays SHA-1)', { keyTransport: ALG_RSA_OAEP_MGF1P, methodChildren: digest(SHA256), oaepHash: 'sha256' }],
    ['xenc11 rsa-oaep, SHA-256 digest with the default MGF1-SHA1', { keyTransport: ALG_RSA_OAEP, methodChildren: digest(SHA256), oaepHash: 'sha256' }],
    ['xenc11 rsa-oaep, SHA-1 digest with MGF1-SHA256', { keyTransport: ALG_RSA_OAEP, methodChildren: mgf('mgf1sha256') }],
    ['an unknown MGF', { keyTransport: ALG_RSA_OAEP, methodChildren: mgf('mgf1md5') }],
    ['an MD5 OAEP digest', { keyTransport: ALG_RSA_OAEP, methodChildren: digest('http://www.w3.org/2001/04/xmldsig-more#md5') }],
    ['a non-empty OAEPparams', { keyTransport: ALG_RSA_OAEP_MGF1P, methodChildren: '<xenc:OAEPparams>AAEC</xenc:OAEPparams>' }],
    ['rsa-1_5', { keyTransport: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5' }],
    ['an unknown key transport', { keyTransport: 'http://www.w3.org/2001/04/xmlenc#kw-aes256' }],
    ['3DES data encryption', { dataAlg: 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc' }],
    ['AES-CBC without the opt-in', { dataAlg: ALG_AES256_CBC }],
  ];
  for (const [name, opts] of refused) it(`refuses ${name} (UNSUPPORTED_ALGORITHM)`, () => expect(code(opts)).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM'));

  it('refuses a key transport the service did not list', () => {
    const onlyMgf1p = { ...defaultEncryptionPolicy, keyTransport: new Set([ALG_RSA_OAEP_MGF1P]) };
    expect(code({ keyTransport: ALG_RSA_OAEP }, onlyMgf1p)).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });

  it('checks the algorithm before the key reference (rsa-1_5 to another certificate is still UNSUPPORTED)', () => {
    expect(code({ keyTransport: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5', keyInfo: '<wsse:Reference URI="#nowhere"/>' })).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });
});
