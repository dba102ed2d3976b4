import { join } from 'node:path';
import type { ErrorCode, ErrorDetail } from '../../src/errors.ts';
import { startGateway } from '../../src/server.ts';
import type { Recorded } from './claims-backend.ts';
import { manifest, requestBytes } from './interop.ts';
import { faultCode, memoryLogger } from './logs.ts';
import { repoRoot } from './ports.ts';

/** The WSDLs of test/fixtures/wsdl-policy: real-world shapes of the ClaimsService contract. */
export const wsdlPolicyFixture = (name: string): string => join(repoRoot, 'test', 'fixtures', 'wsdl-policy', name, 'ClaimsService.wsdl');

export interface CaseOutcome {
  readonly status: number;
  /** The code the client saw in the fault (masked), or undefined for a forwarded request. */
  readonly publicCode: string | undefined;
  /** The precise code of the log record. */
  readonly code: ErrorCode | undefined;
  readonly detail: ErrorDetail | undefined;
  /** What the backend received for this request, if anything. */
  readonly forwarded: Recorded | undefined;
}

/**
 * Sends one interop corpus message (its bytes, endpoint, headers, pinned clock) to a fresh gateway
 * started from `configDir`, and reports what the client, the log and the backend saw.
 */
export async function sendInteropCase(configDir: string, backend: { readonly requests: Recorded[] }, id: string): Promise<CaseOutcome> {
  const c = manifest.cases.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no interop case ${id}`);
  const now = new Date(c.clock);
  const mem = memoryLogger();
  const gw = await startGateway({ configFile: join(configDir, 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(now.getTime()) } });
  try {
    const before = backend.requests.length;
    const res = await gw.app.inject({ method: 'POST', url: c.endpoint, headers: { ...c.httpHeaders }, payload: requestBytes(c) });
    const log = mem.find(String(res.headers['x-correlation-id']));
    return {
      status: res.statusCode,
      publicCode: res.statusCode === 200 ? undefined : faultCode(res.body),
      code: log?.errorCode,
      detail: log?.['errorDetail'] as ErrorDetail | undefined,
      forwarded: backend.requests.length > before ? backend.requests.at(-1) : undefined,
    };
  } finally {
    await gw.close();
  }
}
