/**
 * Message building blocks for the conformance corpus generator: SOAP envelopes, a WS-Security
 * signer (exc-c14n from the gateway, rsa-sha256/sha256 with node:crypto, References by Id) and an
 * XML Encryption encryptor (RSA-OAEP to the gateway certificate, AES-GCM/CBC). Test-only keys.
 */
import { constants, createCipheriv, createDecipheriv, createHash, createPrivateKey, privateDecrypt, publicEncrypt, randomBytes, sign, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Element, Node } from '@xmldom/xmldom';
import { excC14n } from '../../../src/security/signature/exc-c14n.ts';
import { interopDir } from '../../support/interop.ts';

export const NS = {
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsse11: 'http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  clm: 'http://insurer.example/schemas/claims/2019/06',
  wsa: 'http://www.w3.org/2005/08/addressing',
} as const;

export const ALG = {
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  rsaOaep: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  rsa15: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5',
  aes256Cbc: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  aes256Gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
} as const;

const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const BASE64BIN = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
export const ACTION_BASE = 'http://insurer.example/ws/claims/2019/06/ClaimsPortType/';

export const certsDir = join(interopDir, 'certs');
export const casesDir = join(interopDir, 'cases');

export interface KeyPair {
  readonly key: KeyObject;
  readonly certDer: Buffer;
}

export function loadPair(name: string): KeyPair {
  const cert = new X509Certificate(readFileSync(join(certsDir, `${name}.pem`)));
  return { key: createPrivateKey(readFileSync(join(certsDir, `${name}.key`))), certDer: cert.raw };
}

export function gatewayCert(): X509Certificate {
  return new X509Certificate(readFileSync(join(certsDir, 'gateway.pem')));
}

export type SoapVersion = '1.1' | '1.2';
export type Operation = 'GetClaimStatus' | 'SubmitClaim' | 'ListPolicies';

export function soapNs(v: SoapVersion): string {
  return v === '1.1' ? NS.soap11 : NS.soap12;
}

export function endpointOf(v: SoapVersion): string {
  return v === '1.1' ? '/ClaimsService/soap11' : '/ClaimsService/soap12';
}

export function httpHeaders(v: SoapVersion, op: Operation): Record<string, string> {
  const action = `${ACTION_BASE}${op}Request`;
  return v === '1.1'
    ? { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${action}"` }
    : { 'Content-Type': `application/soap+xml; charset=utf-8; action="${action}"` };
}

export function isoPlus(iso: string, seconds: number): string {
  return new Date(new Date(iso).getTime() + seconds * 1000).toISOString();
}

export function getClaimStatus(marker: string, claimId = 'CLM-2026-004711'): string {
  return `<clm:GetClaimStatusRequest xmlns:clm="${NS.clm}"><clm:ClientRequestId>${marker}</clm:ClientRequestId><clm:ClaimId>${claimId}</clm:ClaimId><clm:IncludeHistory>true</clm:IncludeHistory></clm:GetClaimStatusRequest>`;
}

export function bst(pair: KeyPair, id = 'X509-1'): string {
  return `<wsse:BinarySecurityToken EncodingType="${BASE64BIN}" ValueType="${X509V3}" wsu:Id="${id}">${pair.certDer.toString('base64')}</wsse:BinarySecurityToken>`;
}

export function timestamp(created: string, id = 'TS-1', ttl = 300): string {
  return `<wsu:Timestamp wsu:Id="${id}"><wsu:Created>${created}</wsu:Created><wsu:Expires>${isoPlus(created, ttl)}</wsu:Expires></wsu:Timestamp>`;
}

/** PasswordDigest UsernameToken: base64(sha1(nonce + created + password)). */
export function usernameToken(nonce: Buffer, created: string, id = 'UT-1', user = 'broker-7731', password = 'Cl@ims-2019!interop'): string {
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created + password, 'utf8')])).digest('base64');
  return `<wsse:UsernameToken wsu:Id="${id}"><wsse:Username>${user}</wsse:Username><wsse:Password Type="${PASSWORD_DIGEST}">${digest}</wsse:Password><wsse:Nonce EncodingType="${BASE64BIN}">${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken>`;
}

/** The placeholder a signature replaces inside the Security header. */
export const SIG = '<!--SIG-->';

export interface EnvelopeParts {
  readonly version: SoapVersion;
  /** Children of the gateway's wsse:Security, in order (SIG marks where the signature goes). */
  readonly security: readonly string[];
  readonly headersBefore?: string;
  readonly headersAfter?: string;
  readonly bodyAttrs?: string;
  readonly body: string;
  readonly afterBody?: string;
}

