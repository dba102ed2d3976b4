/**
 * A throw-away copy of the demo configuration in a temporary directory, pointed at an example
 * backend on any port: gateway.yaml + policy-admin/service.yaml + the WSDL and its schemas (the
 * gateway only reads a WSDL set from inside its service directory). Used by the benchmark and by
 * tests that run the gateway in front of an ephemeral backend.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BACKEND_PATHS, GATEWAY_PATHS, POLICY_ADMIN_DIR } from './contract.ts';

export interface TempGatewayConfigOptions {
  /** The example backend, http://host:port. */
  readonly backendUrl: string;
  /** Default 0 (a free port). */
  readonly listenPort?: number;
  /** Admin listener on a free port; default false. */
  readonly admin?: boolean;
  /** Default 'warn' (no line per exchange). */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Default 1 MiB, as in the demo service.yaml. */
  readonly maxBodyBytes?: number;
}

export interface TempGatewayConfig {
  readonly dir: string;
  /** The gateway.yaml to pass to startGateway. */
  readonly configFile: string;
  remove(): Promise<void>;
}

const WSDL_SET = ['PolicyAdministration.wsdl', 'PolicyAdministration.xsd', 'Common.xsd'] as const;

export async function writeTempGatewayConfig(opts: TempGatewayConfigOptions): Promise<TempGatewayConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'wsgate-example-'));
  const serviceDir = join(dir, 'policy-admin');
  await mkdir(serviceDir);
  for (const f of WSDL_SET) await copyFile(join(POLICY_ADMIN_DIR, f), join(serviceDir, f));

  const backend = (path: string) => `${opts.backendUrl}${path}`;
  const service = {
    name: 'policy-admin',
    wsdl: 'PolicyAdministration.wsdl',
    ports: [
      { wsdlPort: 'PolicyAdministrationSoap11', path: GATEWAY_PATHS['1.1'], backendUrl: backend(BACKEND_PATHS['1.1']) },
      { wsdlPort: 'PolicyAdministrationSoap12', path: GATEWAY_PATHS['1.2'], backendUrl: backend(BACKEND_PATHS['1.2']) },
    ],
    backend: { type: 'soap', url: backend(BACKEND_PATHS['1.1']), connectTimeoutMs: 2000, responseTimeoutMs: 15000 },
    limits: { maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024 },
  };
  const gateway = {
    listen: { host: '127.0.0.1', port: opts.listenPort ?? 0 },
    admin: { enabled: opts.admin === true, host: '127.0.0.1', port: 0 },
    services: ['policy-admin'],
    logging: { level: opts.logLevel ?? 'warn' },
  };
  await writeFile(join(serviceDir, 'service.yaml'), stringify(service));
  const configFile = join(dir, 'gateway.yaml');
  await writeFile(configFile, stringify(gateway));
  return { dir, configFile, remove: () => rm(dir, { recursive: true, force: true }) };
}
