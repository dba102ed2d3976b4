import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Document, Element } from '@xmldom/xmldom';
import { GatewayError } from '../../../../src/errors.ts';
import { IdIndex } from '../../../../src/security/id-index.ts';
import { ALG_AES256_GCM, ALG_RSA_OAEP_MGF1P, defaultEncryptionPolicy } from '../../../../src/security/encryption/algorithms.ts';
import { keyReferenceOf } from '../../../../src/security/encryption/encrypted-data.ts';
import { processEncryptedDataWithKeyRef, processEncryptedKey } from '../../../../src/security/encryption/encrypted-key.ts';
import type { DecryptContext } from '../../../../src/security/encryption/types.ts';
import { defaultXmlLimits } from '../../../../src/xml/parse.ts';
import { childElements, clark } from '../../../../src/xml/ns.ts';
import { bodyOf, buildMessage, ctxFor, encryptedKeyOf, find, NS_XENC, parse } from './helpers.ts';

// python-xmlsec / zeep message from the performance-anchors harness: the EncryptedData names its
// EncryptedKey by `ds:RetrievalMethod Type="xenc#EncryptedKey"`, the EncryptedKey names the
// gateway by ThumbprintSHA1 and lists the EncryptedData in its ReferenceList.
const ANCHORS = join(import.meta.dirname, '../../../../bench/fixtures/anchors');
const SIGNENC = readFileSync(join(ANCHORS, 'signenc-1k.xml'), 'utf8');
const serverKey = createPrivateKey(readFileSync(join(ANCHORS, 'server.key.pem')));
const serverCert = new X509Certificate(readFileSync(join(ANCHORS, 'server.cert.pem')));
const NS_ORD = 'urn:example:orders:v1';
const EK_TYPE = 'http://www.w3.org/2001/04/xmlenc#EncryptedKey';
const RM = /<ds:RetrievalMethod URI="#(EK-[^"]+)" Type="http:\/\/www\.w3\.org\/2001\/04\/xmlenc#EncryptedKey"\/>/;

function ctx(doc: Document): DecryptContext {
  return { idIndex: IdIndex.build(doc), policy: defaultEncryptionPolicy, privateKey: serverKey, certificate: serverCert, limits: defaultXmlLimits };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

function encryptedData(doc: Document): Element {
  const ed = find(doc, NS_XENC, 'EncryptedData')[0];
  if (ed === undefined) throw new Error('no EncryptedData');
  return ed;
}

/** signenc-1k.xml with its RetrievalMethod replaced by `f(ekId)`. */
function withRetrieval(f: (ekId: string) => string): string {
  const m = RM.exec(SIGNENC);
  if (m?.[1] === undefined) throw new Error('fixture has no RetrievalMethod');
  const ekId = m[1];
  return SIGNENC.replace(m[0], f(ekId));
}

describe('ds:RetrievalMethod to a same-document EncryptedKey (xmlsec1 / python-xmlsec layout)', () => {
  it('the fixture holds the expected RetrievalMethod', () => {
    expect(RM.test(SIGNENC)).toBe(true);
  });

  it('signenc-1k.xml decrypts through the EncryptedKey ReferenceList; the Body holds the order', () => {
    const doc = parse(SIGNENC);
    const results = processEncryptedKey(encryptedKeyOf(doc), ctx(doc));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ kind: 'decryption', keyTransport: ALG_RSA_OAEP_MGF1P, dataAlgorithm: ALG_AES256_GCM, target: 'content' });
    expect(results[0]?.decrypted[0]).toBe(bodyOf(doc));
    expect(childElements(bodyOf(doc)).map(clark)).toEqual([`{${NS_ORD}}SubmitOrder`]);
    expect(bodyOf(doc).textContent).toContain('ORD-00001000');
    expect(bodyOf(doc).textContent).toContain('Muster & Sohn GmbH');
    expect(find(doc, NS_XENC, 'EncryptedData')).toHaveLength(0);
  });

  it('decrypts through the RetrievalMethod alone (EncryptedKey without ReferenceList)', () => {
    const doc = parse(SIGNENC.replace(/<xenc:ReferenceList>.*?<\/xenc:ReferenceList>/s, ''));
    const c = ctx(doc);
    expect(processEncryptedKey(encryptedKeyOf(doc), c)).toEqual([]);
    const ed = encryptedData(doc);
    const r = processEncryptedDataWithKeyRef(ed, c);
    expect(r.element).toBe(ed);
    expect(childElements(bodyOf(doc)).map(clark)).toEqual([`{${NS_ORD}}SubmitOrder`]);
    expect(bodyOf(doc).textContent).toContain('ORD-00001000');
  });

  it('keyReferenceOf: the STR Reference and the RetrievalMethod forms name the same EncryptedKey', () => {
    const viaRm = keyReferenceOf(encryptedData(parse(SIGNENC)));
    const viaStr = keyReferenceOf(encryptedData(parse(readFileSync(join(ANCHORS, 'signenc-1k-str.xml'), 'utf8'))));
    expect(viaRm).toMatch(/^EK-/);
    expect(viaRm).toBe(viaStr);
  });

  it('also in a gateway-built message (wsse:Reference swapped for a RetrievalMethod)', () => {
    const xml = buildMessage({ plaintext: '<clm:Item/>' }).replace(
      '<wsse:SecurityTokenReference><wsse:Reference URI="#EK-1"/></wsse:SecurityTokenReference>',
      `<ds:RetrievalMethod URI="#EK-1" Type="${EK_TYPE}"/>`,
    );
    expect(xml).toContain('RetrievalMethod');
    const doc = parse(xml);
    expect(processEncryptedKey(encryptedKeyOf(doc), ctxFor(doc))).toHaveLength(1);
    expect(find(doc, NS_XENC, 'EncryptedData')).toHaveLength(0);
  });
});

