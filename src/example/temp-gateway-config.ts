/**
 * A throw-away copy of the demo configuration in a temporary directory, pointed at an example
 * backend on any port: gateway.yaml + policy-admin/service.yaml + the WSDL and its schemas (the
 * gateway only reads a WSDL set from inside its service directory). Used by the benchmark and by
 * tests that run the gateway in front of an ephemeral backend.
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { BACKEND_PATHS, GATEWAY_PATHS, POLICY_ADMIN_DIR, plainExampleWsdl } from './contract.ts';

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
  /**
   * Copy the `security:` section of the demo service.yaml (signed Body + Timestamp required), with
   * its file paths made absolute. Default false: the pass-through benchmark measures the gateway
   * without WS-Security.
   */
  readonly security?: boolean;
}

export interface TempGatewayConfig {
  readonly dir: string;
  /** The gateway.yaml to pass to startGateway. */
  readonly configFile: string;
  remove(): Promise<void>;
}

const WSDL_SET = ['PolicyAdministration.wsdl', 'PolicyAdministration.xsd', 'Common.xsd'] as const;

/**
 * A loopback port that was free a moment ago. For a gateway whose published `?wsdl` must be usable:
 * with `listen.port: 0` the WSDL it publishes names port 0 (soap:address and xsd:import locations
 * are built from the configured port, not the bound one), so WSDL-driven clients need a real port.
 */
export function reserveFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

type TrustLists = Record<string, unknown>;

/**
 * The `security:` section of wsdl/policy-admin/service.yaml as it is in the repository, with the
 * trust file lists resolved against that directory (so the copy works from anywhere).
 */
export function demoSecuritySection(): Record<string, unknown> {
  const doc = parse(readFileSync(join(POLICY_ADMIN_DIR, 'service.yaml'), 'utf8')) as { security?: Record<string, unknown> };
  const security = doc.security;
  if (security === undefined) throw new Error(`${join(POLICY_ADMIN_DIR, 'service.yaml')} has no security section`);
  const trust = (security['trust'] ?? {}) as TrustLists;
  const absolute = (f: unknown) => (typeof f === 'string' && !isAbsolute(f) ? resolve(POLICY_ADMIN_DIR, f) : f);
  const resolvedTrust = Object.fromEntries(Object.entries(trust).map(([k, v]) => [k, Array.isArray(v) ? v.map(absolute) : v]));
  return { ...security, trust: resolvedTrust };
}

export async function writeTempGatewayConfig(opts: TempGatewayConfigOptions): Promise<TempGatewayConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'wsgate-example-'));
  const serviceDir = join(dir, 'policy-admin');
  await mkdir(serviceDir);
  for (const f of WSDL_SET) await copyFile(join(POLICY_ADMIN_DIR, f), join(serviceDir, f));
  // Without WS-Security the example runs on the WSDL without its policy (a policy cannot be served unenforced).
  if (opts.security !== true) await writeFile(join(serviceDir, 'PolicyAdministration.wsdl'), plainExampleWsdl());

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
    ...(opts.security === true ? { security: demoSecuritySection() } : {}),
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
