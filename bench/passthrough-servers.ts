/**
 * The processes under test, each in its own Node.js process so that the load generator, the gateway
 * and the backend do not share an event loop:
 *   node --import tsx bench/passthrough-servers.ts backend
 *   node --import tsx bench/passthrough-servers.ts gateway <backendUrl>
 * A child reports `{ url }` over IPC once listening and stops cleanly on SIGTERM.
 * `startServerProcess` is the parent's side.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startExampleBackend } from '../src/example/backend.ts';
import { writeTempGatewayConfig } from '../src/example/temp-gateway-config.ts';
import { startGateway } from '../src/server.ts';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a child; its stdout and stderr (the gateway's log) go to `logFile`. `nodeOptions` are
 * added to its Node.js flags (e.g. `--cpu-prof`; a profile is written when the child exits on SIGTERM).
 */
export function startServerProcess(
  kind: 'backend' | 'gateway',
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
    child.once('message', (msg: { url?: string }) => {
      if (typeof msg.url !== 'string' || child.pid === undefined) return reject(new Error(`${kind}: unexpected message`));
      resolve({
        url: msg.url,
        pid: child.pid,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

async function child(kind: string | undefined, backendUrl: string | undefined): Promise<void> {
  let close: () => Promise<void>;
  let url: string;
  if (kind === 'backend') {
    const backend = await startExampleBackend({ port: 0, quiet: true, record: false });
    close = () => backend.close();
    url = backend.url;
  } else if (kind === 'gateway' && backendUrl !== undefined) {
    const config = await writeTempGatewayConfig({ backendUrl, logLevel: 'warn' });
    const gateway = await startGateway({ configFile: config.configFile, env: process.env });
    close = async () => {
      await gateway.close();
      await config.remove();
    };
    url = gateway.url;
  } else {
    throw new Error('usage: passthrough-servers.ts backend | gateway <backendUrl>');
  }
  process.once('SIGTERM', () => {
    close().then(() => process.exit(0), () => process.exit(1));
  });
  process.send?.({ url });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  child(process.argv[2], process.argv[3]).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
