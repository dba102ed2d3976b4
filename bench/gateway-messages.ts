/**
 * Distinct signed requests for bench/gateway.ts: the structure of the anchors' signed-1k.xml
 * (BinarySecurityToken + wsu:Timestamp + ds:Signature over the Body and the Timestamp, exc-c14n,
 * SHA-256 digests, RSA-SHA256 with an RSA-2048 key, KeyInfo = SecurityTokenReference to the BST;
 * SubmitOrder Body with three order lines), each with its own wsu:Ids, OrderId and Created, so the
 * gateway's replay detection (keyed on the canonical SignedInfo) sees a new message every time.
 * One message per line (no line breaks inside: the wrk script reads the file line by line).
 *
 * The anchors ship only the client certificate, not its key, so the messages are signed with a
 * TEST-ONLY key + self-signed certificate of our own in bench/fixtures/gateway/ (made with openssl
 * on first use); the gateway trusts that certificate as its anchor.
 *
 * RSA-2048 rather than a cheaper-to-sign EC key: the gateway's verify cost must be the one of
 * signed-1k.xml (RSA-2048 verify ≈ 23 µs here, ECDSA P-256 verify ≈ 92 µs, a ~15% bias on a
 * ~450 µs request). Signing (~0.4 ms each) runs in worker threads before any measurement.
 *
 *   node --import tsx bench/gateway-messages.ts OUT COUNT   (CLI, for a look at the output)
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createSign, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Element } from '@xmldom/xmldom';
import { excC14n } from '../src/security/signature/exc-c14n.ts';
import { defaultXmlLimits, parseXmlText } from '../src/xml/parse.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const KEY_DIR = join(here, 'fixtures', 'gateway');
export const CLIENT_KEY = join(KEY_DIR, 'client.key.pem');
export const CLIENT_CERT = join(KEY_DIR, 'client.cert.pem');

const NS = {
  soapenv: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** Creates the TEST-ONLY client key and self-signed certificate if they are missing. */
