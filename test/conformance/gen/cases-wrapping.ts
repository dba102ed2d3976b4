import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interopDir } from '../../support/interop.ts';
import { CLOCK, CREATED, accept, baseOf, client, extract, interop, marker, reject, replaceOnce, signedGcs } from './case.ts';
import type { GenCase } from './case.ts';
import { ACTION_BASE, NS, SIG, bst, digestOf, endpointOf, envelope, getClaimStatus, httpHeaders, isoPlus, loadPair, signMessage, signedInfo, reference, timestamp } from './wss.ts';

const gcs = { endpoint: endpointOf('1.1'), httpHeaders: httpHeaders('1.1', 'GetClaimStatus'), clock: CLOCK };
const EVIL = `<ns0:GetClaimStatusRequest xmlns:ns0="${NS.clm}"><ns0:ClientRequestId>EVIL-0001</ns0:ClientRequestId><ns0:ClaimId>CLM-2026-999999</ns0:ClaimId><ns0:IncludeHistory>true</ns0:IncludeHistory></ns0:GetClaimStatusRequest>`;
const BODY = /<soap-env:Body [\s\S]*<\/soap-env:Body>/;

/** xsw: signature wrapping on the untouched WSS4J message A01 (its signature stays valid). */
function xsw(): GenCase[] {
  const { c, xml } = interop('A01');
  const base = baseOf(c);
  const signedBody = extract(xml, BODY);
  const evilBody = `<soap-env:Body>${EVIL}</soap-env:Body>`;
  const withEvil = replaceOnce(xml, BODY, evilBody);
  const ts = extract(xml, /<wsu:Timestamp [\s\S]*<\/wsu:Timestamp>/);
  const lateClock = isoPlus(c.clock, 7200);
  const fresh = `<wsu:Timestamp wsu:Id="TS-fresh"><wsu:Created>${lateClock}</wsu:Created><wsu:Expires>${isoPlus(lateClock, 300)}</wsu:Expires></wsu:Timestamp>`;
  const spoofAction = (x: string): string => x.replace(`${ACTION_BASE}GetClaimStatusRequest</wsa:Action>`, `${ACTION_BASE}ListPoliciesRequest</wsa:Action>`);
  const a08 = interop('A08');
  const a08Spoof = a08.xml.replace(`${ACTION_BASE}SubmitClaimRequest</wsa:Action>`, `${ACTION_BASE}GetClaimStatusRequest</wsa:Action>`);
  return [
    reject('xsw', 'xsw-01__signed-body-moved-into-header-wrapper', base, ['GW_ERR_POLICY_SIGNED_PARTS'], "The signed Body sits in an unknown header block; an evil Body replaces it. The signature verifies, but not over the Envelope's own Body.",
      replaceOnce(withEvil, '</soap-env:Header>', `<w:Wrapper xmlns:w="urn:evil:wrapper">${signedBody}</w:Wrapper></soap-env:Header>`)),
    reject('xsw', 'xsw-02__signed-body-moved-into-other-role-security-header', base, ['GW_ERR_POLICY_SIGNED_PARTS'], 'The signed Body is moved into a wsse:Security header for another actor (never processed); an evil Body replaces it.',
      replaceOnce(withEvil, '</soap-env:Header>', `<wsse:Security xmlns:wsse="${NS.wsse}" soap-env:actor="urn:other:actor">${signedBody}</wsse:Security></soap-env:Header>`)),
    reject('xsw', 'xsw-03__signed-body-in-signature-ds-object', base, ['GW_ERR_SEC_SIGNATURE_MALFORMED', 'GW_ERR_POLICY_SIGNED_PARTS'], 'The signed Body is hidden in a ds:Object of the Signature; an evil Body replaces it.',
      replaceOnce(withEvil, '</ds:KeyInfo>', `</ds:KeyInfo><ds:Object>${signedBody}</ds:Object>`)),
    reject('xsw', 'xsw-04__signed-body-nested-inside-evil-body-operation', base, ['GW_ERR_POLICY_SIGNED_PARTS'], 'The signed Body is nested inside the operation element of an evil Body (the Body still holds one element).',
      replaceOnce(xml, BODY, `<soap-env:Body>${EVIL.replace('</ns0:GetClaimStatusRequest>', `${signedBody}</ns0:GetClaimStatusRequest>`)}</soap-env:Body>`)),
    reject('xsw', 'xsw-05__two-bodies-evil-first', base, ['GW_ERR_SOAP_ENVELOPE_SHAPE'], 'Two Bodies: the evil one first (what a first-match reader forwards), the signed one after it.', replaceOnce(xml, BODY, `${evilBody}${signedBody}`)),
    reject('xsw', 'xsw-06__two-bodies-signed-first', base, ['GW_ERR_SOAP_ENVELOPE_SHAPE'], 'Two Bodies: the signed one first, the evil one after it (what a last-match reader forwards).', replaceOnce(xml, BODY, `${signedBody}${evilBody}`)),
    reject('xsw', 'xsw-07__signed-timestamp-moved-to-wrapper-fresh-unsigned-timestamp', { ...base, clock: lateClock }, ['GW_ERR_POLICY_SIGNED_PARTS'],
      'Two hours later the signed (now expired) Timestamp is moved into a wrapper header and an unsigned fresh Timestamp takes its place in the Security header: freshness must come from the signed Timestamp.',
      replaceOnce(replaceOnce(xml, ts, fresh), '</soap-env:Header>', `<w:Wrapper xmlns:w="urn:evil:wrapper" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">${ts}</w:Wrapper></soap-env:Header>`)),
    reject('xsw', 'xsw-08__soapaction-names-listpolicies-signed-body-is-getclaimstatus', { ...base, httpHeaders: { ...base.httpHeaders, SOAPAction: `"${ACTION_BASE}ListPoliciesRequest"` } }, ['GW_ERR_SOAP_ACTION_MISMATCH'],
      'Operation spoofing: SOAPAction and the (unsigned) wsa:Action name ListPolicies while the signed Body is a GetClaimStatusRequest.', spoofAction(xml)),
    reject('xsw', 'xsw-09__action-names-getclaimstatus-encrypted-body-is-submitclaim', { ...baseOf(a08.c), httpHeaders: httpHeaders('1.2', 'GetClaimStatus') }, ['GW_ERR_SOAP_ACTION_MISMATCH'],
      'Operation spoofing on an encrypted Body: the action names GetClaimStatus (no encryption required) while the decrypted, signed Body is a SubmitClaimRequest.', a08Spoof),
  ];
}