describe('ds:RetrievalMethod forms that stay refused (nothing is ever fetched)', () => {
  const refused: readonly (readonly [string, (ekId: string) => string])[] = [
    ['an external URI', () => `<ds:RetrievalMethod URI="http://127.0.0.1:18999/interop-canary/ek" Type="${EK_TYPE}"/>`],
    ['a relative non-# URI', (id) => `<ds:RetrievalMethod URI="ek.xml#${id}" Type="${EK_TYPE}"/>`],
    ['an empty URI', () => `<ds:RetrievalMethod URI="" Type="${EK_TYPE}"/>`],
    ['no URI', () => `<ds:RetrievalMethod Type="${EK_TYPE}"/>`],
    ['a bare "#"', () => `<ds:RetrievalMethod URI="#" Type="${EK_TYPE}"/>`],
    ['another Type (X509Data)', (id) => `<ds:RetrievalMethod URI="#${id}" Type="http://www.w3.org/2000/09/xmldsig#X509Data"/>`],
    ['another Type (xenc11 DerivedKey)', (id) => `<ds:RetrievalMethod URI="#${id}" Type="http://www.w3.org/2009/xmlenc11#DerivedKey"/>`],
    ['no Type', (id) => `<ds:RetrievalMethod URI="#${id}"/>`],
    ['a Type differing in case', (id) => `<ds:RetrievalMethod URI="#${id}" Type="${EK_TYPE.replace('EncryptedKey', 'encryptedkey')}"/>`],
    [
      'Transforms inside the RetrievalMethod',
      (id) => `<ds:RetrievalMethod URI="#${id}" Type="${EK_TYPE}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms></ds:RetrievalMethod>`,
    ],
    ['an empty Transforms', (id) => `<ds:RetrievalMethod URI="#${id}" Type="${EK_TYPE}"><ds:Transforms/></ds:RetrievalMethod>`],
    ['an unknown child', (id) => `<ds:RetrievalMethod URI="#${id}" Type="${EK_TYPE}"><x:Other xmlns:x="urn:x"/></ds:RetrievalMethod>`],
    ['two RetrievalMethods', (id) => `<ds:RetrievalMethod URI="#${id}" Type="${EK_TYPE}"/><ds:RetrievalMethod URI="#${id}" Type="${EK_TYPE}"/>`],
    [
      'a RetrievalMethod beside an STR',
      (id) => `<ds:RetrievalMethod URI="#${id}" Type="${EK_TYPE}"/><wsse:SecurityTokenReference xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:Reference URI="#${id}"/></wsse:SecurityTokenReference>`,
    ],
    ['a RetrievalMethod in another namespace', (id) => `<x:RetrievalMethod xmlns:x="urn:x" URI="#${id}" Type="${EK_TYPE}"/>`],
  ];

  it.each(refused)('%s: DECRYPTION_FAILED from the ReferenceList path, Body untouched', (_name, f) => {
    const doc = parse(withRetrieval(f));
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctx(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
    expect(childElements(bodyOf(doc)).map((e) => e.localName)).toEqual(['EncryptedData']);
  });

  it.each(refused)('%s: DECRYPTION_FAILED from the key-reference path', (_name, f) => {
    const doc = parse(withRetrieval(f));
    expect(codeOf(() => processEncryptedDataWithKeyRef(encryptedData(doc), ctx(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
    expect(childElements(bodyOf(doc)).map((e) => e.localName)).toEqual(['EncryptedData']);
  });

  it('a RetrievalMethod to another EncryptedKey than the one listing the EncryptedData is refused', () => {
    const doc = parse(withRetrieval(() => `<ds:RetrievalMethod URI="#EK-other" Type="${EK_TYPE}"/>`));
    expect(codeOf(() => processEncryptedKey(encryptedKeyOf(doc), ctx(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
  });

  it('a RetrievalMethod to an element that is not an EncryptedKey is refused', () => {
    const doc = parse(withRetrieval(() => `<ds:RetrievalMethod URI="#TS-ec2cefd2-fa82-45a9-979b-8d675a89dbfe" Type="${EK_TYPE}"/>`));
    expect(codeOf(() => processEncryptedDataWithKeyRef(encryptedData(doc), ctx(doc)))).toBe('GW_ERR_SEC_DECRYPTION_FAILED');
  });

  it('a RetrievalMethod to a missing Id is REFERENCE_UNRESOLVED on the key-reference path', () => {
    const doc = parse(withRetrieval(() => `<ds:RetrievalMethod URI="#EK-missing" Type="${EK_TYPE}"/>`));
    expect(codeOf(() => processEncryptedDataWithKeyRef(encryptedData(doc), ctx(doc)))).toBe('GW_ERR_SEC_REFERENCE_UNRESOLVED');
  });
});
