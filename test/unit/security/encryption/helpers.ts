import { constants, createCipheriv, createHash, createPrivateKey, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document, Element } from '@xmldom/xmldom';
import { IdIndex } from '../../../../src/security/id-index.ts';
import { ALG_AES256_GCM, ALG_RSA_OAEP_MGF1P, defaultEncryptionPolicy } from '../../../../src/security/encryption/algorithms.ts';
import type { DecryptContext, EncryptionAlgorithmPolicy } from '../../../../src/security/encryption/types.ts';
import { defaultXmlLimits, parseXml } from '../../../../src/xml/parse.ts';
import { NS_WSSE, NS_XENC, childElements, localNameOf } from '../../../../src/xml/ns.ts';
import type { XmlLimits } from '../../../../src/xml/types.ts';

export const INTEROP = join(import.meta.dirname, '../../../fixtures/interop');
export const NS_CLM = 'http://insurer.example/schemas/claims/2019/06';

export const gatewayCert = new X509Certificate(readFileSync(join(INTEROP, 'certs/gateway.pem')));
export const gatewayKey = createPrivateKey(readFileSync(join(INTEROP, 'certs/gateway.key')));
export const clientCert = new X509Certificate(readFileSync(join(INTEROP, 'certs/client-rsa.pem')));

interface ManifestCase { readonly id: string; readonly dir: string; readonly marker?: string }
const manifest = JSON.parse(readFileSync(join(INTEROP, 'manifest.json'), 'utf8')) as { cases: ManifestCase[] };

export function markerOf(id: string): string {
  const c = manifest.cases.find((m) => m.id === id);
  if (c?.marker === undefined) throw new Error(`no marker for ${id}`);
  return c.marker;
}

export function parse(xml: string | Uint8Array): Document {
  return parseXml(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, 'utf-8', defaultXmlLimits).doc;
}

export function loadCase(id: string): Document {
  const dir = readdirSync(join(INTEROP, 'cases')).find((d) => d.startsWith(`${id}__`));
  if (dir === undefined) throw new Error(`no case ${id}`);
  return parse(readFileSync(join(INTEROP, 'cases', dir, 'request.xml')));
}

export function ctxFor(doc: Document, opts: { policy?: EncryptionAlgorithmPolicy; limits?: XmlLimits } = {}): DecryptContext {
  return { idIndex: IdIndex.build(doc), policy: opts.policy ?? defaultEncryptionPolicy, privateKey: gatewayKey, certificate: gatewayCert, limits: opts.limits ?? defaultXmlLimits };
}

/** Every descendant element with this namespace and local name, in document order. */
export function find(doc: Document, ns: string, local: string): Element[] {
  const out: Element[] = [];
  const walk = (el: Element): void => {
    if (el.namespaceURI === ns && localNameOf(el) === local) out.push(el);
    for (const c of childElements(el)) walk(c);
  };
  if (doc.documentElement) walk(doc.documentElement);
  return out;
}

export function encryptedKeyOf(doc: Document): Element {
  const ek = find(doc, NS_XENC, 'EncryptedKey')[0];
  if (ek === undefined) throw new Error('no EncryptedKey');
  return ek;
}

export function bodyOf(doc: Document): Element {
  const body = childElements(doc.documentElement as Element).find((c) => localNameOf(c) === 'Body');
  if (body === undefined) throw new Error('no Body');
  return body;
}

export function thumbprintRef(cert: X509Certificate): string {
  const tp = createHash('sha1').update(cert.raw).digest('base64');
  return `<wsse:KeyIdentifier EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary" ValueType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1">${tp}</wsse:KeyIdentifier>`;
}