export function envelope(p: EnvelopeParts): string {
  const mu = p.version === '1.1' ? '1' : 'true';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${soapNs(p.version)}"><soap:Header>${p.headersBefore ?? ''}` +
    `<wsse:Security xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}" soap:mustUnderstand="${mu}">${p.security.join('')}</wsse:Security>` +
    `${p.headersAfter ?? ''}</soap:Header><soap:Body ${p.bodyAttrs ?? `xmlns:wsu="${NS.wsu}" wsu:Id="Body-1"`}>${p.body}</soap:Body>${p.afterBody ?? ''}</soap:Envelope>`
  );
}

const ID_ATTRS: readonly (readonly [string | null, string])[] = [
  [NS.wsu, 'Id'],
  [null, 'Id'],
  [null, 'ID'],
  [null, 'AssertionID'],
  ['http://www.w3.org/XML/1998/namespace', 'id'],
];

/** The first element (document order) carrying `id` in any Id-like attribute. */
export function findById(root: Node, id: string): Element | undefined {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.nodeType === 1) {
      const el = n as Element;
      for (const [ns, local] of ID_ATTRS) {
        const v = ns === null ? (el.getAttributeNode(local)?.namespaceURI ? null : el.getAttribute(local)) : el.getAttributeNS(ns, local);
        if (v === id) return el;
      }
    }
    for (let c = n.lastChild; c !== null; c = c.previousSibling) stack.push(c);
  }
  return undefined;
}

export function parse(xml: string): Element {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  if (doc.documentElement === null) throw new Error('generator produced no document');
  return doc.documentElement;
}

export interface SignOptions {
  readonly refs: readonly string[];
  readonly pair: KeyPair;
  /** KeyInfo content; default: a wsse:Reference to the BST X509-1. */
  readonly keyInfo?: string;
  readonly digestMethod?: string;
  /** Digest values to write instead of the computed ones (by ref id), e.g. for a tampered value. */
  readonly digestOverride?: Readonly<Record<string, string>>;
  /** Extra ds:Signature children after KeyInfo (ds:Object...). */
  readonly trailer?: string;
}

export function digestOf(xml: string, id: string, hash: 'sha256' | 'sha1' = 'sha256'): string {
  const el = findById(parse(xml), id);
  if (el === undefined) throw new Error(`no element with Id ${id}`);
  return createHash(hash).update(excC14n(el), 'utf8').digest('base64');
}

export function reference(id: string, digest: string, digestMethod: string = ALG.sha256): string {
  return `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${ALG.excC14n}"/></ds:Transforms><ds:DigestMethod Algorithm="${digestMethod}"/><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`;
}

export function signedInfo(refs: string): string {
  return `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${ALG.excC14n}"/><ds:SignatureMethod Algorithm="${ALG.rsaSha256}"/>${refs}</ds:SignedInfo>`;
}

/** Signs `xml` (which holds SIG once): References by Id, exc-c14n, rsa-sha256. */
export function signMessage(xml: string, o: SignOptions): string {
  if (!xml.includes(SIG)) throw new Error('no signature placeholder');
  const dm = o.digestMethod ?? ALG.sha256;
  const hash = dm === ALG.sha1 ? 'sha1' : 'sha256';
  const refs = o.refs.map((id) => reference(id, o.digestOverride?.[id] ?? digestOf(xml, id, hash), dm)).join('');
  const keyInfo = o.keyInfo ?? `<wsse:SecurityTokenReference><wsse:Reference URI="#X509-1" ValueType="${X509V3}"/></wsse:SecurityTokenReference>`;
  const sigXml = `<ds:Signature xmlns:ds="${NS.ds}" Id="SIG-1">${signedInfo(refs)}<ds:SignatureValue>SIGVALUE</ds:SignatureValue><ds:KeyInfo>${keyInfo}</ds:KeyInfo>${o.trailer ?? ''}</ds:Signature>`;
  const withSig = xml.replace(SIG, sigXml);
  const si = parse(withSig).getElementsByTagNameNS(NS.ds, 'SignedInfo')[0];
  if (si === undefined) throw new Error('no SignedInfo');
  const value = sign('sha256', Buffer.from(excC14n(si), 'utf8'), { key: o.pair.key, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
  return withSig.replace('SIGVALUE', value);
}

export interface Encrypted {
  readonly encryptedKey: string;
  readonly encryptedData: string;
}

export interface EncryptOptions {
  readonly algorithm: typeof ALG.aes256Cbc | typeof ALG.aes256Gcm;
  readonly keyTransport?: typeof ALG.rsaOaep | typeof ALG.rsa15;
  /** GCM tag length in bytes (16 by the spec). */
  readonly tagLength?: number;
  /** EncryptedKey / EncryptedData Ids (default EK-1 / ED-1) and the EncryptedData Type (default Content). */
  readonly ids?: { readonly ek: string; readonly ed: string };
  readonly type?: 'Content' | 'Element';
}

export function aesEncrypt(alg: EncryptOptions['algorithm'], key: Buffer, plaintext: Buffer, tagLength = 16): Buffer {
  if (alg === ALG.aes256Gcm) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
    const body = Buffer.concat([c.update(plaintext), c.final()]);
    return Buffer.concat([iv, body, c.getAuthTag()]);
  }
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, c.update(plaintext), c.final()]);
}

