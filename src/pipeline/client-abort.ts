import { EventEmitter } from 'node:events';

/**
 * The client of one exchange going away: fired once, with 'abort'. A plain EventEmitter rather than
 * an AbortController: Node 20's AbortController and EventTarget listeners cost about as much per
 * request as the gateway's own dispatch work (bench/passthrough.ts at half load), and undici takes
 * an EventEmitter with an 'abort' event as a request signal too.
 */
export class ClientAbort extends EventEmitter {
  #aborted = false;

  get aborted(): boolean {
    return this.#aborted;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.emit('abort');
  }
}

/** What the pipeline and the backends see of it. */
export interface ClientAbortSignal {
  readonly aborted: boolean;
  once(event: 'abort', listener: () => void): unknown;
  off(event: 'abort', listener: () => void): unknown;
}
