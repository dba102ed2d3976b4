/**
 * The processes under test for bench/gateway.ts, each a Node.js process of its own, started under
 * `taskset -c CPUS` (taskset execs node, so the pid we hold is the server's):
 *   node --import tsx bench/gateway-servers.ts backend
 *   node --import tsx bench/gateway-servers.ts gateway <gateway.yaml>   (from writeOrdersConfig)
 * A child reports `{ url, path }` over IPC once listening and exits on SIGTERM or when its parent
 * goes away (IPC channel closed), so nothing outlives the benchmark.
 *
 * backend: node:http, reads the request and answers a fixed ~350-byte SubmitOrderResponse (no XML
 * work): the reference the gateway is compared with, as cheap as the anchors' echo backend.
 * gateway: startGateway on a temporary config: a minimal orders WSDL (SubmitOrder, document/literal,
 * SOAP 1.1) and a service with security `off` (wsse:Security listed in passThroughHeaders so the
 * same signed messages pass the mustUnderstand check and are forwarded byte for byte) or `enforce`
 * (signed Body + Timestamp required, trust anchor = the bench client certificate, Timestamp TTL 900 s).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { startGateway } from '../src/server.ts';

export const ORDERS_PATH = '/orders/soap11';
export const BACKEND_PATH = '/backend/orders';
export const SUBMIT_ORDER_ACTION = 'urn:example:orders:v1/SubmitOrder';
const WSSE_SECURITY = '{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}Security';

/** The service's `audit.mode`; `off` also switches the gateway's trail off (`audit.sink: off`). */
export type AuditMode = 'required' | 'best-effort' | 'off';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a child pinned to `cpus` (a taskset list, or undefined: not pinned); output goes to `logFile`.
 * `nodeOptions` are added to its Node.js flags (e.g. `--cpu-prof`: the profile is written when it exits on SIGTERM).
 */
export function startServerProcess(args: readonly string[], logFile: string, cpus: string | undefined, nodeOptions: readonly string[] = []): Promise<ServerProcess> {
  const log = openSync(logFile, 'a');
  const node = [process.execPath, ...nodeOptions, '--import', 'tsx', fileURLToPath(import.meta.url), ...args];
  const [cmd, ...rest] = cpus === undefined ? node : ['taskset', '-c', cpus, ...node];
  const child = spawn(cmd as string, rest, { stdio: ['ignore', log, log, 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${args[0]}: not ready after 30 s (see ${logFile})`));
    }, 30_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${args[0]} process exited (${code ?? 'signal'}) before it was ready (see ${logFile})`)));
    child.once('message', (msg: { url?: string }) => {
      clearTimeout(timer);
      if (typeof msg.url !== 'string' || child.pid === undefined) return reject(new Error(`${args[0]}: unexpected message`));
      resolve({ url: msg.url, pid: child.pid, stop });
    });
  });
}

const RESPONSE = Buffer.from(
  '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
    '<ord:SubmitOrderResponse xmlns:ord="urn:example:orders:v1"><ord:OrderId>ORD-00001000</ord:OrderId><ord:Status>ACCEPTED</ord:Status></ord:SubmitOrderResponse>' +
    '</soapenv:Body></soapenv:Envelope>',
);

async function startBackend(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': RESPONSE.length });
      res.end(RESPONSE);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ORDERS_WSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="Orders" targetNamespace="urn:example:orders:v1:wsdl" xmlns:tns="urn:example:orders:v1:wsdl" xmlns:ord="urn:example:orders:v1"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xsd:schema targetNamespace="urn:example:orders:v1" elementFormDefault="qualified">
      <xsd:element name="SubmitOrder"><xsd:complexType><xsd:sequence><xsd:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="SubmitOrderResponse"><xsd:complexType><xsd:sequence><xsd:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="SubmitOrderRequest"><wsdl:part name="parameters" element="ord:SubmitOrder"/></wsdl:message>
  <wsdl:message name="SubmitOrderResponse"><wsdl:part name="parameters" element="ord:SubmitOrderResponse"/></wsdl:message>
  <wsdl:portType name="OrdersPortType">
    <wsdl:operation name="SubmitOrder"><wsdl:input message="tns:SubmitOrderRequest"/><wsdl:output message="tns:SubmitOrderResponse"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="OrdersSoap11Binding" type="tns:OrdersPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="SubmitOrder">
      <soap:operation soapAction="${SUBMIT_ORDER_ACTION}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Orders"><wsdl:port name="OrdersSoap11" binding="tns:OrdersSoap11Binding"><soap:address location="http://localhost/orders"/></wsdl:port></wsdl:service>
</wsdl:definitions>
`;

/**
 * gateway.yaml + orders/{service.yaml, Orders.wsdl} in a new directory under `parent` (the caller
 * removes it, with `parent`); returns the gateway.yaml path.
 */
export function writeOrdersConfig(parent: string, backendUrl: string, mode: 'off' | 'enforce', anchorPem: string, audit: AuditMode = 'required'): string {
  const dir = mkdtempSync(join(parent, `gateway-${mode}-`));
  const svc = join(dir, 'orders');
  const security =
    mode === 'enforce'
      ? {
          mode: 'enforce',
          trust: { anchors: [anchorPem] },
          timestamp: { ttlSeconds: 900 },
          require: { signature: true, signedParts: ['body', 'timestamp'], timestamp: true },
        }
      : { mode: 'off' };
  const service = {
    name: 'orders',
    wsdl: 'Orders.wsdl',
    ports: [{ wsdlPort: 'OrdersSoap11', path: ORDERS_PATH, backendUrl: `${backendUrl}${BACKEND_PATH}` }],
    backend: { type: 'soap', url: `${backendUrl}${BACKEND_PATH}`, connectTimeoutMs: 2000, responseTimeoutMs: 15000 },
    ...(mode === 'off' ? { passThroughHeaders: [WSSE_SECURITY] } : {}),
    security,
    audit: { mode: audit },
  };
  const gateway = {
    listen: { host: '127.0.0.1', port: 0 },
    admin: { enabled: false, host: '127.0.0.1', port: 0 },
    services: ['orders'],
    logging: { level: 'warn' },
    // Stated, not left to the defaults: the file sink (O_DSYNC appends, group commit) in the run's directory.
    audit: audit === 'off' ? { sink: 'off' } : { sink: 'file', dir: join(dir, 'audit') },
  };
  writeFileSync(join(dir, 'gateway.yaml'), stringify(gateway));
  mkdirSync(svc);
  writeFileSync(join(svc, 'Orders.wsdl'), ORDERS_WSDL);
  writeFileSync(join(svc, 'service.yaml'), stringify(service));
  return join(dir, 'gateway.yaml');
}

async function child(argv: readonly string[]): Promise<void> {
  const [kind, configFile] = argv;
  let close: () => Promise<void>;
  let url: string;
  if (kind === 'backend') {
    const backend = await startBackend();
    close = backend.close;
    url = backend.url;
  } else if (kind === 'gateway' && configFile !== undefined) {
    const gateway = await startGateway({ configFile, env: process.env });
    close = () => gateway.close();
    url = gateway.url;
  } else {
    throw new Error('usage: gateway-servers.ts backend | gateway <gateway.yaml>');
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send?.({ url });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  child(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
