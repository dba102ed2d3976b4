import { CLOCK, CREATED, accept, baseOf, client, interop, marker, reject, replaceOnce } from './case.ts';
import type { GenCase } from './case.ts';
import { ALG, NS, SIG, bst, getClaimStatus, decryptInteropBody, encryptContent, endpointOf, envelope, httpHeaders, signMessage, timestamp } from './wss.ts';
import type { EncryptOptions, SoapVersion } from './wss.ts';

const plainSubmit = decryptInteropBody(interop('A08').xml).plaintext.toString('utf8');

function submitClaim(id: string): string {
  return plainSubmit.replace(/<ns0:ClientRequestId>[^<]*<\/ns0:ClientRequestId>/, `<ns0:ClientRequestId>${marker(id)}</ns0:ClientRequestId>`);
}

function submitBase(v: SoapVersion): GenCase['expect'] {
  return { endpoint: endpointOf(v), httpHeaders: httpHeaders(v, 'SubmitClaim'), clock: CLOCK, expected: 'accept', codes: [], why: '' };
}

/** Encrypt-then-sign: the Signature (first in the header) covers the Body holding EncryptedData. */
function encryptThenSign(id: string, v: SoapVersion, o: EncryptOptions, refs: readonly string[] = ['Body-1', 'TS-1']): string {
  const enc = encryptContent(submitClaim(id), o);
  return signMessage(envelope({ version: v, security: [bst(client), SIG, enc.encryptedKey, timestamp(CREATED)], body: enc.encryptedData }), { refs, pair: client });
}

/** Sign-then-encrypt (WSS4J order): EncryptedKey first, the Signature covers the plaintext Body. */
function signThenEncrypt(id: string, v: SoapVersion, o: EncryptOptions): string {
  const plain = submitClaim(id);
  const signed = signMessage(envelope({ version: v, security: ['<!--EK-->', bst(client), SIG, timestamp(CREATED)], body: plain }), { refs: ['Body-1', 'TS-1'], pair: client });
  const enc = encryptContent(plain, o);
  return replaceOnce(replaceOnce(signed, '<!--EK-->', enc.encryptedKey), plain, enc.encryptedData);
}

/** Flips one byte of the (first) data CipherValue at `at` (negative: from the end). */
function flipCipherByte(xml: string, at: number): string {
  const re = /(<xenc:EncryptedData[\s\S]*?<xenc:CipherValue>)([^<]+)(<\/xenc:CipherValue>)/;
  const m = re.exec(xml);
  if (m === null) throw new Error('no EncryptedData CipherValue');
  const bytes = Buffer.from(m[2] ?? '', 'base64');
  const i = at < 0 ? bytes.length + at : at;
  bytes[i] = (bytes[i] ?? 0) ^ 0x01;
  return xml.replace(re, (_all, a: string, _b: string, c: string) => `${a}${bytes.toString('base64')}${c}`);
}

function valid(): GenCase[] {
  const b11 = submitBase('1.1');
  const b12 = submitBase('1.2');
  return [
    accept('valid', 'ok-03__encrypt-then-sign-aes256gcm-submitclaim-soap11', b11, marker('ok-03'), 'Encrypt-then-sign: Body content encrypted (AES-256-GCM, RSA-OAEP), then the Body (holding EncryptedData) and Timestamp signed; the Signature precedes the EncryptedKey, so document order verifies first and decrypts after.', encryptThenSign('ok-03', '1.1', { algorithm: ALG.aes256Gcm })),
    accept('valid', 'ok-04__encrypt-then-sign-aes256cbc-submitclaim-soap12', b12, marker('ok-04'), 'Encrypt-then-sign with AES-256-CBC (legacy opt-in on): the CBC ciphertext is inside the signed Body.', encryptThenSign('ok-04', '1.2', { algorithm: ALG.aes256Cbc })),
    accept('valid', 'ok-05__sign-then-encrypt-aes256gcm-submitclaim-soap12', b12, marker('ok-05'), 'Sign-then-encrypt built by this generator (the A07 structure, RSA key): EncryptedKey first, signature over the plaintext Body.', signThenEncrypt('ok-05', '1.2', { algorithm: ALG.aes256Gcm })),
  ];
}

