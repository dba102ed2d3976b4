import { describe, expect, it } from 'vitest';
import type { Document } from '@xmldom/xmldom';
import { IdIndex } from '../../../../src/security/id-index.ts';
import { ALG_AES256_CBC, ALG_AES256_GCM, ALG_RSA_OAEP_MGF1P, defaultEncryptionPolicy, withLegacyCbc } from '../../../../src/security/encryption/algorithms.ts';
import { processEncryptedKey } from '../../../../src/security/encryption/encrypted-key.ts';
import { childElements, clark } from '../../../../src/xml/ns.ts';
import { bodyOf, ctxFor, encryptedKeyOf, loadCase, markerOf, NS_CLM } from './helpers.ts';

function expectDecryptedBody(doc: Document, id: string): void {
  const body = bodyOf(doc);
  const kids = childElements(body);
  expect(kids.map(clark)).toEqual([`{${NS_CLM}}SubmitClaimRequest`]);
  expect(body.textContent).toContain(markerOf(id));
  // The decrypted content joins the document: Ids inside it index without duplicates.
  expect(() => IdIndex.build(doc)).not.toThrow();
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('R-ENCRYPTION: interop corpus, AES-GCM (default policy)', () => {
  for (const id of ['A07', 'A17']) {
    it(`${id} decrypts the Body content in place`, () => {
      const doc = loadCase(id);
      const results = processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc));
      expect(results).toHaveLength(1);
      const r = results[0];
      expect(r).toMatchObject({ kind: 'decryption', keyTransport: ALG_RSA_OAEP_MGF1P, dataAlgorithm: ALG_AES256_GCM, target: 'content' });
      expect(r?.decrypted).toHaveLength(1);
      expect(r?.decrypted[0]).toBe(bodyOf(doc));
      expectDecryptedBody(doc, id);
    });
  }
});

describe('R-ALGORITHMS: AES-CBC cases need the legacy opt-in', () => {
  for (const id of ['A08', 'A18']) {
    it(`${id} is refused with the default policy (UNSUPPORTED_ALGORITHM), nothing decrypted`, () => {
      const doc = loadCase(id);
      expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc, { policy: defaultEncryptionPolicy })))).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
      expect(childElements(bodyOf(doc)).map((e) => e.localName)).toEqual(['EncryptedData']);
    });
    it(`${id} decrypts when the service allows AES-CBC`, () => {
      const doc = loadCase(id);
      const results = processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc, { policy: withLegacyCbc(defaultEncryptionPolicy) }));
      expect(results[0]).toMatchObject({ dataAlgorithm: ALG_AES256_CBC, target: 'content' });
      expectDecryptedBody(doc, id);
    });
  }
});

describe('interop reject cases', () => {
  it('R02 (GCM tag flipped) → DECRYPTION_FAILED, Body untouched', () => {
    const doc = loadCase('R02');
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
    expect(childElements(bodyOf(doc)).map((e) => e.localName)).toEqual(['EncryptedData']);
  });
  it('R21 (rsa-1_5) → UNSUPPORTED_ALGORITHM, even if a policy listed it', () => {
    const doc = loadCase('R21');
    const lax = { keyTransport: new Set(['http://www.w3.org/2001/04/xmlenc#rsa-1_5']), dataEncryption: withLegacyCbc(defaultEncryptionPolicy).dataEncryption };
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc)))).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc, { policy: lax })))).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });
});