export function ensureClientKey(): void {
  if (existsSync(CLIENT_KEY) && existsSync(CLIENT_CERT)) return;
  mkdirSync(KEY_DIR, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', '/C=DE/O=wsgate-bench/CN=bench-client', '-keyout', CLIENT_KEY, '-out', CLIENT_CERT], { stdio: 'ignore' });
}

const LINES = [
  { sku: 'SKU-703849', qty: 16, price: '373.86', text: 'golf zulu whiskey echo bracket kilo valve carton india oscar' },
  { sku: 'SKU-024424', qty: 49, price: '854.68', text: 'mike xray oscar bracket lima charlie washer juliett bracket pallet mike' },
  { sku: 'SKU-666941', qty: 17, price: '299.66', text: 'november valve lima golf quebec kilo sierra foxtrot alpha uniform bravo' },
];

function body(bodyId: string, orderNo: number): string {
  const lines = LINES.map((l, i) => `<ord:Line no="${i + 1}"><ord:Sku>${l.sku}</ord:Sku><ord:Qty>${l.qty}</ord:Qty><ord:Price currency="EUR">${l.price}</ord:Price><ord:Description>${l.text}</ord:Description></ord:Line>`).join(' ');
  return (
    `<soapenv:Body xmlns:wsu="${NS.wsu}" wsu:Id="${bodyId}"><ord:SubmitOrder xmlns:ord="urn:example:orders:v1">` +
    `<ord:OrderId>ORD-${String(orderNo).padStart(8, '0')}</ord:OrderId><ord:Customer id="C-1042"><ord:Name>Muster &amp; Sohn GmbH</ord:Name><ord:Country>DE</ord:Country></ord:Customer>` +
    `<ord:Lines> ${lines}</ord:Lines></ord:SubmitOrder></soapenv:Body>`
  );
}

function signedInfo(bodyId: string, bodyDigest: string, tsId: string, tsDigest: string): string {
  const ref = (id: string, digest: string): string =>
    `<Reference URI="#${id}"><Transforms><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></Transform></Transforms>` +
    `<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod><DigestValue>${digest}</DigestValue></Reference>`;
  return (
    `<SignedInfo xmlns="${NS.ds}"><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></SignatureMethod>${ref(bodyId, bodyDigest)}${ref(tsId, tsDigest)}</SignedInfo>`
  );
}

function envelope(parts: { tsId: string; created: string; expires: string; bstId: string; bst: string; sig: string; body: string }): string {
  return (
    `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="${NS.soapenv}"><soapenv:Header>` +
    `<wsse:Security xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}" soapenv:mustUnderstand="1">` +
    `<wsu:Timestamp wsu:Id="${parts.tsId}"><wsu:Created>${parts.created}</wsu:Created><wsu:Expires>${parts.expires}</wsu:Expires></wsu:Timestamp>` +
    `<wsse:BinarySecurityToken ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary" wsu:Id="${parts.bstId}">${parts.bst}</wsse:BinarySecurityToken>` +
    `${parts.sig}</wsse:Security></soapenv:Header>${parts.body}</soapenv:Envelope>`
  );
}

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64');

let c14nChecked = false;

/** One signed message; `createdMs` is its wsu:Created, Expires = Created + `lifetimeSeconds`. */
export function signMessage(key: KeyObject, bstBase64: string, orderNo: number, createdMs: number, lifetimeSeconds: number): string {
  const tsId = `TS-${randomUUID()}`;
  const bstId = `id-${randomUUID()}`;
  const bodyId = `Body-${randomUUID()}`;
  const created = new Date(createdMs).toISOString();
  const expires = new Date(createdMs + lifetimeSeconds * 1000).toISOString();
  const b = body(bodyId, orderNo);
  // The Body, the Timestamp and SignedInfo are written in exc-c14n form already (namespace
  // declarations first and sorted, attributes sorted, no empty-element tags, only the namespaces each
  // part visibly uses): their text is what the verifier canonicalizes them to. The first message
  // of each thread checks that against the gateway's own excC14n.
  const bodyC14n = b.replace('<soapenv:Body ', `<soapenv:Body xmlns:soapenv="${NS.soapenv}" `);
  const tsC14n = `<wsu:Timestamp xmlns:wsu="${NS.wsu}" wsu:Id="${tsId}"><wsu:Created>${created}</wsu:Created><wsu:Expires>${expires}</wsu:Expires></wsu:Timestamp>`;
  const si = signedInfo(bodyId, sha256(bodyC14n), tsId, sha256(tsC14n));
  if (!c14nChecked) {
    for (const part of [bodyC14n, tsC14n, si]) {
      if (excC14n(parseXmlText(part, defaultXmlLimits).doc.documentElement as Element) !== part) throw new Error(`not in exc-c14n form: ${part.slice(0, 80)}…`);
    }
    c14nChecked = true;
  }
  const value = createSign('sha256').update(si, 'utf8').sign(key, 'base64');
  const sig =
    `<Signature xmlns="${NS.ds}">${si}<SignatureValue>${value}</SignatureValue><KeyInfo><wsse:SecurityTokenReference>` +
    `<wsse:Reference ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" URI="#${bstId}"/></wsse:SecurityTokenReference></KeyInfo></Signature>`;
  return envelope({ tsId, created, expires, bstId, bst: bstBase64, sig, body: b });
}

function bstOf(certPem: string): string {
  return certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

interface Job {
  readonly from: number;
  readonly count: number;
  readonly createdMs: number;
  readonly lifetimeSeconds: number;
}

if (!isMainThread && (workerData as { gatewayMessages?: boolean } | undefined)?.gatewayMessages === true) {
  const key = createPrivateKey(readFileSync(CLIENT_KEY, 'utf8'));
  const bst = bstOf(readFileSync(CLIENT_CERT, 'utf8'));
  parentPort?.on('message', (job: Job) => {
    const out: string[] = [];
    for (let i = 0; i < job.count; i++) out.push(signMessage(key, bst, job.from + i, job.createdMs, job.lifetimeSeconds));
    parentPort?.postMessage(out.join('\n') + '\n');
  });
}

/**
 * Appends `count` distinct signed messages (order numbers from `firstOrderNo`) to `file`, signed in
 * `threads` worker threads; Created = now for all of them (the Ids and OrderId make them distinct).
 * Resolves with the generation time in seconds.
 */
export async function generateMessages(file: string, firstOrderNo: number, count: number, lifetimeSeconds: number, threads = Math.max(1, cpus().length)): Promise<number> {
  ensureClientKey();
  const t0 = performance.now();
  const createdMs = Date.now();
  const chunk = 500;
  const jobs: Job[] = [];
  for (let from = 0; from < count; from += chunk) jobs.push({ from: firstOrderNo + from, count: Math.min(chunk, count - from), createdMs, lifetimeSeconds });
  const results: string[] = new Array<string>(jobs.length);
  let next = 0;
  const workers: Worker[] = [];
  const runOne = async (): Promise<void> => {
    // Node 20 does not hand the main thread's tsx loader to workers: the worker registers it first.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const w = new Worker(boot, { eval: true, workerData: { gatewayMessages: true } });
    workers.push(w);
    const failed = new Promise<never>((_, reject) => {
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`signing worker exited (${code})`)));
    });
    while (next < jobs.length) {
      const i = next++;
      const done = new Promise<string>((resolve) => w.once('message', (m: string) => resolve(m)));
      w.postMessage(jobs[i]);
      results[i] = await Promise.race([done, failed]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, runOne));
  } finally {
    await Promise.all(workers.map((w) => { w.removeAllListeners('exit'); return w.terminate(); }));
  }
  const out = createWriteStream(file, { flags: 'a' });
  for (const r of results) out.write(r);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return (performance.now() - t0) / 1000;
}

if (isMainThread && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, count] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: gateway-messages.ts OUT COUNT');
  const secs = await generateMessages(file, 1, Number(count ?? 10), 600);
  console.log(`${count ?? 10} messages in ${secs.toFixed(2)} s -> ${file}`);
}
