import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.ts';
import { ALG_AES128_GCM, ALG_AES256_CBC, defaultEncryptionPolicy, withLegacyCbc } from '../../../../src/security/encryption/algorithms.ts';
import { processEncryptedKey } from '../../../../src/security/encryption/encrypted-key.ts';
import { defaultXmlLimits } from '../../../../src/xml/parse.ts';
import { childElements } from '../../../../src/xml/ns.ts';
import type { BuildOptions } from './helpers.ts';
import { bodyOf, buildMessage, clientCert, ctxFor, encryptedKeyOf, parse, thumbprintRef } from './helpers.ts';

const CLAIM = '<clm:SubmitClaimRequest><clm:ClientRequestId>X-1</clm:ClientRequestId></clm:SubmitClaimRequest>';
const cbc = withLegacyCbc(defaultEncryptionPolicy);

function run(opts: BuildOptions, policy = defaultEncryptionPolicy, limits = defaultXmlLimits): GatewayError | 'ok' {
  const doc = parse(buildMessage(opts));
  try {
    processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc, { policy, limits }));
    return 'ok';
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
}

function code(result: GatewayError | 'ok'): string {
  return result === 'ok' ? 'ok' : result.code;
}

function flip(at: (data: Buffer) => number): (data: Buffer) => Buffer {
  return (data) => {
    const copy = Buffer.from(data);
    const i = at(copy);
    copy[i] = (copy[i] ?? 0) ^ 0x01;
    return copy;
  };
}

describe('baseline: the builder produces messages that decrypt', () => {
  it('GCM and CBC', () => {
    expect(run({ plaintext: CLAIM })).toBe('ok');
    expect(run({ plaintext: CLAIM, dataAlg: ALG_AES256_CBC }, cbc)).toBe('ok');
    expect(run({ plaintext: CLAIM, dataAlg: ALG_AES128_GCM, cek: Buffer.alloc(16, 7) })).toBe('ok');
  });
  it('CBC accepts arbitrary pad bytes (XML Encryption, not PKCS#7)', () => {
    const pad = (n: number): Buffer => Buffer.concat([Buffer.alloc(n - 1, 0xee), Buffer.from([n])]);
    expect(run({ plaintext: CLAIM, dataAlg: ALG_AES256_CBC, cbcPadding: pad }, cbc)).toBe('ok');
  });
});

