/**
 * A real WS-Security client against the gateway: node-soap's WSSecurityCert (src/example/signed-client.ts,
 * the client of `npm start`'s banner), built from the gateway's published ?wsdl, signing with the
 * demo client key. The gateway runs in front of the example backend with the security section of
 * the repository's wsdl/policy-admin/service.yaml (trust anchor path made absolute).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startExampleBackend } from '../../src/example/backend.ts';
import type { ExampleBackend } from '../../src/example/backend.ts';
import { DEMO_GATEWAY_FILE, GATEWAY_PATHS, OPERATIONS, REPO_ROOT, SAMPLES_DIR } from '../../src/example/contract.ts';
import { prepareGateway } from '../../src/bootstrap.ts';
import { createSignedClient, describeFailure } from '../../src/example/signed-client.ts';
import type { SignedClient, SignedClientOptions } from '../../src/example/signed-client.ts';
import type { SoapVersion } from '../../src/example/soap-faults.ts';
import { demoSecuritySection, reserveFreePort, writeTempGatewayConfig } from '../../src/example/temp-gateway-config.ts';
import type { TempGatewayConfig } from '../../src/example/temp-gateway-config.ts';
import { startGateway } from '../../src/server.ts';

type RunningGateway = Awaited<ReturnType<typeof startGateway>>;
interface LogLine {
  readonly msg?: string;
  readonly correlationId?: string;
  readonly outcome?: string;
  readonly errorCode?: string;
  readonly reason?: string;
  readonly security?: { readonly signedElements?: readonly string[]; readonly signers?: readonly { readonly subject?: string }[] };
  readonly droppedHeaders?: readonly string[];
}

const GET_POLICY = OPERATIONS.find((o) => o.name === 'GetPolicy')?.action ?? '';
const SECEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const ENV_NS: Readonly<Record<SoapVersion, string>> = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' };
const REJECT_STATUS: Readonly<Record<SoapVersion, number>> = { '1.1': 500, '1.2': 400 };
const POLICY: Readonly<Record<SoapVersion, string>> = { '1.1': 'MTR-2026-000118', '1.2': 'HOM-2026-004471' };
const VERSIONS: readonly SoapVersion[] = ['1.1', '1.2'];

/**
 * GetPolicy arguments with a unique CorrelationId. node-soap's signature has no nonce and its
 * Timestamp has one-second resolution: two calls with the same Body within the same second carry the
 * same SignatureValue, and the gateway rightly refuses the second one as a replay (GW_ERR_SEC_REPLAY).
 */
const getPolicy = (version: SoapVersion) => ({ PolicyNumber: POLICY[version], Context: { Channel: 'Web', CorrelationId: `test-${randomUUID()}` } });

let backend: ExampleBackend;
let config: TempGatewayConfig;
let gateway: RunningGateway;
const logLines: LogLine[] = [];

beforeAll(async () => {
  backend = await startExampleBackend({ port: 0, quiet: true });
  // A real port: the published ?wsdl names the configured port (0 would be published as :0).
  config = await writeTempGatewayConfig({ backendUrl: backend.url, security: true, listenPort: await reserveFreePort() });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  gateway = await startGateway({ configFile: config.configFile, env: {}, logger: pino({ level: 'info' }, sink) });
});

afterAll(async () => {
  await gateway?.close();
  await backend?.close();
  await config?.remove();
});

beforeEach(() => {
  backend.requests.length = 0;
  logLines.length = 0;
});

const clientFor = (version: SoapVersion, extra: Partial<SignedClientOptions> = {}): Promise<SignedClient> => createSignedClient({ gatewayUrl: gateway.url, version, ...extra });

/** The gateway's log line of the exchange with this correlation id (the fault carries it). */
async function exchangeLog(correlationId: string): Promise<LogLine> {
  return vi.waitFor(() => {
    const line = logLines.find((l) => l.correlationId === correlationId && (l.msg === 'exchange' || l.msg === 'exchange rejected'));
    if (line === undefined) throw new Error(`no log line for ${correlationId}`);
    return line;
  });
}