export interface BuildOptions {
  /** The plaintext: Body content (content), one element (element / header). */
  readonly plaintext: string | Buffer;
  readonly target?: 'content' | 'element' | 'header';
  readonly dataAlg?: string;
  readonly keyTransport?: string;
  /** Extra XML inside the EncryptedKey's EncryptionMethod (DigestMethod, MGF, OAEPparams). */
  readonly methodChildren?: string;
  readonly oaepHash?: 'sha1' | 'sha256';
  /** The certificate whose public key wraps the content key (default: the gateway's). */
  readonly wrapFor?: X509Certificate;
  /** The token reference inside the EncryptedKey's STR (default: ThumbprintSHA1 of the gateway). */
  readonly keyInfo?: string;
  /** No ReferenceList: the EncryptedData names its key by wsse:Reference only. */
  readonly keyRefOnly?: boolean;
  readonly cek?: Buffer;
  /** CBC: the padding to append (default XML Encryption style: random bytes, last = length). */
  readonly cbcPadding?: (length: number) => Buffer;
  readonly mutateCipher?: (data: Buffer) => Buffer;
  readonly cipherData?: string;
}

function encryptData(alg: string, cek: Buffer, plain: Buffer, opts: BuildOptions): Buffer {
  if (alg.endsWith('-gcm')) {
    const iv = randomBytes(12);
    const c = createCipheriv(cek.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', cek, iv);
    return Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
  }
  const iv = randomBytes(16);
  const n = 16 - (plain.length % 16);
  const pad = opts.cbcPadding ? opts.cbcPadding(n) : Buffer.concat([randomBytes(n - 1), Buffer.from([n])]);
  const c = createCipheriv(cek.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc', cek, iv);
  c.setAutoPadding(false);
  return Buffer.concat([iv, c.update(Buffer.concat([plain, pad])), c.final()]);
}

const NSDECL = 'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"';

/** A SOAP 1.1 message encrypted to the gateway the way WSS4J lays it out (EncryptedKey + ReferenceList). */
export function buildMessage(opts: BuildOptions): string {
  const target = opts.target ?? 'content';
  const dataAlg = opts.dataAlg ?? ALG_AES256_GCM;
  const cek = opts.cek ?? randomBytes(dataAlg.includes('128') ? 16 : 32);
  const wrapped = publicEncrypt({ key: (opts.wrapFor ?? gatewayCert).publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: opts.oaepHash ?? 'sha1' }, cek);
  let data = encryptData(dataAlg, cek, typeof opts.plaintext === 'string' ? Buffer.from(opts.plaintext, 'utf8') : opts.plaintext, opts);
  if (opts.mutateCipher) data = opts.mutateCipher(data);
  const cipherData = opts.cipherData ?? `<xenc:CipherData><xenc:CipherValue>${data.toString('base64')}</xenc:CipherValue></xenc:CipherData>`;
  const type = target === 'content' ? 'http://www.w3.org/2001/04/xmlenc#Content' : 'http://www.w3.org/2001/04/xmlenc#Element';
  const ed = `<xenc:EncryptedData Id="ED-1" Type="${type}"><xenc:EncryptionMethod Algorithm="${dataAlg}"/><ds:KeyInfo><wsse:SecurityTokenReference><wsse:Reference URI="#EK-1"/></wsse:SecurityTokenReference></ds:KeyInfo>${cipherData}</xenc:EncryptedData>`;
  const refList = opts.keyRefOnly ? '' : '<xenc:ReferenceList><xenc:DataReference URI="#ED-1"/></xenc:ReferenceList>';
  const ek = `<xenc:EncryptedKey Id="EK-1"><xenc:EncryptionMethod Algorithm="${opts.keyTransport ?? ALG_RSA_OAEP_MGF1P}">${opts.methodChildren ?? ''}</xenc:EncryptionMethod><ds:KeyInfo><wsse:SecurityTokenReference>${opts.keyInfo ?? thumbprintRef(gatewayCert)}</wsse:SecurityTokenReference></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData>${refList}</xenc:EncryptedKey>`;
  const header = target === 'header' ? `<wsse11:EncryptedHeader xmlns:wsse11="http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd" wsu:Id="EH-1">${ed}</wsse11:EncryptedHeader>` : '';
  const body = target === 'content' ? ed : target === 'element' ? `<clm:Outer>${ed}</clm:Outer>` : '<clm:Ping/>';
  return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:clm="${NS_CLM}" ${NSDECL}><soap:Header><wsse:Security>${ek}</wsse:Security>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export { NS_WSSE, NS_XENC };
