import { CLOCK, CREATED, baseOf, client, interop, marker, reject, signedGcs } from './case.ts';
import type { GenCase } from './case.ts';
import { NS, SIG, bst, endpointOf, envelope, getClaimStatus, httpHeaders, isoPlus, signMessage, timestamp, usernameToken } from './wss.ts';

const gcs = { endpoint: endpointOf('1.1'), httpHeaders: httpHeaders('1.1', 'GetClaimStatus'), clock: CLOCK };
const gcs12 = { endpoint: endpointOf('1.2'), httpHeaders: httpHeaders('1.2', 'GetClaimStatus'), clock: CLOCK };

function replay(): GenCase[] {
  const later = isoPlus(CLOCK, 5);
  const nonce = Buffer.from('conformance-nonce-0001');
  const canonical = nonce.toString('base64');
  // 22 bytes: base64 ends in "==" after a character whose low 4 bits are pad bits; set one of them.
  const respelled = `${canonical.slice(0, -3)}${String.fromCharCode(canonical.charCodeAt(canonical.length - 3) + 1)}==`;
  const respell = (xml: string): string => xml.replace(`>${canonical}</wsse:Nonce>`, `>${respelled}</wsse:Nonce>`);
  const withUt = (id: string, created: string, spell: (ut: string) => string = (ut) => ut): string =>
    signMessage(envelope({ version: '1.2', security: [bst(client), SIG, spell(usernameToken(nonce, created)), timestamp(created)], body: getClaimStatus(marker(id)) }), { refs: ['Body-1', 'TS-1', 'UT-1'], pair: client });
  const fresh = isoPlus(CLOCK, -1);
  const twoTs = signMessage(envelope({ version: '1.1', security: [bst(client), SIG, timestamp(CREATED), timestamp(CREATED, 'TS-2')], body: getClaimStatus(marker('replay-03')) }), { refs: ['Body-1', 'TS-1', 'TS-2'], pair: client });
  const unsignedBeside = signedGcs('replay-04', { security: [bst(client), SIG, timestamp(CREATED), timestamp(fresh, 'TS-2')] });
  const oldCreated = isoPlus(CLOCK, -3600);
  const unsignedFirst = signMessage(envelope({ version: '1.1', security: [bst(client), SIG, timestamp(fresh, 'TS-2'), timestamp(oldCreated)], body: getClaimStatus(marker('replay-05')) }), { refs: ['Body-1', 'TS-1'], pair: client });
  return [
    {
      area: 'replay',
      name: 'replay-01__identical-signed-message-sent-twice',
      expect: { ...gcs, expected: 'reject', codes: ['GW_ERR_SEC_REPLAY'], marker: marker('replay-01'), why: 'The same signed message twice, 5 s apart, to one gateway: the first is accepted, the second rejected (R-REPLAY).', sequence: [{ file: 'request.xml', expected: 'accept', clock: CLOCK }, { file: 'request.xml', expected: 'reject', clock: later }] },
      files: { 'request.xml': signedGcs('replay-01') },
    },
    {
      area: 'replay',
      name: 'replay-02__usernametoken-nonce-reused-under-a-new-signature',
      expect: { ...gcs12, expected: 'reject', codes: ['GW_ERR_SEC_REPLAY'], marker: marker('replay-02a'), why: 'Two different, validly signed messages (new Timestamp, new Body, new signature) carry the same UsernameToken nonce for broker-7731: the second is a nonce replay.', sequence: [{ file: 'request.xml', expected: 'accept', clock: CLOCK }, { file: 'step2.xml', expected: 'reject', clock: later }] },
      files: { 'request.xml': withUt('replay-02a', CREATED), 'step2.xml': withUt('replay-02b', isoPlus(CREATED, 5)) },
    },
    ecdsaMalleated(),
    {
      area: 'replay',
      name: 'replay-07__usernametoken-nonce-respelled-non-canonical-base64',
      expect: { ...gcs12, expected: 'reject', codes: ['GW_ERR_SEC_REPLAY', 'GW_ERR_SEC_AUTHENTICATION_FAILED'], marker: marker('replay-07a'), why: 'The second message reuses the first nonce bytes spelled with non-zero base64 pad bits (same bytes, different text), under a new signature: a cache keyed on the text would miss it.', sequence: [{ file: 'request.xml', expected: 'accept', clock: CLOCK }, { file: 'step2.xml', expected: 'reject', clock: later }] },
      files: { 'request.xml': withUt('replay-07a', CREATED), 'step2.xml': withUt('replay-07b', isoPlus(CREATED, 5), respell) },
    },
    reject('replay', 'replay-03__second-signed-timestamp-in-security-header', gcs, ['GW_ERR_SEC_TIMESTAMP_INVALID'], 'Two Timestamps in the Security header, both signed (BSP R3227: at most one).', twoTs),
    reject('replay', 'replay-04__unsigned-timestamp-beside-signed-one', gcs, ['GW_ERR_SEC_TIMESTAMP_INVALID'], 'A fresh unsigned Timestamp after the signed one (BSP R3227).', unsignedBeside),
    reject('replay', 'replay-05__unsigned-fresh-timestamp-before-expired-signed-one', gcs, ['GW_ERR_SEC_TIMESTAMP_INVALID', 'GW_ERR_SEC_TIMESTAMP_EXPIRED'], 'An hour-old signed Timestamp, with a fresh unsigned Timestamp placed before it so a first-match reader finds the fresh one.', unsignedFirst),
  ];
}

