import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between a client and a server, to break the link the way networks break:
 * `cut` (connections reset, new ones refused: the server is down), `freeze` (sockets stay open,
 * nothing passes: a silent partition), `swallowRepliesAfter` (a request reaches the server, its
 * answer never comes back), and `restore`.
 */
export interface TcpProxy {
  readonly port: number;
  cut(): void;
  freeze(): void;
  /** The next connection that sends `pattern` gets no more replies; afterwards new connections are `then`. */
  swallowRepliesAfter(pattern: string, then: 'up' | 'cut'): void;
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  frozen: boolean;
  swallow: boolean;
}

export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  let mode: 'up' | 'cut' | 'frozen' = 'up';
  let trigger: { pattern: Buffer; then: 'up' | 'cut' } | undefined;
  const pairs = new Set<Pair>();
  const destroy = (p: Pair): void => {
    pairs.delete(p);
    p.client.destroy();
    p.upstream.destroy();
  };
  const server: Server = createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(port, host);
    const pair: Pair = { client, upstream, frozen: mode === 'frozen', swallow: false };
    pairs.add(pair);
    client.on('data', (d: Buffer) => {
      if (pair.frozen) return;
      if (trigger !== undefined && d.includes(trigger.pattern)) {
        pair.swallow = true;
        mode = trigger.then;
        trigger = undefined;
      }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (!pair.frozen && !pair.swallow) client.write(d);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => destroy(pair));
      s.on('close', () => destroy(pair));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      mode = 'cut';
      for (const p of [...pairs]) destroy(p);
    },
    freeze() {
      mode = 'frozen';
      for (const p of pairs) p.frozen = true;
    },
    swallowRepliesAfter(pattern, then) {
      trigger = { pattern: Buffer.from(pattern), then };
    },
    restore() {
      mode = 'up';
      trigger = undefined;
      for (const p of [...pairs]) if (p.frozen || p.swallow) destroy(p);
    },
    async close() {
      for (const p of [...pairs]) destroy(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