const DECOY_NS = 'urn:conformance:decoy';

/** id: a duplicate Id value on an unsigned decoy header, for each Id-like attribute kind. */
function duplicateIds(): GenCase[] {
  const kinds: readonly (readonly [string, string, string])[] = [
    ['id-01__wsu-id-of-signed-body-repeated-on-decoy', `xmlns:wsu="${NS.wsu}" wsu:Id="Body-1"`, 'wsu:Id'],
    ['id-02__unqualified-Id-of-signed-body-repeated-on-decoy', 'Id="Body-1"', 'Id'],
    ['id-03__unqualified-ID-of-signed-body-repeated-on-decoy', 'ID="Body-1"', 'ID'],
    ['id-04__AssertionID-of-signed-body-repeated-on-decoy', 'AssertionID="Body-1"', 'AssertionID'],
    ['id-05__xml-id-of-signed-body-repeated-on-decoy', 'xml:id="Body-1"', 'xml:id'],
  ];
  const out: GenCase[] = kinds.map(([name, attrs, kind]) => {
    const id = name.slice(0, 5);
    const signed = signedGcs(id, { bodyAttrs: attrs });
    const decoy = `<d:Decoy xmlns:d="${DECOY_NS}" ${attrs}>${EVIL}</d:Decoy>`;
    return reject('id', name, gcs, ['GW_ERR_SEC_DUPLICATE_ID'], `The Body is signed by a Reference to its ${kind}; an unsigned decoy header carries the same ${kind} value (R-UNIQUE-IDS).`, replaceOnce(signed, '</soap:Header>', `${decoy}</soap:Header>`));
  });
  const signed = signedGcs('id-06');
  out.push(
    reject('id', 'id-06__wsu-id-of-signed-body-repeated-as-xml-id-on-decoy', gcs, ['GW_ERR_SEC_DUPLICATE_ID'], 'Cross-kind duplicate: the Body has wsu:Id="Body-1", an unsigned decoy has xml:id="Body-1".',
      replaceOnce(signed, '</soap:Header>', `<d:Decoy xmlns:d="${DECOY_NS}" xml:id="Body-1">${EVIL}</d:Decoy></soap:Header>`)),
    reject('id', 'id-07__timestamp-id-repeated-on-decoy-timestamp-before-security', gcs, ['GW_ERR_SEC_DUPLICATE_ID'], 'An unsigned Timestamp in a decoy header, placed before the Security header, reuses the signed Timestamp Id TS-1.',
      replaceOnce(signed, '<soap:Header>', `<soap:Header><d:Decoy xmlns:d="${DECOY_NS}" xmlns:wsu="${NS.wsu}">${timestamp(CREATED)}</d:Decoy>`)),
    reject('id', 'id-08__bst-id-repeated-on-decoy-bst-with-untrusted-cert', gcs, ['GW_ERR_SEC_DUPLICATE_ID'], 'A decoy header holds a BinarySecurityToken with an untrusted certificate under the same wsu:Id as the signing token (token confusion).',
      replaceOnce(signed, '</soap:Header>', `<d:Decoy xmlns:d="${DECOY_NS}" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">${bst(loadPair('untrusted'))}</d:Decoy></soap:Header>`)),
  );
  return out;
}

