/**
 * The processes under test, each in its own Node.js process so that the load generator, the gateway
 * and the backend do not share an event loop:
 *   node --import tsx bench/passthrough-servers.ts backend
 *   node --import tsx bench/passthrough-servers.ts gateway <backendUrl> [required|best-effort|off]
 *   node --import tsx bench/passthrough-servers.ts proxy <backendUrl>     (bare Node.js baseline)
 * A child reports `{ url }` over IPC once listening and stops cleanly on SIGTERM.
 * `startServerProcess` is the parent's side.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { startExampleBackend } from '../src/example/backend.ts';
import { BACKEND_PATHS } from '../src/example/contract.ts';
import { writeTempGatewayConfig } from '../src/example/temp-gateway-config.ts';
import { startGateway } from '../src/server.ts';

export interface ServerProcess {
  readonly url: string;
  /** The gateway's admin listener (/metrics); the other kinds have none. */
  readonly adminUrl: string | undefined;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a child; its stdout and stderr (the gateway's log) go to `logFile`. `nodeOptions` are
 * added to its Node.js flags (e.g. `--cpu-prof`; a profile is written when the child exits on SIGTERM).
 */
export function startServerProcess(
  kind: 'backend' | 'gateway' | 'proxy',
  logFile: string,
  args: readonly string[] = [],
  nodeOptions: readonly string[] = [],
): Promise<ServerProcess> {
  const log = openSync(logFile, 'a');
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [kind, ...args], {
    execArgv: ['--import', 'tsx', ...nodeOptions],
    stdio: ['ignore', log, log, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} process exited (${code ?? 'signal'}) before it was ready`)));
    child.once('message', (msg: { url?: string; adminUrl?: string }) => {
      if (typeof msg.url !== 'string' || child.pid === undefined) return reject(new Error(`${kind}: unexpected message`));
      resolve({
        url: msg.url,
        adminUrl: typeof msg.adminUrl === 'string' ? msg.adminUrl : undefined,
        pid: child.pid,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

export type AuditMode = 'required' | 'best-effort' | 'off';

/**
 * The baseline for the latency the gateway adds: the least a Node.js hop costs on this machine. A
 * node:http server that reads the body and forwards it with undici (a Pool, as the gateway uses)
 * to the backend's SOAP 1.1 endpoint, relaying status, content type and body. No parsing, no
 * checks, no logging, no audit.
 */
async function startBareProxy(backendUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const pool = new Pool(backendUrl, { connections: 64, pipelining: 1, keepAliveTimeout: 4_000 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pool
        .request({ method: 'POST', path: BACKEND_PATHS['1.1'], headers: { 'content-type': req.headers['content-type'] ?? 'text/xml', soapaction: req.headers['soapaction'] ?? '""' }, body: Buffer.concat(chunks) })
        .then(async (r) => {
          const body = Buffer.from(await r.body.arrayBuffer());
          res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'text/xml'), 'content-length': body.length });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(502).end();
        });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}

/**
 * The demo configuration leaves the audit trail to its defaults (file sink, `required`); the
 * benchmark states it: a file sink in the temporary directory and the service's mode, or no trail.
 */
function stateAuditMode(dir: string, mode: AuditMode): void {
  const gatewayFile = join(dir, 'gateway.yaml');
  const gateway = parse(readFileSync(gatewayFile, 'utf8')) as Record<string, unknown>;
  gateway['audit'] = mode === 'off' ? { sink: 'off' } : { sink: 'file', dir: join(dir, 'audit') };
  writeFileSync(gatewayFile, stringify(gateway));
  const serviceFile = join(dir, 'policy-admin', 'service.yaml');
  const service = parse(readFileSync(serviceFile, 'utf8')) as Record<string, unknown>;
  service['audit'] = { mode };
  writeFileSync(serviceFile, stringify(service));
}

async function child(kind: string | undefined, backendUrl: string | undefined, auditMode: AuditMode): Promise<void> {
  let close: () => Promise<void>;
  let url: string;
  let adminUrl: string | undefined;
  if (kind === 'backend') {
    const backend = await startExampleBackend({ port: 0, quiet: true, record: false });
    close = () => backend.close();
    url = backend.url;
  } else if (kind === 'gateway' && backendUrl !== undefined) {
    // The admin listener serves /metrics, from which the benchmark reads the audit trail's write times.
    const config = await writeTempGatewayConfig({ backendUrl, logLevel: 'warn', admin: true });
    stateAuditMode(config.dir, auditMode);
    const gateway = await startGateway({ configFile: config.configFile, env: process.env });
    close = async () => {
      await gateway.close();
      await config.remove();
    };
    url = gateway.url;
    adminUrl = gateway.adminUrl;
  } else if (kind === 'proxy' && backendUrl !== undefined) {
    const proxy = await startBareProxy(backendUrl);
    close = proxy.close;
    url = proxy.url;
  } else {
    throw new Error('usage: passthrough-servers.ts backend | gateway <backendUrl> [audit mode] | proxy <backendUrl>');
  }
  process.once('SIGTERM', () => {
    close().then(() => process.exit(0), () => process.exit(1));
  });
  process.send?.({ url, adminUrl });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  child(process.argv[2], process.argv[3], (process.argv[4] ?? 'required') as AuditMode).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
