import { Writable } from 'node:stream';
import { DOMParser } from '@xmldom/xmldom';
import pino from 'pino';
import type { ErrorCode } from '../../src/errors.ts';
import { FAULT_NS } from '../../src/soap/fault.ts';

/** One JSON log line of the gateway, as far as tests read it. */
export interface Logged {
  readonly correlationId?: string;
  readonly errorCode?: ErrorCode;
  readonly reason?: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** A logger that keeps the gateway's lines in memory, so a test can read the precise reason of a rejection. */
export function memoryLogger(): { logger: pino.Logger; find: (correlationId: string) => Logged | undefined; exchanges: () => Logged[] } {
  const lines: Logged[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Logged);
      cb();
    },
  });
  return {
    logger: pino({ level: 'info' }, stream),
    find: (id) => lines.find((l) => l.correlationId === id),
    exchanges: () => lines.filter((l) => l.msg === 'exchange'),
  };
}

/** The gateway code in a fault body (gw:error/gw:code), if any. */
export function faultCode(body: string): string | undefined {
  return new DOMParser().parseFromString(body, 'text/xml').getElementsByTagNameNS(FAULT_NS, 'code')[0]?.textContent ?? undefined;
}
