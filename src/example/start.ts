/**
 * `npm start`: the example backend on 127.0.0.1:8081, the gateway with wsdl/gateway.yaml in front of
 * it, and a banner with ready-to-paste requests: signed ones through src/example/client.ts (the
 * service requires a signed Body + Timestamp) and an unsigned sample with the fault it gets.
 * SIGINT/SIGTERM stop both (a second signal exits at once).
 */
import { startGateway } from '../server.ts';
import { startExampleBackend } from './backend.ts';
import type { ExampleBackend } from './backend.ts';
import { banner } from './banner.ts';
import { DEFAULT_BACKEND_PORT, DEMO_GATEWAY_FILE } from './contract.ts';

interface Closable {
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const running: Closable[] = [];
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) process.exit(code === 0 ? 130 : code);
    stopping = true;
    for (const r of running.reverse()) {
      await r.close().catch((err: unknown) => console.error(err));
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const backend: ExampleBackend = await startExampleBackend({ host: '127.0.0.1', port: DEFAULT_BACKEND_PORT, quiet: true, record: false });
    running.push(backend);
    const gateway = await startGateway({ configFile: DEMO_GATEWAY_FILE, env: process.env });
    running.push(gateway);
    process.stdout.write(banner({ gatewayUrl: gateway.url, adminUrl: gateway.adminUrl, backendUrl: backend.url }));
  } catch (err) {
    console.error('wsgate demo failed to start:', err instanceof Error ? err.message : err);
    await stop(1);
  }
}

void main();