/** xml: parser and canonicalization tricks. */
function parserTricks(): GenCase[] {
  const pi = replaceOnce(signedGcs('xml-01', { body: getClaimStatus(marker('xml-01'), 'CLM-2026-0047110') }), 'CLM-2026-0047110', 'CLM-2026-004711<?x 0?>');
  const nl = signedGcs('xml-02', { body: getClaimStatus(marker('xml-02'), 'CLM-2026-004711\nCLM-2026-000001') });
  const nl3 = signedGcs('xml-03', { body: getClaimStatus(marker('xml-03'), 'CLM-2026-004711\nCLM-2026-000001') });
  const { c, xml } = interop('A01');
  const tampered = xml.replace('CLM-2026-004711', 'CLM-2026-999999');
  const bodyId = /wsu:Id="(id-[0-9A-F]+)"/.exec(extract(xml, BODY))?.[1] ?? '';
  const origBodyDigest = /<ds:Reference URI="#id-[^"]+">[\s\S]*?<ds:DigestValue>([^<]+)<\/ds:DigestValue>/.exec(xml)?.[1] ?? '';
  const newDigest = digestOf(tampered, bodyId);
  const comment = replaceOnce(tampered, `<ds:DigestValue>${origBodyDigest}</ds:DigestValue>`, `<ds:DigestValue><!--${newDigest}-->${origBodyDigest}</ds:DigestValue>`);
  const evilSignedInfo = signedInfo(reference(bodyId, newDigest));
  const twoSi = replaceOnce(tampered, '</ds:SignedInfo>', `</ds:SignedInfo>${evilSignedInfo}`);
  return [
    reject('xml', 'xml-01__processing-instruction-inside-signed-claimid', gcs, ['GW_ERR_XML_PROCESSING_INSTRUCTION'], 'Signed ClaimId "CLM-2026-0047110" becomes "CLM-2026-004711<?x 0?>": a canonicalizer that renders a PI as its data keeps the digest, the backend reads another claim.', pi),
    reject('xml', 'xml-02__nel-substituted-for-newline-in-signed-text', gcs, ['GW_ERR_XML_FORBIDDEN_CHARACTER'], 'The signed text held a line feed; it is replaced by U+0085 (NEL), which XML 1.1 line-end handling turns back into a line feed.', nl.replace('CLM-2026-004711\nCLM', 'CLM-2026-004711\u0085CLM')),
    reject('xml', 'xml-03__ls-substituted-for-newline-in-signed-text', gcs, ['GW_ERR_XML_FORBIDDEN_CHARACTER'], 'The signed text held a line feed; it is replaced by U+2028 (LS).', nl3.replace('CLM-2026-004711\nCLM', 'CLM-2026-004711\u2028CLM')),
    reject('xml', 'xml-04__comment-in-digestvalue-cve-2025-29775', baseOf(c), ['GW_ERR_XML_COMMENT', 'GW_ERR_SEC_SIGNATURE_MALFORMED'], 'A01 with a tampered Body; its DigestValue starts with a comment holding the tampered digest (a verifier reading firstChild.data compares against the comment while SignedInfo still canonicalizes to the original).', comment),
    reject('xml', 'xml-05__second-signedinfo-cve-2025-29774', baseOf(c), ['GW_ERR_SEC_SIGNATURE_MALFORMED'], 'A01 with a tampered Body and a second SignedInfo referencing it (a verifier that checks the SignatureValue over one SignedInfo and the References of the other accepts).', twoSi),
  ];
}

function copyInterop(id: string): string {
  const dir = readdirSync(join(interopDir, 'cases')).find((d) => d.startsWith(`${id}__`)) ?? '';
  return readFileSync(join(interopDir, 'cases', dir, 'request.xml'), 'utf8');
}

