import type { IncomingHttpHeaders } from 'node:http';
import { EventEmitter } from 'node:events';
import { Pool, errors as undiciErrors } from 'undici';
import type { BackendConfig } from '../config/types.ts';
import { GatewayError, type SoapVersion } from '../errors.ts';
import { SOAP_MEDIA_TYPE } from '../soap/namespaces.ts';
import type { BackendAdapter, BackendRequest, BackendResponse } from './types.ts';

/** RFC 9110 §7.6.1 hop-by-hop fields, plus what the gateway rebuilds or consumes itself. */
const NEVER_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'proxy-authorization', 'proxy-authenticate', 'host', 'content-length', 'content-type', 'soapaction',
  'expect', 'authorization', 'cookie', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host',
  'x-correlation-id', 'forwarded',
]);

const expectedType: Readonly<Record<SoapVersion, string>> = { '1.1': 'text/xml', '1.2': 'application/soap+xml' };

function mediaTypeOf(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  return (v ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function classify(err: unknown, timeoutMs: number): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { code?: string; name?: string; message?: string };
  const code = e.code ?? '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || e.name === 'TimeoutError') {
    return new GatewayError('GW_ERR_BACKEND_TIMEOUT', `${code || e.name}: no answer within ${timeoutMs} ms`, undefined, { cause: err });
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_')) {
    return new GatewayError('GW_ERR_BACKEND_BAD_RESPONSE', `${code}: ${e.message ?? ''}`, undefined, { cause: err });
  }
  return new GatewayError('GW_ERR_BACKEND_UNAVAILABLE', `${code || e.name || 'error'}: ${e.message ?? String(err)}`, undefined, { cause: err });
}

/**
 * SOAP pass-through over pooled undici connections: forwards the (verified) envelope with its
 * action and content type, X-Forwarded-For/Proto and the correlation id; relays the backend's
 * answer (including SOAP faults) after checking it is a SOAP message of the request's version.
 */
export class SoapPassthroughBackend implements BackendAdapter {
  readonly #config: BackendConfig;
  readonly #pools = new Map<string, Pool>();
  readonly #drop: ReadonlySet<string>;

  constructor(config: BackendConfig) {
    this.#config = config;
    this.#drop = new Set([...NEVER_FORWARDED, ...config.dropHeaders.map((h) => h.toLowerCase())]);
  }

  #pool(url: URL): Pool {
    let pool = this.#pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections: this.#config.connections,
        connect: { timeout: this.#config.connectTimeoutMs },
        headersTimeout: this.#config.responseTimeoutMs,
        bodyTimeout: this.#config.responseTimeoutMs,
        keepAliveTimeout: 4_000,
        pipelining: 1,
      });
      this.#pools.set(url.origin, pool);
    }
    return pool;
  }

  #headers(req: BackendRequest): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.incomingHeaders as IncomingHttpHeaders)) {
      if (value === undefined || this.#drop.has(name)) continue;
      out[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const prior = req.incomingHeaders['x-forwarded-for'];
    const chain = [Array.isArray(prior) ? prior.join(', ') : prior, req.clientIp].filter((v): v is string => !!v);
    out['x-forwarded-for'] = chain.join(', ');
    out['x-forwarded-proto'] = req.proto;
    out['x-correlation-id'] = req.correlationId;
    if (req.version === '1.1') {
      out['content-type'] = SOAP_MEDIA_TYPE['1.1'];
      out['soapaction'] = `"${req.action ?? ''}"`;
    } else {
      out['content-type'] = req.action !== undefined ? `${SOAP_MEDIA_TYPE['1.2']}; action="${req.action.replace(/["\\]/g, '')}"` : SOAP_MEDIA_TYPE['1.2'];
    }
    return out;
  }

  async forward(req: BackendRequest): Promise<BackendResponse> {
    const started = performance.now();
    const timeoutMs = this.#config.responseTimeoutMs;
    // One abort source for both ends: the client going away, and a total deadline (undici's own
    // timeouts bound the gaps between bytes, not a backend that dribbles). undici takes an
    // EventEmitter as its signal and then fails the call with RequestAbortedError; which end
    // aborted is told apart below by req.signal. (An AbortController per request, like
    // AbortSignal.any, kept its signal alive long enough to be promoted to the old generation on
    // nearly every request: more mark-compact pauses.)
    const signal = new EventEmitter();
    const onClientAbort = (): void => {
      signal.emit('abort');
    };
    req.signal.once('abort', onClientAbort);
    const deadline = setTimeout(() => signal.emit('abort'), timeoutMs + this.#config.connectTimeoutMs);
    try {
      const res = await this.#pool(req.url).request({
        method: 'POST',
        path: `${req.url.pathname}${req.url.search}`,
        headers: this.#headers(req),
        body: req.body,
        signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      const limit = this.#config.maxResponseBytes;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > limit) {
          res.body.destroy();
          throw new GatewayError('GW_ERR_BACKEND_RESPONSE_TOO_LARGE', `backend response exceeds maxResponseBytes ${limit}`, { limit });
        }
        chunks.push(buf);
      }
      const body = Buffer.concat(chunks, size);
      const type = mediaTypeOf(res.headers['content-type']);
      const soapOk = type === expectedType[req.version];
      // 200/500 (and 400 for SOAP 1.2 Sender faults) with a SOAP body are relayed; 202 is a one-way acknowledgement.
      const relayable = res.statusCode === 202 || (soapOk && (res.statusCode === 200 || res.statusCode === 500 || (req.version === '1.2' && res.statusCode === 400)));
      if (!relayable) {
        throw new GatewayError('GW_ERR_BACKEND_BAD_RESPONSE', `backend answered HTTP ${res.statusCode} with content type ${JSON.stringify(type)}`, {
          backendStatus: res.statusCode,
        });
      }
      return {
        status: res.statusCode,
        contentType: res.statusCode === 202 && !soapOk ? undefined : (res.headers['content-type'] as string | undefined) ?? SOAP_MEDIA_TYPE[req.version],
        body,
        durationMs: performance.now() - started,
      };
    } catch (err) {
      if (req.signal.aborted) throw new GatewayError('GW_ERR_HTTP_CLIENT_ABORTED', 'client went away while the backend was called', undefined, { cause: err });
      if (err instanceof undiciErrors.RequestAbortedError || (err as { name?: string }).name === 'AbortError' || (err as { name?: string }).name === 'TimeoutError') {
        throw new GatewayError('GW_ERR_BACKEND_TIMEOUT', `backend did not complete within ${timeoutMs} ms`, undefined, { cause: err });
      }
      throw classify(err, timeoutMs);
    } finally {
      clearTimeout(deadline);
      req.signal.off('abort', onClientAbort);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }
}
