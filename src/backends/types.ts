import type { IncomingHttpHeaders } from 'node:http';
import type { SoapVersion } from '../errors.ts';
import type { ClientAbortSignal } from '../pipeline/client-abort.ts';

/** What the pipeline hands a backend adapter: the verified envelope and the caller's context. */
export interface BackendRequest {
  readonly url: URL;
  readonly version: SoapVersion;
  readonly body: Buffer;
  readonly action: string | undefined;
  readonly correlationId: string;
  readonly clientIp: string;
  readonly proto: 'http' | 'https';
  readonly incomingHeaders: IncomingHttpHeaders;
  /** Aborted when the client goes away. */
  readonly signal: ClientAbortSignal;
}

export interface BackendResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  readonly durationMs: number;
}

/** Port for the backend side (`soap` pass-through now; `rest` mapping later). */
export interface BackendAdapter {
  forward(req: BackendRequest): Promise<BackendResponse>;
  close(): Promise<void>;
}