async function lastExchangeLog(): Promise<LogLine> {
  return vi.waitFor(() => {
    const line = logLines.findLast((l) => l.msg === 'exchange' || l.msg === 'exchange rejected');
    if (line === undefined) throw new Error('no exchange logged');
    return line;
  });
}

function faultCorrelationId(body: string | undefined): string {
  const id = /<gw:correlationId>([^<]+)<\/gw:correlationId>/.exec(body ?? '')?.[1];
  if (id === undefined) throw new Error(`not a gateway fault: ${String(body).slice(0, 300)}`);
  return id;
}

/** Calls and expects a gateway rejection: the HTTP status, the generic public fault, and the logged reason. */
async function expectRejected(call: Promise<unknown>, version: SoapVersion): Promise<LogLine> {
  const err = await call.then(
    () => {
      throw new Error('the call was accepted');
    },
    (e: unknown) => e,
  );
  const f = describeFailure(err);
  expect(f.status).toBe(REJECT_STATUS[version]);
  expect(f.body).toContain(ENV_NS[version]);
  expect(f.body).toContain('<gw:code>GW_ERR_SEC_REJECTED</gw:code>');
  expect(f.body).toContain('Security requirements not met');
  const line = await exchangeLog(faultCorrelationId(f.body));
  expect(line.outcome).toBe('rejected');
  expect(backend.requests).toHaveLength(0);
  return line;
}

describe('the example service requires what wsdl/policy-admin/service.yaml says', () => {
  it("enforces the WSDL's own WS-SecurityPolicy (signed Body + Timestamp), anchored at the demo CA", () => {
    const security = demoSecuritySection();
    expect(security).toMatchObject({ mode: 'enforce' });
    expect(security['require']).toBeUndefined();
    expect(security['trust']).toEqual({ anchors: [join(REPO_ROOT, 'certs', 'demo-ca.pem')] });
    for (const port of prepareGateway(DEMO_GATEWAY_FILE, {}).services[0]?.ports ?? []) {
      const policy = port.policies.get('GetPolicy');
      expect(policy?.source.kind).toBe('wsdl');
      expect(policy?.alternatives[0]).toMatchObject({ signature: true, timestamp: true });
      expect(policy?.alternatives[0]?.signedParts).toEqual(expect.arrayContaining(['body', 'timestamp']));
    }
  });
});