describe('R-ENCRYPTION: every decryption failure has the same code', () => {
  const failures: [string, BuildOptions, typeof defaultEncryptionPolicy][] = [
    ['tampered CBC ciphertext (middle block)', { plaintext: CLAIM + CLAIM, dataAlg: ALG_AES256_CBC, mutateCipher: flip(() => 20) }, cbc],
    ['tampered CBC last byte (padding)', { plaintext: CLAIM, dataAlg: ALG_AES256_CBC, mutateCipher: flip((d) => d.length - 1) }, cbc],
    ['CBC pad length 0 over valid XML', { plaintext: CLAIM, dataAlg: ALG_AES256_CBC, cbcPadding: (n) => Buffer.concat([Buffer.alloc(n - 1, 0x20), Buffer.from([0])]) }, cbc],
    ['CBC pad length 17 over valid XML', { plaintext: CLAIM, dataAlg: ALG_AES256_CBC, cbcPadding: (n) => Buffer.concat([Buffer.alloc(n - 1, 0x20), Buffer.from([17])]) }, cbc],
    ['GCM ciphertext flipped', { plaintext: CLAIM, mutateCipher: flip(() => 14) }, defaultEncryptionPolicy],
    ['GCM tag truncated by 4 bytes', { plaintext: CLAIM, mutateCipher: (d) => d.subarray(0, d.length - 4) }, defaultEncryptionPolicy],
    ['GCM CipherValue shorter than IV + tag', { plaintext: CLAIM, mutateCipher: (d) => d.subarray(0, 27) }, defaultEncryptionPolicy],
    ['bad base64 CipherValue', { plaintext: CLAIM, cipherData: '<xenc:CipherData><xenc:CipherValue>not*base64</xenc:CipherValue></xenc:CipherData>' }, defaultEncryptionPolicy],
    ['CipherReference (external data)', { plaintext: CLAIM, cipherData: '<xenc:CipherData><xenc:CipherReference URI="http://127.0.0.1:18999/x"/></xenc:CipherData>' }, defaultEncryptionPolicy],
    ['EncryptedKey names another certificate', { plaintext: CLAIM, wrapFor: clientCert, keyInfo: thumbprintRef(clientCert) }, defaultEncryptionPolicy],
    ['EncryptedKey names our certificate, wrapped for another key (OAEP fails)', { plaintext: CLAIM, wrapFor: clientCert }, defaultEncryptionPolicy],
    ['unwrapped key length does not fit the data algorithm', { plaintext: CLAIM, dataAlg: ALG_AES128_GCM, cek: Buffer.alloc(32, 1) }, defaultEncryptionPolicy],
    ['plaintext that does not parse', { plaintext: '<clm:Open>' }, defaultEncryptionPolicy],
    ['plaintext with a DOCTYPE', { plaintext: '<!DOCTYPE x [<!ENTITY e "boom">]><clm:X>&e;</clm:X>' }, defaultEncryptionPolicy],
    ['plaintext with a processing instruction', { plaintext: `<?evil x?>${CLAIM}` }, defaultEncryptionPolicy],
    ['plaintext that closes the wrapper', { plaintext: `</wsgate-plaintext><wsgate-plaintext>${CLAIM}` }, defaultEncryptionPolicy],
    ['plaintext with an undeclared prefix', { plaintext: '<nope:X/>' }, defaultEncryptionPolicy],
    ['plaintext that is not UTF-8', { plaintext: Buffer.concat([Buffer.from('<clm:X>'), Buffer.from([0xc3, 0x28]), Buffer.from('</clm:X>')]) }, defaultEncryptionPolicy],
  ];
  for (const [name, opts, policy] of failures) {
    it(`${name} → GW_ERR_SEC_DECRYPTION_FAILED`, () => {
      expect(code(run(opts, policy))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
    });
  }

  it('a DOCTYPE in plaintext is DECRYPTION_FAILED, not GW_ERR_XML_DOCTYPE (no parse oracle); the audit reason keeps it', () => {
    const result = run({ plaintext: '<!DOCTYPE x><clm:X/>' });
    expect(result).toBeInstanceOf(GatewayError);
    expect((result as GatewayError).reason).toContain('GW_ERR_XML_DOCTYPE');
  });

  it('a failed unwrap reports the unwrap in the audit reason (random stand-in key, same code)', () => {
    const result = run({ plaintext: CLAIM, wrapFor: clientCert });
    expect((result as GatewayError).reason).toContain('unwrap');
  });

  it('nothing is inserted when decryption fails', () => {
    const doc = parse(buildMessage({ plaintext: CLAIM, dataAlg: ALG_AES256_CBC, mutateCipher: flip((d) => d.length - 1) }));
    expect(() => processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc, { policy: cbc }))).toThrow(GatewayError);
    expect(childElements(bodyOf(doc)).map((e) => e.localName)).toEqual(['EncryptedData']);
  });
});

describe('R-LIMITS: nesting cannot be smuggled through encryption', () => {
  const nested = (depth: number): string => '<clm:a>'.repeat(depth) + '</clm:a>'.repeat(depth);
  it('the depth limit counts from the insertion point (Body at depth 2)', () => {
    const limits = { ...defaultXmlLimits, maxDepth: 10 };
    expect(run({ plaintext: nested(8) }, defaultEncryptionPolicy, limits)).toBe('ok');
    const tooDeep = run({ plaintext: nested(9) }, defaultEncryptionPolicy, limits);
    expect(code(tooDeep)).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
    expect((tooDeep as GatewayError).reason).toContain('GW_ERR_XML_LIMIT_DEPTH');
  });
});
