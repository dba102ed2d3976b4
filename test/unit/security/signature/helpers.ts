import { X509Certificate, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import { GatewayError } from '../../../../src/errors.ts';
import { IdIndex } from '../../../../src/security/id-index.ts';
import { defaultSignaturePolicy } from '../../../../src/security/signature/algorithms.ts';
import type { SignatureAlgorithmPolicy, VerifyContext } from '../../../../src/security/signature/types.ts';
import { NS_DS, NS_WSSE, firstChildElement } from '../../../../src/xml/ns.ts';
import { defaultXmlLimits, parseXml, parseXmlText } from '../../../../src/xml/parse.ts';

export const INTEROP = join(import.meta.dirname, '../../../fixtures/interop');
const CERTS = join(INTEROP, 'certs');

export function caseDir(id: string): string {
  const dir = readdirSync(join(INTEROP, 'cases')).find((d) => d.startsWith(`${id}__`));
  if (dir === undefined) throw new Error(`no interop case ${id}`);
  return join(INTEROP, 'cases', dir);
}

export function caseBytes(id: string): Buffer {
  return readFileSync(join(caseDir(id), 'request.xml'));
}

export function loadCase(id: string): Document {
  return parseXml(caseBytes(id), 'utf-8', defaultXmlLimits).doc;
}

/** A DOM parsed with the gateway parser, except that comments and PIs may be let through. */
export function domOf(xml: string, allowComments = false): Document {
  return parseXmlText(xml, { ...defaultXmlLimits, allowComments }).doc;
}

/** A DOM straight from xmldom, for what the gateway parser refuses (PIs): verifySignature must not rely on the parser. */
export function rawDom(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

export function certPem(name: 'client-rsa' | 'client-ec'): string {
  return readFileSync(join(CERTS, `${name}.pem`), 'utf8');
}

export function privateKeyPem(name: 'client-rsa' | 'client-ec'): string {
  return readFileSync(join(CERTS, `${name}.key`), 'utf8');
}

/** Every ds:Signature of the document, in document order. */
export function signatures(doc: Document): Element[] {
  return Array.from(doc.getElementsByTagNameNS(NS_DS, 'Signature'));
}

/** The message signature: the ds:Signature that is a child of wsse:Security. */
export function messageSignature(doc: Document): Element {
  const sig = signatures(doc).find((s) => s.parentNode !== null && (s.parentNode as Element).namespaceURI === NS_WSSE);
  if (sig === undefined) throw new Error('no message signature');
  return sig;
}

/**
 * A test stand-in for the real key resolver: the certificate of a directly referenced BST or an
 * X509v3 KeyIdentifier, else the interop client cert that fits the SignatureMethod.
 */
export function testResolveKey(idIndex: IdIndex): (keyInfo: Element | undefined) => { key: KeyObject; signer: unknown } {
  return (keyInfo) => {
    if (keyInfo === undefined) throw new GatewayError('GW_ERR_SEC_TOKEN_UNRESOLVED', 'no KeyInfo');
    const str = firstChildElement(keyInfo, NS_WSSE, 'SecurityTokenReference');
    const ref = str && firstChildElement(str, NS_WSSE, 'Reference');
    const kid = str && firstChildElement(str, NS_WSSE, 'KeyIdentifier');
    let b64: string | undefined;
    const uri = ref?.getAttribute('URI');
    if (uri?.startsWith('#') === true) b64 = idIndex.get(uri.slice(1))?.textContent ?? undefined;
    else if (kid?.getAttribute('ValueType')?.endsWith('#X509v3') === true) b64 = kid.textContent ?? undefined;
    if (b64 !== undefined) {
      const cert = new X509Certificate(Buffer.from(b64.replace(/\s/g, ''), 'base64'));
      return { key: cert.publicKey, signer: cert.subject };
    }
    const sig = keyInfo.parentNode as Element;
    const method = sig.getElementsByTagNameNS(NS_DS, 'SignatureMethod').item(0)?.getAttribute('Algorithm') ?? '';
    const pem = certPem(method.includes('ecdsa') ? 'client-ec' : 'client-rsa');
    return { key: createPublicKey(pem), signer: new X509Certificate(pem).subject };
  };
}

export interface TestContext extends VerifyContext {
  readonly lookups: number;
  readonly keyResolutions: number;
}

/** A VerifyContext over `doc` that counts Id look-ups (a Reference is digested only after one). */
export function contextFor(doc: Document, policy: SignatureAlgorithmPolicy = defaultSignaturePolicy, resolveKey?: VerifyContext['resolveKey']): TestContext {
  const index = IdIndex.build(doc);
  const resolve = resolveKey ?? testResolveKey(index);
  const counters = { lookups: 0, keyResolutions: 0 };
  return {
    policy,
    idIndex: { get: (id) => (counters.lookups++, index.get(id)) },
    resolveKey: (ki) => (counters.keyResolutions++, resolve(ki)),
    get lookups() {
      return counters.lookups;
    },
    get keyResolutions() {
      return counters.keyResolutions;
    },
  };
}
