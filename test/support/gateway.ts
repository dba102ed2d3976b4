import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startExampleBackend, type ExampleBackend } from '../../src/example/backend.ts';
import { plainExampleWsdl } from '../../src/example/contract.ts';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/server.ts';
import { repoRoot } from './ports.ts';

export const exampleDir = join(repoRoot, 'wsdl', 'policy-admin');
export const samplesDir = join(exampleDir, 'samples');

export interface Harness {
  readonly gw: RunningGateway;
  readonly backend: ExampleBackend;
  readonly dir: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra YAML appended to service.yaml (top-level keys). */
  readonly serviceYaml?: string;
  /** Keep the example WSDL's WS-SecurityPolicy (default: the plain variant without it). */
  readonly wsdlPolicy?: boolean;
  /** Extra YAML appended to gateway.yaml. */
  readonly gatewayYaml?: string;
  /** Backend base URL to use instead of the example backend (e.g. a dead port). */
  readonly backendBase?: string;
  /** Backend settings written into service.yaml. */
  readonly backend?: { readonly responseTimeoutMs?: number; readonly maxResponseBytes?: number };
  readonly start?: Partial<StartOptions>;
}

/** Writes a temporary gateway + service configuration for the example WSDL, pointing at `backendBase`. */
export function writeExampleConfig(backendBase: string, opts: Pick<HarnessOptions, 'serviceYaml' | 'gatewayYaml' | 'backend' | 'wsdlPolicy'> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-test-'));
  const svc = join(dir, 'policy-admin');
  mkdirSync(svc);
  for (const f of readdirSync(exampleDir)) if (/\.(wsdl|xsd)$/.test(f)) copyFileSync(join(exampleDir, f), join(svc, f));
  // The example's own WSDL carries its WS-SecurityPolicy; the harness uses the plain variant unless
  // asked (a policy cannot be served unenforced, and most tests exercise the unsecured path).
  if (opts.wsdlPolicy !== true) writeFileSync(join(svc, 'PolicyAdministration.wsdl'), plainExampleWsdl());
  writeFileSync(
    join(svc, 'service.yaml'),
    [
      'name: policy-admin',
      'wsdl: PolicyAdministration.wsdl',
      'ports:',
      '  - wsdlPort: PolicyAdministrationSoap11',
      '    path: /PolicyAdministration/soap11',
      `    backendUrl: ${backendBase}/backend/PolicyAdministration/soap11`,
      '  - wsdlPort: PolicyAdministrationSoap12',
      '    path: /PolicyAdministration/soap12',
      `    backendUrl: ${backendBase}/backend/PolicyAdministration/soap12`,
      'backend:',
      '  type: soap',
      `  url: ${backendBase}/backend/PolicyAdministration/soap11`,
      '  connectTimeoutMs: 1000',
      `  responseTimeoutMs: ${opts.backend?.responseTimeoutMs ?? 3000}`,
      ...(opts.backend?.maxResponseBytes !== undefined ? [`  maxResponseBytes: ${opts.backend.maxResponseBytes}`] : []),
      opts.serviceYaml ?? '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'gateway.yaml'),
    ['listen: {host: 127.0.0.1, port: 0}', 'admin: {enabled: true, host: 127.0.0.1, port: 0}', 'services: [policy-admin]', 'logging: {level: warn}', 'shutdown: {graceMs: 3000}', opts.gatewayYaml ?? ''].join('\n'),
  );
  return dir;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const backend = await startExampleBackend({ port: 0, quiet: true });
  const dir = writeExampleConfig(opts.backendBase ?? backend.url, opts);
  const gw = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: pino({ level: 'silent' }), ...opts.start });
  return {
    gw,
    backend,
    dir,
    async close() {
      await gw.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ACTION = (op: string): string => `http://insurer.example/ws/policyadmin/2021/03/${op}`;
export const S11_HEADERS = (op: string) => ({ 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION(op)}"` });
export const S12_HEADERS = (op: string) => ({ 'content-type': `application/soap+xml; charset=utf-8; action="${ACTION(op)}"` });