/** ECDSA signatures are malleable: (r, n - s) verifies as well as (r, s), with a different SignatureValue. */
function ecdsaMalleated(): GenCase {
  const { c, xml } = interop('A11');
  const m = /(SignatureValue>)([^<]+)(<)/.exec(xml);
  if (m === null) throw new Error('A11 has no SignatureValue');
  const raw = Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64');
  const n = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
  const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  const flipped = Buffer.concat([raw.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
  const step2 = xml.replace(m[0], `${m[1] ?? ''}${flipped.toString('base64')}${m[3] ?? ''}`);
  return {
    area: 'replay',
    name: 'replay-06__ecdsa-signature-malleated-s-to-n-minus-s',
    expect: { ...baseOf(c), expected: 'reject', codes: ['GW_ERR_SEC_REPLAY', 'GW_ERR_SEC_SIGNATURE_INVALID'], marker: c.marker, why: 'Interop A11 (zeep, ECDSA P-256) accepted once, then replayed 5 s later with its SignatureValue s replaced by n - s: still a valid signature over the same SignedInfo, but different bytes, so a replay cache keyed on the SignatureValue misses it.', sequence: [{ file: 'request.xml', expected: 'accept', clock: c.clock }, { file: 'step2.xml', expected: 'reject', clock: isoPlus(c.clock, 5) }],
      knownBug: 'the malleated copy is accepted and forwarded a second time: the replay key is Created + SHA-256(SignatureValue bytes), and ECDSA verification accepts both s and n - s (no low-s normalisation of the key, no cache key over SignedInfo)' },
    files: { 'request.xml': xml, 'step2.xml': step2 },
  };
}

const D = 'urn:conformance:dos';

function dos(): GenCase[] {
  const items = Array.from({ length: 200 }, (_, i) => `<d:Item xmlns:d="${D}" xmlns:wsu="${NS.wsu}" wsu:Id="R-${i}">${i}</d:Item>`).join('');
  const refs200 = signMessage(envelope({ version: '1.1', security: [bst(client), SIG, timestamp(CREATED)], headersAfter: items, body: getClaimStatus(marker('dos-01')) }), { refs: [...Array.from({ length: 198 }, (_, i) => `R-${i}`), 'Body-1', 'TS-1'], pair: client });
  const big = (n: number): string => `<d:Bulk xmlns:d="${D}">${'<d:e/>'.repeat(n)}</d:Bulk>`;
  const over = (id: string, n: number): string => {
    const body = getClaimStatus(marker(id)).replace('</clm:GetClaimStatusRequest>', `${big(n)}</clm:GetClaimStatusRequest>`);
    return signMessage(envelope({ version: '1.1', security: [bst(client), SIG, timestamp(CREATED)], body }), { refs: [...Array.from({ length: 29 }, () => 'Body-1'), 'TS-1'], pair: client });
  };
  return [
    reject('dos', 'dos-01__200-references', gcs, ['GW_ERR_SEC_SIGNATURE_MALFORMED'], 'A valid signature with 200 References (to 198 header items, the Body and the Timestamp): refused by counting, before any digest.', refs200),
    reject('dos', 'dos-02__30-references-over-20000-elements', gcs, ['GW_ERR_XML_LIMIT_NODES', 'GW_ERR_SEC_SIGNATURE_MALFORMED'], 'A valid signature whose 29 Body References each digest a Body of 20,000 elements (600,000 elements canonicalized by a naive verifier).', over('dos-02', 20_000)),
    reject('dos', 'dos-03__30-references-over-6000-elements-under-node-limit', gcs, ['GW_ERR_SEC_SIGNATURE_MALFORMED'], 'The same amplification kept under the node limit (6,000 elements): the Reference count limit must stop it.', over('dos-03', 6_000)),
  ];
}

export function replayDosCases(): GenCase[] {
  return [...replay(), ...dos()];
}
