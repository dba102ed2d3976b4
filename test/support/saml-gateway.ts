/**
 * A ClaimsService gateway (the interop POLICY.md configuration) with extra `security.saml` keys,
 * its clock at SAML_CLOCK, an in-memory log and a recording backend: what SAML tests need to
 * assert the public fault, the precise code and reason in the log, and what reached the backend.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ErrorCode } from '../../src/errors.ts';
import { startGateway, type RunningGateway } from '../../src/server.ts';
import { startClaimsBackend } from './claims-backend.ts';
import { interopDir, writeClaimsConfig } from './interop.ts';
import { faultCode, memoryLogger, type Logged } from './logs.ts';
import { SAML_CLOCK, type Message } from './saml-gen.ts';

export const certFile = (name: string): string => join(interopDir, 'certs', name);

export interface SamlGatewayOptions {
  /** Lines added to the `saml:` section (4-space indented keys). */
  readonly saml: readonly string[];
  /** Replaces `<sp:WssSamlV20Token11/>` in the ClaimsService WSDL (e.g. by `<sp:WssSamlV11Token11/>`). */
  readonly samlToken?: string;
  readonly require?: string;
  readonly securityYaml?: string;
}

export interface Sent {
  readonly status: number;
  readonly body: string;
  /** Requests that reached the backend, with their bodies. */
  readonly forwarded: readonly string[];
  readonly log: Logged | undefined;
}

export interface SamlGateway {
  send(m: Message): Promise<Sent>;
  close(): Promise<void>;
}

/** Writes the configuration (POLICY.md + `opts`), starts the gateway at SAML_CLOCK. */
export async function startSamlGateway(opts: SamlGatewayOptions): Promise<SamlGateway> {
  const backend = await startClaimsBackend();
  let wsdl: string | undefined;
  const dir = writeClaimsConfig(backend.url, '', { ...(opts.require !== undefined ? { require: opts.require } : {}), ...(opts.securityYaml !== undefined ? { securityYaml: opts.securityYaml } : {}) });
  if (opts.samlToken !== undefined) {
    wsdl = join(dir, 'claims', 'ClaimsService.wsdl');
    writeFileSync(wsdl, readFileSync(wsdl, 'utf8').replaceAll('<sp:WssSamlV20Token11/>', opts.samlToken));
  }
  const file = join(dir, 'claims', 'service.yaml');
  const yaml = readFileSync(file, 'utf8');
  const recipients = /^ {4}recipients: .*$/m;
  if (!recipients.test(yaml)) throw new Error('service.yaml has no saml recipients line');
  writeFileSync(file, yaml.replace(recipients, (line) => [line, ...opts.saml].join('\n')));
  const mem = memoryLogger();
  let gw: RunningGateway;
  try {
    gw = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(SAML_CLOCK) } });
  } catch (err) {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    async send(m) {
      const before = backend.requests.length;
      const res = await gw.app.inject({ method: 'POST', url: m.endpoint, headers: { ...m.headers }, payload: m.xml });
      return { status: res.statusCode, body: res.body, forwarded: backend.requests.slice(before).map((r) => r.body), log: mem.find(String(res.headers['x-correlation-id'])) };
    },
    async close() {
      await gw.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Forwarded once, with the marker in the Body and without the consumed Security header. */
export function expectForwarded(r: Sent, marker: string): void {
  expect(r.status, `${r.log?.errorCode ?? ''} ${r.log?.reason ?? ''}`).toBe(200);
  expect(r.forwarded).toHaveLength(1);
  expect(r.forwarded[0]).toContain(marker);
  expect(r.forwarded[0]).not.toContain('wsse:Security');
}

/** Refused with the masked public fault, nothing forwarded, the precise code and reason in the log. */
export function expectRejected(r: Sent, code: ErrorCode, reason: RegExp): void {
  expect(r.forwarded).toHaveLength(0);
  expect(r.status).toBe(500);
  expect(faultCode(r.body)).toBe('GW_ERR_SEC_REJECTED');
  expect(r.log?.errorCode).toBe(code);
  expect(r.log?.reason).toMatch(reason);
}
