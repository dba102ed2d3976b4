import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLSerializer } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import type { SamlConfig, ServiceConfig } from '../../../../src/config/types.ts';
import { GatewayError, type ErrorCode } from '../../../../src/errors.ts';
import { processSecurity } from '../../../../src/security/engine.ts';
import { compileSecurity, type SecurityRuntime } from '../../../../src/security/runtime.ts';
import { envelopedC14n } from '../../../../src/security/saml/signature.ts';
import { excC14n } from '../../../../src/security/signature/exc-c14n.ts';
import type { SecurityFacts } from '../../../../src/security/types.ts';
import { readEnvelope } from '../../../../src/soap/envelope.ts';
import { NS_DS, NS_SAML2, childElements } from '../../../../src/xml/ns.ts';
import { defaultXmlLimits, parseXml } from '../../../../src/xml/parse.ts';
import { noSecurity } from '../../../support/ports.ts';
import { caseBytes, INTEROP } from '../signature/helpers.ts';

export { caseBytes };
export const CERTS = join(INTEROP, 'certs');
export const IDP = 'https://sso.insurer.example/idp';
export const AUDIENCE = 'urn:insurer-example:wsgate:claims';
export const RECIPIENT = 'https://wsgate.insurer.example/ClaimsService';

/** The manifest clocks of the SAML cases. */
export const CLOCK = { A09: '2026-11-28T23:59:11.766Z', A14: '2026-11-28T23:59:12.634Z', A19: '2026-11-28T23:59:13.194Z', R33: '2026-11-28T23:59:13.923Z' } as const;

export const pem = (name: string): string => readFileSync(join(CERTS, name), 'utf8');

/** POLICY.md's claims security section (trust, skew 300 s, the pinned IdP). */
export function runtime(saml: Partial<SamlConfig> | null = {}): SecurityRuntime {
  const service = {
    file: join(CERTS, 'service.yaml'),
    limits: { maxBodyBytes: 1 << 20, ...defaultXmlLimits },
    security: {
      ...noSecurity,
      mode: 'enforce',
      trust: { anchors: [join(CERTS, 'root-ca.pem')], intermediates: [join(CERTS, 'issuing-ca.pem')], knownCertificates: [join(CERTS, 'client-rsa.pem'), join(CERTS, 'client-ec.pem')], crls: [] },
      timestamp: { requireExpires: true, futureSkewSeconds: 300, ttlSeconds: 900, expiresSkewSeconds: 300 },
      ...(saml === null
        ? {}
        : { saml: { issuers: [{ entityId: IDP, certificate: join(CERTS, 'idp.pem') }], audience: AUDIENCE, skewSeconds: 300, maxAgeSeconds: 1800, versions: ['2.0'], recipients: [RECIPIENT], senders: [], senderVouches: { requireSignedAssertion: false }, ...saml } }),
    },
  } as unknown as ServiceConfig;
  const problems: { message: string }[] = [];
  const rt = compileSecurity(service, problems as never, {});
  if (rt === undefined) throw new Error(problems.map((p) => p.message).join('; '));
  return rt;
}

export function parse(xml: string | Buffer): Document {
  return parseXml(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, 'utf-8', defaultXmlLimits).doc;
}

export const serialize = (doc: Document): string => new XMLSerializer().serializeToString(doc);

/** The message as the gateway would see it on the wire (serialized and parsed again), through the whole Security header. */
export async function run(doc: Document, clock: string, rt: SecurityRuntime = runtime()): Promise<SecurityFacts> {
  const again = parse(serialize(doc));
  const version = again.documentElement?.namespaceURI === 'http://www.w3.org/2003/05/soap-envelope' ? '1.2' : '1.1';
  return processSecurity(readEnvelope(again, version), undefined as never, rt, { now: () => new Date(clock) });
}

export async function codeOf(p: Promise<unknown>): Promise<ErrorCode | 'accepted'> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

export function assertionOf(doc: Document): Element {
  const a = doc.getElementsByTagNameNS(NS_SAML2, 'Assertion').item(0);
  if (a === null) throw new Error('no assertion');
  return a;
}

export function samlChild(parent: Element, local: string): Element {
  const found = parent.getElementsByTagNameNS(NS_SAML2, local).item(0);
  if (found === null) throw new Error(`no saml2:${local}`);
  return found;
}

export function setText(el: Element, text: string): void {
  while (el.firstChild !== null) el.removeChild(el.firstChild);
  el.appendChild((el.ownerDocument as Document).createTextNode(text));
}

function ds(parent: Element, local: string): Element {
  const found = parent.getElementsByTagNameNS(NS_DS, local).item(0);
  if (found === null) throw new Error(`no ds:${local}`);
  return found;
}

const b64 = (pemText: string): string => pemText.replace(/-----[^-]+-----/g, '').replace(/\s/g, '');

/**
 * Re-signs the assertion's own enveloped signature (rsa-sha256, sha256, exc-c14n) with `keyFile`,
 * as an IdP would after the edit; `certFile` replaces the certificate shown in its ds:KeyInfo.
 */
export function resign(assertion: Element, keyFile = 'idp.key', certFile?: string): void {
  const sig = childElements(assertion).find((e) => e.namespaceURI === NS_DS && e.localName === 'Signature');
  if (sig === undefined) throw new Error('no assertion signature');
  setText(ds(sig, 'DigestValue'), createHash('sha256').update(envelopedC14n(assertion, sig), 'utf8').digest('base64'));
  if (certFile !== undefined) setText(ds(sig, 'X509Certificate'), b64(pem(certFile)));
  const value = sign('sha256', Buffer.from(excC14n(ds(sig, 'SignedInfo')), 'utf8'), createPrivateKey(pem(keyFile)));
  setText(ds(sig, 'SignatureValue'), value.toString('base64'));
}