/** trust: keys and certificates the gateway must not trust. */
function trust(): GenCase[] {
  const rogue = loadPair('rogue-ca');
  const selfSigned = signMessage(envelope({ version: '1.1', security: [bst(rogue), SIG, timestamp(CREATED)], body: getClaimStatus(marker('trust-01')) }), { refs: ['Body-1', 'TS-1'], pair: rogue });
  const mallory = loadPair('untrusted');
  const jwk = mallory.key.export({ format: 'jwk' });
  const b64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64url').toString('base64');
  const keyValue = signMessage(envelope({ version: '1.1', security: [SIG, timestamp(CREATED)], body: getClaimStatus(marker('trust-02')) }), {
    refs: ['Body-1', 'TS-1'],
    pair: mallory,
    keyInfo: `<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>${b64(jwk.n)}</ds:Modulus><ds:Exponent>${b64(jwk.e)}</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>`,
  });
  const thumb = createHash('sha1').update(client.certDer).digest('base64');
  const wrongKey = signMessage(envelope({ version: '1.1', security: [SIG, timestamp(CREATED)], body: getClaimStatus(marker('trust-03')) }), {
    refs: ['Body-1', 'TS-1'],
    pair: mallory,
    keyInfo: `<wsse:SecurityTokenReference><wsse:KeyIdentifier EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary" ValueType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1">${thumb}</wsse:KeyIdentifier></wsse:SecurityTokenReference>`,
  });
  const copies: readonly (readonly [string, string, GenCase['expect']['codes'], string])[] = [
    ['R03', 'trust-04__bst-cert-issued-by-rogue-ca', ['GW_ERR_SEC_CERT_UNTRUSTED'], 'Copy of interop R03: the BST certificate chains to a rogue root.'],
    ['R04', 'trust-05__bst-cert-issued-by-non-ca-client-cert', ['GW_ERR_SEC_CERT_UNTRUSTED'], 'Copy of interop R04: the certificate is "issued" by the CA:FALSE client certificate.'],
    ['R05', 'trust-06__expired-cert-x509-keyidentifier', ['GW_ERR_SEC_CERT_EXPIRED'], 'Copy of interop R05: issued by the trusted CA, expired 2023-01-01.'],
    ['R06', 'trust-07__cert-not-yet-valid', ['GW_ERR_SEC_CERT_EXPIRED'], 'Copy of interop R06: issued by the trusted CA, valid only from 2040-01-01.'],
  ];
  return [
    reject('trust', 'trust-01__self-signed-cert-in-bst-signed-by-its-own-key', gcs, ['GW_ERR_SEC_CERT_UNTRUSTED'], 'CVE-2024-32962 style: the message carries a self-signed certificate and is signed by its key. A key from the message is never trusted by itself.', selfSigned),
    reject('trust', 'trust-02__raw-rsa-keyvalue-in-keyinfo', gcs, ['GW_ERR_SEC_TOKEN_UNRESOLVED', 'GW_ERR_SEC_TOKEN_INVALID'], 'KeyInfo carries a bare ds:KeyValue (the attacker\'s RSA key) instead of a token reference; the signature verifies under it.', keyValue),
    reject('trust', 'trust-03__thumbprint-of-trusted-cert-but-signed-by-other-key', gcs, ['GW_ERR_SEC_SIGNATURE_INVALID'], 'KeyInfo names the trusted client certificate by thumbprint, but the message was signed with another key.', wrongKey),
    ...copies.map(([id, name, codes, why]) => reject('trust', name, baseOf(interop(id).c), codes, why, copyInterop(id))),
  ];
}

/** valid: re-signed messages the gateway must accept (they also prove the generator's signer). */
function valid(): GenCase[] {
  return [
    accept('valid', 'ok-01__resigned-getclaimstatus-bst-soap11', gcs, marker('ok-01'), 'A GetClaimStatus signed by this generator (BST direct reference, Body + Timestamp, exc-c14n, rsa-sha256, sha256).', signedGcs('ok-01')),
    accept('valid', 'ok-02__resigned-getclaimstatus-unqualified-Id-body-reference', gcs, marker('ok-02'), 'The Body is referenced through an unqualified Id attribute (an Id form the gateway indexes), no duplicate anywhere.', signedGcs('ok-02', { bodyAttrs: 'Id="Body-1"' })),
  ];
}

export function wrappingCases(): GenCase[] {
  return [...valid(), ...xsw(), ...duplicateIds(), ...parserTricks(), ...trust()];
}