describe.each(VERSIONS)('node-soap WSSecurityCert over SOAP %s', (version) => {
  it('GetPolicy signed by node-soap (example signer options): 200, forwarded without the Security header', async () => {
    const signed = await clientFor(version);
    expect(signed.endpoint).toBe(`${gateway.url}${GATEWAY_PATHS[version]}`);
    let status: number | undefined;
    signed.client.on('response', (_body: unknown, res: { status?: number } | undefined) => {
      status = res?.status;
    });
    const result = (await signed.call('GetPolicy', getPolicy(version))) as { Policy?: { PolicyNumber?: string } };
    expect(status).toBe(200);
    expect(result.Policy?.PolicyNumber).toBe(POLICY[version]);

    // What node-soap sent: a BinarySecurityToken, a Timestamp, a signature over Body and Timestamp.
    const sent = signed.client.lastRequest ?? '';
    expect(sent).toContain(`<wsse:Security xmlns:wsse="${SECEXT}"`);
    expect(sent).toContain('<wsse:BinarySecurityToken');
    expect(sent).toContain(`<Timestamp xmlns="${WSU}"`);
    expect(sent).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');

    // What the backend got: the verified Body, no wsse:Security.
    expect(backend.requests).toHaveLength(1);
    const forwarded = backend.requests[0]?.body ?? '';
    expect(forwarded).toContain(ENV_NS[version]);
    expect(forwarded).toContain(`>${POLICY[version]}</`);
    expect(forwarded).not.toContain(SECEXT);
    expect(forwarded).not.toContain('Security');
    expect(forwarded).not.toContain('Signature');

    const line = await lastExchangeLog();
    expect(line.outcome).toBe('forwarded');
    expect(line.security?.signedElements).toEqual([`{${ENV_NS[version]}}Body`, `{${WSU}}Timestamp`]);
    expect(line.security?.signers?.[0]?.subject).toContain('CN=wsgate demo client');
    expect(line.droppedHeaders).toEqual([`{${SECEXT}}Security`]);
  });

  it('the Body altered after signing: refused, nothing forwarded', async () => {
    const signed = await clientFor(version);
    // postProcess runs after WSSecurityCert signed the envelope: the change is not covered by the signature.
    const call = signed.call('GetPolicy', getPolicy(version), { postProcess: (xml) => xml.replace(`>${POLICY[version]}<`, '>TRV-2026-000031<') });
    const line = await expectRejected(call, version);
    expect(signed.client.lastRequest).toContain('>TRV-2026-000031<');
    expect(line.errorCode).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
    expect(line.reason).toMatch(/^digest of Reference #\S+ does not match$/);
  });

  it('the Timestamp altered after signing: refused', async () => {
    const signed = await clientFor(version);
    const call = signed.call('GetPolicy', getPolicy(version), { postProcess: (xml) => xml.replace(/<Expires>[^<]+<\/Expires>/, '<Expires>2099-01-01T00:00:00Z</Expires>') });
    const line = await expectRejected(call, version);
    expect(line.errorCode).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
  });

  it('signed by a certificate of another CA: refused', async () => {
    const signed = await clientFor(version, {
      keyPem: readFileSync(join(REPO_ROOT, 'certs', 'untrusted-client.key'), 'utf8'),
      certPem: readFileSync(join(REPO_ROOT, 'certs', 'untrusted-client.pem'), 'utf8'),
    });
    const line = await expectRejected(signed.call('GetPolicy', getPolicy(version)), version);
    expect(line.errorCode).toBe('GW_ERR_SEC_CERT_UNTRUSTED');
  });

  it('the same signed message sent again: refused as a replay', async () => {
    const signed = await clientFor(version);
    await signed.call('GetPolicy', getPolicy(version));
    const again = await fetch(`${gateway.url}${GATEWAY_PATHS[version]}`, {
      method: 'POST',
      headers: version === '1.1' ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${GET_POLICY}"` } : { 'content-type': `application/soap+xml; charset=utf-8; action="${GET_POLICY}"` },
      body: signed.client.lastRequest ?? '',
    });
    const body = await again.text();
    expect(again.status).toBe(REJECT_STATUS[version]);
    expect(backend.requests).toHaveLength(1);
    expect((await exchangeLog(faultCorrelationId(body))).errorCode).toBe('GW_ERR_SEC_REPLAY');
  });

  // node-soap's DEFAULT signatureTransformations are [enveloped-signature, exc-c14n] on every
  // Reference (Body, Timestamp). BSP R5423 allows enveloped-signature before the final exc-c14n;
  // it is a no-op because a Reference may never enclose its Signature.
  it('node-soap with its default transforms (enveloped-signature + exc-c14n) is accepted', async () => {
    const signed = await clientFor(version, { signer: { signatureTransformations: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'] } });
    await signed.call('GetPolicy', getPolicy(version));
    expect(backend.requests.at(-1)?.body).not.toContain('wsse:Security');
  });
});

describe.each(VERSIONS)('unsigned samples over SOAP %s', (version) => {
  it('GetPolicy sample without a Security header: refused, nothing forwarded', async () => {
    const file = `GetPolicy.${version === '1.1' ? 'soap11' : 'soap12'}.xml`;
    const res = await fetch(`${gateway.url}${GATEWAY_PATHS[version]}`, {
      method: 'POST',
      headers: version === '1.1' ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${GET_POLICY}"` } : { 'content-type': `application/soap+xml; charset=utf-8; action="${GET_POLICY}"` },
      body: readFileSync(join(SAMPLES_DIR, file)),
    });
    const body = await res.text();
    expect(res.status).toBe(REJECT_STATUS[version]);
    expect(body).toContain('<gw:code>GW_ERR_SEC_REJECTED</gw:code>');
    expect(backend.requests).toHaveLength(0);
    const line = await exchangeLog(faultCorrelationId(body));
    expect(line.errorCode).toBe('GW_ERR_SEC_HEADER_MISSING');
  });
});