function algorithms(): GenCase[] {
  const a07 = interop('A07');
  const a08 = interop('A08');
  const b11 = submitBase('1.1');
  const r = (name: string, base: Pick<GenCase['expect'], 'endpoint' | 'httpHeaders' | 'clock'>, codes: GenCase['expect']['codes'], why: string, xml: string, extra: Partial<GenCase['expect']> = {}): GenCase =>
    reject('alg', name, { endpoint: base.endpoint, httpHeaders: base.httpHeaders, clock: base.clock }, codes, why, xml, extra);
  const sha1 = signMessage(envelope({ version: '1.1', security: [bst(client), SIG, timestamp(CREATED)], body: `<clm:GetClaimStatusRequest xmlns:clm="${NS.clm}"><clm:ClientRequestId>${marker('alg-02')}</clm:ClientRequestId><clm:ClaimId>CLM-2026-004711</clm:ClaimId><clm:IncludeHistory>true</clm:IncludeHistory></clm:GetClaimStatusRequest>` }), { refs: ['Body-1', 'TS-1'], pair: client, digestMethod: ALG.sha1 });
  const note = encryptContent('<x:Note xmlns:x="urn:conformance:note">unsigned</x:Note>', { algorithm: ALG.aes256Cbc, ids: { ek: 'EK-2', ed: 'ED-2' }, type: 'Element' });
  const encHeader = `<wsse11:EncryptedHeader xmlns:wsse11="${NS.wsse11}" xmlns:wsu="${NS.wsu}" wsu:Id="EH-1">${note.encryptedData}</wsse11:EncryptedHeader>`;
  const unsignedCbcHeader = signMessage(envelope({ version: '1.1', security: [bst(client), SIG, note.encryptedKey, timestamp(CREATED)], headersAfter: encHeader, body: getClaimStatus(marker('alg-09')) }), { refs: ['Body-1', 'TS-1'], pair: client });
  const unsignedCbc = encryptThenSign('alg-06', '1.1', { algorithm: ALG.aes256Cbc }, ['TS-1']);
  return [
    r('alg-01__rsa-1_5-key-transport', b11, ['GW_ERR_SEC_UNSUPPORTED_ALGORITHM'], 'Sign-then-encrypt whose EncryptedKey uses RSA-1_5 (PKCS#1 v1.5, Bleichenbacher oracle): never accepted.', signThenEncrypt('alg-01', '1.1', { algorithm: ALG.aes256Gcm, keyTransport: ALG.rsa15 })),
    r('alg-02__sha1-reference-digests-without-opt-in', { ...b11, httpHeaders: httpHeaders('1.1', 'GetClaimStatus') }, ['GW_ERR_SEC_UNSUPPORTED_ALGORITHM'], 'Every Reference uses SHA-1 digests; the service has no `sha1` legacy opt-in.', sha1),
    r('alg-03__aes-cbc-without-legacy-opt-in', baseOf(a08.c), ['GW_ERR_SEC_UNSUPPORTED_ALGORITHM'], 'Interop A08 (valid AES-256-CBC) sent to a service configured with `legacy: []`.', a08.xml, { config: { legacy: [] } }),
    r('alg-04__cbc-ciphervalue-byte-flipped', baseOf(a08.c), ['GW_ERR_SEC_DECRYPTION_FAILED', 'GW_ERR_SEC_SIGNATURE_INVALID'], 'Interop A08 with one ciphertext byte flipped in the middle of the AES-CBC CipherValue (CBC is malleable: the signature over the plaintext must catch what decryption does not).', flipCipherByte(a08.xml, 200)),
    r('alg-05__cbc-ciphervalue-iv-byte-flipped', baseOf(a08.c), ['GW_ERR_SEC_DECRYPTION_FAILED', 'GW_ERR_SEC_SIGNATURE_INVALID'], 'Interop A08 with a bit of the CBC IV flipped: exactly one plaintext byte changes, in the operation element name.', flipCipherByte(a08.xml, 7)),
    r('alg-06__gcm-ciphervalue-byte-flipped', baseOf(a07.c), ['GW_ERR_SEC_DECRYPTION_FAILED'], 'Interop A07 with one ciphertext byte (not the tag) of the AES-GCM CipherValue flipped.', flipCipherByte(a07.xml, 100)),
    r('alg-07__unsigned-cbc-encrypteddata-body', b11, ['GW_ERR_POLICY_SIGNED_PARTS', 'GW_ERR_POLICY_ENCRYPTED_PARTS'], 'AES-CBC Body content that no signature covers (only the Timestamp is signed): CBC has no integrity of its own.', unsignedCbc),
    r('alg-08__gcm-truncated-96-bit-tag', b11, ['GW_ERR_SEC_DECRYPTION_FAILED'], 'Sign-then-encrypt with AES-256-GCM and a 12-byte (truncated) authentication tag: only the full 128-bit tag is accepted.', signThenEncrypt('alg-08', '1.1', { algorithm: ALG.aes256Gcm, tagLength: 12 })),
    r('alg-09__unsigned-cbc-encrypted-header', { ...b11, httpHeaders: httpHeaders('1.1', 'GetClaimStatus') }, ['GW_ERR_POLICY_ENCRYPTED_PARTS'], 'Body and Timestamp signed; a wsse11:EncryptedHeader holds AES-CBC data that no signature covers (CBC plaintext must lie inside a verified signature).', unsignedCbcHeader),
  ];
}

export function cryptoCases(): GenCase[] {
  return [...valid(), ...algorithms()];
}
