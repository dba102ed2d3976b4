import { closeBuffer, openBuffer, readBuffer, xmlRegisterInputProvider } from 'libxml2-wasm';

/**
 * The only way libxml2 reads anything in this process. One provider is registered, once, and it
 * claims every name libxml2 asks for (registered providers are asked before libxml2's own loader):
 * inside `withMemoryDocuments` it serves that call's in-memory documents and refuses every other
 * name; outside one it refuses everything. No schemaLocation, DTD or xsi:schemaLocation ever
 * reaches the file system or the network.
 *
 * libxml2 keeps at most 15 input providers per process, hence one provider with a per-call table
 * rather than one per schema set.
 */
interface Session {
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly refused: string[];
}

let registered = false;
let session: Session | undefined;

/** Registers the provider (idempotent). */
function installInputProvider(): void {
  if (registered) return;
  const ok = xmlRegisterInputProvider({
    match: () => true,
    open: (name) => {
      const data = session?.files.get(name);
      if (data === undefined) {
        session?.refused.push(name);
        return undefined;
      }
      return openBuffer(data);
    },
    read: (fd, buf) => readBuffer(fd, buf),
    close: (fd) => {
      closeBuffer(fd);
      return true;
    },
  });
  if (!ok) throw new Error('libxml2 refused the in-memory input provider (its provider table is full)');
  registered = true;
}

export type MemoryRun<T> =
  | { readonly ok: true; readonly value: T; readonly refused: readonly string[] }
  | { readonly ok: false; readonly error: unknown; readonly refused: readonly string[] };

/** Runs `fn` (synchronous, as libxml2-wasm is) with `files` readable by name; reports the names libxml2 asked for and did not get. */
export function withMemoryDocuments<T>(files: ReadonlyMap<string, Uint8Array>, fn: () => T): MemoryRun<T> {
  installInputProvider();
  if (session !== undefined) throw new Error('withMemoryDocuments is not re-entrant');
  const current: Session = { files, refused: [] };
  session = current;
  try {
    return { ok: true, value: fn(), refused: current.refused };
  } catch (error) {
    return { ok: false, error, refused: current.refused };
  } finally {
    session = undefined;
  }
}
