import { describe, expect, it } from 'vitest';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../../../src/errors.ts';
import { processEncryptedDataWithKeyRef, processEncryptedKey } from '../../../../src/security/encryption/encrypted-key.ts';
import { NS_WSSE11, childElements, clark } from '../../../../src/xml/ns.ts';
import { bodyOf, buildMessage, ctxFor, encryptedKeyOf, find, NS_CLM, NS_XENC, parse } from './helpers.ts';

const ITEM = '<clm:Item clm:kind="x" xmlns:extra="urn:extra"><extra:Note>n</extra:Note></clm:Item>';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

function firstEncryptedData(doc: ReturnType<typeof parse>): Element {
  const ed = find(doc, NS_XENC, 'EncryptedData')[0];
  if (ed === undefined) throw new Error('no EncryptedData');
  return ed;
}

describe('Type Content / Element / EncryptedHeader', () => {
  it('Content: several nodes replace the EncryptedData, prefixes resolve from the envelope', () => {
    const doc = parse(buildMessage({ plaintext: `${ITEM}<clm:Second/>` }));
    const [r] = processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc));
    expect(r?.target).toBe('content');
    expect(childElements(bodyOf(doc)).map(clark)).toEqual([`{${NS_CLM}}Item`, `{${NS_CLM}}Second`]);
    expect(childElements(bodyOf(doc))[0]?.getAttributeNS(NS_CLM, 'kind')).toBe('x');
  });

  it('Element: the EncryptedData is replaced by the one decrypted element', () => {
    const doc = parse(buildMessage({ plaintext: ITEM, target: 'element' }));
    const [r] = processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc));
    const outer = childElements(bodyOf(doc))[0] as Element;
    expect(r?.target).toBe('element');
    expect(childElements(outer).map(clark)).toEqual([`{${NS_CLM}}Item`]);
    expect(r?.decrypted).toHaveLength(1);
    expect(r?.decrypted[0]).toBe(childElements(outer)[0]);
  });

  it('Element: plaintext with two elements is refused', () => {
    const doc = parse(buildMessage({ plaintext: `${ITEM}${ITEM}`, target: 'element' }));
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
  });

  it('wsse11:EncryptedHeader is replaced by the decrypted header block', () => {
    const doc = parse(buildMessage({ plaintext: '<clm:Routing soap:mustUnderstand="1">r</clm:Routing>', target: 'header' }));
    const [r] = processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc));
    expect(r?.target).toBe('header');
    expect(find(doc, NS_WSSE11, 'EncryptedHeader')).toHaveLength(0);
    const routing = find(doc, NS_CLM, 'Routing')[0];
    expect(routing?.parentNode?.localName).toBe('Header');
    expect(r?.decrypted[0]).toBe(routing);
  });
});

describe('key references', () => {
  it('EncryptedKey without ReferenceList: nothing decrypted there; the EncryptedData decrypts through its key Reference', () => {
    const doc = parse(buildMessage({ plaintext: ITEM, keyRefOnly: true }));
    const ctx = ctxFor(doc);
    expect(processEncryptedKey(encryptedKeyOf(doc), ctx)).toEqual([]);
    const ed = firstEncryptedData(doc);
    const r = processEncryptedDataWithKeyRef(ed, ctx);
    expect(r.element).toBe(ed);
    expect(r.target).toBe('content');
    expect(r.decrypted).toHaveLength(1);
    expect(r.decrypted[0]).toBe(bodyOf(doc));
    expect(childElements(bodyOf(doc)).map(clark)).toEqual([`{${NS_CLM}}Item`]);
  });

  it('an EncryptedData is decrypted once: a second pass finds it gone (REFERENCE_UNRESOLVED)', () => {
    const doc = parse(buildMessage({ plaintext: ITEM }));
    const ctx = ctxFor(doc);
    const ed = firstEncryptedData(doc);
    processEncryptedKey(encryptedKeyOf(doc), ctx);
    expect(codeOf(() => processEncryptedDataWithKeyRef(ed, ctx))).toBe('GW_ERR_SEC_REFERENCE_UNRESOLVED');
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctx))).toBe('GW_ERR_SEC_REFERENCE_UNRESOLVED');
  });

  it('a DataReference to nothing is REFERENCE_UNRESOLVED; to a non-EncryptedData is DECRYPTION_FAILED', () => {
    const dangling = parse(buildMessage({ plaintext: ITEM }).replace('URI="#ED-1"', 'URI="#missing"'));
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(dangling), ctxFor(dangling)))).toBe('GW_ERR_SEC_REFERENCE_UNRESOLVED');
    const wrong = parse(buildMessage({ plaintext: ITEM }).replace('URI="#ED-1"', 'URI="#EK-1"'));
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(wrong), ctxFor(wrong)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
  });

  it('a ReferenceList entry whose EncryptedData names another key is refused', () => {
    const doc = parse(buildMessage({ plaintext: ITEM }).replace('<wsse:Reference URI="#EK-1"/>', '<wsse:Reference URI="#EK-other"/>'));
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
  });

  it('a key Reference to something that is not an EncryptedKey is refused', () => {
    const doc = parse(buildMessage({ plaintext: ITEM, keyRefOnly: true }).replace('<wsse:Reference URI="#EK-1"/>', '<wsse:Reference URI="#ED-1"/>'));
    expect(codeOf(() => processEncryptedDataWithKeyRef(firstEncryptedData(doc), ctxFor(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
  });
});
