/**
 * The example backend: the insurer's PolicyAdministration service, served by node-soap from
 * wsdl/policy-admin/PolicyAdministration.wsdl at
 *   /backend/PolicyAdministration/soap11  (SOAP 1.1 binding)
 *   /backend/PolicyAdministration/soap12  (SOAP 1.2 binding)
 *
 * How it is wired, and why:
 * - Every request is read and recorded (path, headers, raw body) by our own listener before anything
 *   else; the gateway's tests use `requests` to see exactly what reached the backend.
 * - node-soap is attached (`soap.listen`) to a second, never-listening `http.Server` that we hand the
 *   request to with the body already read (node-soap uses `req.body` when present). Attached to the
 *   real server it would take over the 'request' event and we could not run first.
 * - One `soap.listen` per binding: node-soap picks the response envelope namespace from the WSDL
 *   object's `forceSoap12Headers` option, not from the request, so a single listener answers SOAP 1.2
 *   requests with SOAP 1.1 envelopes. The SOAP 1.2 listener has `forceSoap12Headers: true`.
 * - request-guard.ts makes the checks node-soap skips (media type, envelope version, action vs body,
 *   mustUnderstand) and answers those faults itself.
 *
 * Standalone: `node --import tsx src/example/backend.ts` (PORT, default 8081; HOST, default 127.0.0.1).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listen } from 'soap';
import type { IServices } from 'soap';
import { BACKEND_PATHS, DEFAULT_BACKEND_PORT, POLICY_ADMIN_DIR, POLICY_ADMIN_WSDL } from './contract.ts';
import { PolicyAdministration } from './policy-admin.ts';
import { policyAdministrationServices } from './policy-service.ts';
import { checkRequest } from './request-guard.ts';
import type { SoapVersion } from './soap-faults.ts';
import { SOAP_CONTENT_TYPE } from './soap-faults.ts';

export interface RecordedRequest {
  /** The request target as received (path and query). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, decoded as UTF-8. */
  readonly body: string;
}

export interface ExampleBackend {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  /** Every request that reached the backend, oldest first (tests may clear it with `length = 0`); empty with `record: false`. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface ExampleBackendOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8081; 0 picks a free port. */
  readonly port?: number;
  /** No per-request log lines on stdout. */
  readonly quiet?: boolean;
  /** Keep every request in `requests` (default true). Long-running instances (demo, benchmark) turn it off. */
  readonly record?: boolean;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Schema files served beside the endpoints, so `?wsdl` readers can resolve the WSDL's relative imports. */
const SCHEMA_FILES = new Set(['PolicyAdministration.xsd', 'Common.xsd']);
const SCHEMA_DIR_PATH = BACKEND_PATHS['1.1'].slice(0, BACKEND_PATHS['1.1'].lastIndexOf('/') + 1);

export async function startExampleBackend(opts: ExampleBackendOptions = {}): Promise<ExampleBackend> {
  const host = opts.host ?? '127.0.0.1';
  const record = opts.record ?? true;
  const log = opts.quiet === true ? () => undefined : (line: string) => process.stdout.write(`[example-backend] ${line}\n`);
  const services = policyAdministrationServices(new PolicyAdministration(), (operation, error) => {
    process.stderr.write(`[example-backend] ${operation} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  });
  const wsdlXml = await readFile(POLICY_ADMIN_WSDL, 'utf8');
  const soapHost = http.createServer();
  await attachSoap(soapHost, '1.1', services, wsdlXml);
  await attachSoap(soapHost, '1.2', services, wsdlXml);

  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const started = performance.now();
    res.on('finish', () => log(`${req.method ?? '?'} ${req.url ?? ''} -> ${res.statusCode} (${(performance.now() - started).toFixed(1)} ms)`));
    readBody(req, (raw, tooLarge) => {
      if (record) requests.push({ path: req.url ?? '', headers: { ...req.headers }, body: raw.toString('utf8') });
      if (tooLarge) return reply(res, 413, 'text/plain; charset=utf-8', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.\n`);
      route(req, res, raw, soapHost, wsdlXml).catch(() => {
        if (!res.headersSent) reply(res, 500, 'text/plain; charset=utf-8', 'Internal error.\n');
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_BACKEND_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeAllConnections();
      }),
  };
}

function attachSoap(soapHost: http.Server, version: SoapVersion, services: IServices, xml: string): Promise<void> {
  return new Promise((resolve, reject) => {
    listen(soapHost, {
      path: BACKEND_PATHS[version],
      services,
      xml,
      uri: POLICY_ADMIN_WSDL, // imports and includes resolve relative to this path
      forceSoap12Headers: version === '1.2',
      enableChunkedEncoding: false,
      suppressStack: true,
      callback: (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
    });
  });
}

function readBody(req: IncomingMessage, done: (raw: Buffer, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => done(Buffer.concat(chunks), size > MAX_BODY_BYTES));
  req.on('error', () => req.destroy());
}

async function route(req: IncomingMessage, res: ServerResponse, raw: Buffer, soapHost: http.Server, wsdlXml: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://backend.invalid');
  const schemaFile = url.pathname.startsWith(SCHEMA_DIR_PATH) ? url.pathname.slice(SCHEMA_DIR_PATH.length) : '';
  if (req.method === 'GET' && SCHEMA_FILES.has(schemaFile)) {
    return reply(res, 200, 'application/xml; charset=utf-8', await readFile(join(POLICY_ADMIN_DIR, schemaFile), 'utf8'));
  }
  const verdict = checkRequest({ method: req.method ?? '', path: url.pathname, query: url.search, headers: req.headers, body: raw.toString('utf8') });
  switch (verdict.kind) {
    case 'reply':
      return reply(res, verdict.status, verdict.contentType, verdict.body, verdict.headers);
    case 'wsdl':
      return reply(res, 200, 'application/xml; charset=utf-8', wsdlXml);
    case 'dispatch':
      // node-soap echoes the request Content-Type in its response; drop the request's `action` parameter.
      req.headers['content-type'] = SOAP_CONTENT_TYPE[verdict.version];
      Object.assign(req, { body: raw });
      try {
        soapHost.emit('request', req, res);
      } catch {
        if (!res.headersSent) reply(res, 500, 'text/plain; charset=utf-8', 'Internal error.\n');
      }
  }
}

function reply(res: ServerResponse, status: number, contentType: string, body: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function main(): Promise<void> {
  const backend = await startExampleBackend({
    host: process.env['HOST'] ?? '127.0.0.1',
    port: Number(process.env['PORT'] ?? DEFAULT_BACKEND_PORT),
    record: false,
  });
  process.stdout.write(
    `Example backend (PolicyAdministration) listening on ${backend.url}\n` +
      `  SOAP 1.1: ${backend.url}${BACKEND_PATHS['1.1']}   WSDL: ${backend.url}${BACKEND_PATHS['1.1']}?wsdl\n` +
      `  SOAP 1.2: ${backend.url}${BACKEND_PATHS['1.2']}\n`,
  );
  const stop = (): void => {
    backend.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