/** Body content encryption to the gateway certificate (the structure of interop A07/A08). */
export function encryptContent(plaintext: string, o: EncryptOptions): Encrypted {
  const cek = randomBytes(32);
  const { ek, ed } = o.ids ?? { ek: 'EK-1', ed: 'ED-1' };
  const transport = o.keyTransport ?? ALG.rsaOaep;
  const gw = gatewayCert();
  const wrapped = publicEncrypt({ key: gw.publicKey, padding: transport === ALG.rsaOaep ? constants.RSA_PKCS1_OAEP_PADDING : constants.RSA_PKCS1_PADDING, oaepHash: 'sha1' }, cek);
  const cipher = aesEncrypt(o.algorithm, cek, Buffer.from(plaintext, 'utf8'), o.tagLength);
  const encryptedKey =
    `<xenc:EncryptedKey xmlns:xenc="${NS.xenc}" Id="${ek}"><xenc:EncryptionMethod Algorithm="${transport}"/><ds:KeyInfo xmlns:ds="${NS.ds}"><wsse:SecurityTokenReference>` +
    `<wsse:KeyIdentifier EncodingType="${BASE64BIN}" ValueType="${X509V3}">${gw.raw.toString('base64')}</wsse:KeyIdentifier></wsse:SecurityTokenReference></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData><xenc:ReferenceList><xenc:DataReference URI="#${ed}"/></xenc:ReferenceList></xenc:EncryptedKey>`;
  const encryptedData =
    `<xenc:EncryptedData xmlns:xenc="${NS.xenc}" Id="${ed}" Type="http://www.w3.org/2001/04/xmlenc#${o.type ?? 'Content'}"><xenc:EncryptionMethod Algorithm="${o.algorithm}"/>` +
    `<ds:KeyInfo xmlns:ds="${NS.ds}"><wsse:SecurityTokenReference xmlns:wsse="${NS.wsse}" xmlns:wsse11="${NS.wsse11}" wsse11:TokenType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey"><wsse:Reference URI="#${ek}"/></wsse:SecurityTokenReference></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${cipher.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`;
  return { encryptedKey, encryptedData };
}

/** Decrypts the Body of an interop sign-then-encrypt message with the gateway key (to reuse its plaintext). */
export function decryptInteropBody(xml: string): { cek: Buffer; plaintext: Buffer; algorithm: string } {
  const root = parse(xml);
  const gwKey = createPrivateKey(readFileSync(join(certsDir, 'gateway.key')));
  const ek = root.getElementsByTagNameNS(NS.xenc, 'EncryptedKey')[0];
  const ed = root.getElementsByTagNameNS(NS.xenc, 'EncryptedData')[0];
  if (ek === undefined || ed === undefined) throw new Error('not an encrypted message');
  const value = (el: Element): Buffer => Buffer.from(el.getElementsByTagNameNS(NS.xenc, 'CipherValue')[0]?.textContent ?? '', 'base64');
  const cek = privateDecrypt({ key: gwKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, value(ek));
  const algorithm = ed.getElementsByTagNameNS(NS.xenc, 'EncryptionMethod')[0]?.getAttribute('Algorithm') ?? '';
  const data = value(ed);
  if (algorithm === ALG.aes256Gcm) {
    const d = createDecipheriv('aes-256-gcm', cek, data.subarray(0, 12));
    d.setAuthTag(data.subarray(data.length - 16));
    return { cek, plaintext: Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]), algorithm };
  }
  const d = createDecipheriv('aes-256-cbc', cek, data.subarray(0, 16));
  d.setAutoPadding(false);
  const out = Buffer.concat([d.update(data.subarray(16)), d.final()]);
  return { cek, plaintext: out.subarray(0, out.length - (out[out.length - 1] ?? 0)), algorithm };
}
