import { closeSync, constants, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY_HEAD, type ChainHead } from '../chain.ts';
import type { AuditEntry } from '../entries.ts';
import type { AuditSink, SinkOpenResult } from '../sink.ts';
import { auditFileName, dayOf, listChains, parseAuditFileName, CHAIN_ID } from './file-names.ts';

export interface FileSinkOptions {
  readonly dir: string;
  /** Rotate when the current file would grow beyond this many bytes. */
  readonly maxBytes: number;
  /** Rotate when the UTC day changes. */
  readonly daily: boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The head of a chain from the entries of its last file (the file entry opens every file). */
export function headOf(entries: readonly AuditEntry[]): ChainHead {
  let records = 0;
  let sinceCheckpoint = 0;
  for (const e of entries) {
    if (e.kind === 'file' || e.kind === 'checkpoint') records = e.records;
    if (e.kind === 'record') {
      records += 1;
      sinceCheckpoint += 1;
    }
    if (e.kind === 'checkpoint') sinceCheckpoint = 0;
  }
  const last = entries.at(-1);
  if (last === undefined) return EMPTY_HEAD;
  return { seq: last.seq, hash: last.hash, records, closed: last.kind === 'checkpoint' && last.final, sinceCheckpoint };
}

/**
 * JSON Lines files, one chain per gateway instance, 0600 in a 0700 directory. Every write is one
 * O_DSYNC append (group commit: the trail hands over everything queued meanwhile).
 * Each file opens with a `file` entry chained to the previous file's last entry.
 */
export class FileAuditSink implements AuditSink {
  readonly kind = 'file' as const;
  readonly location: string;
  readonly #opts: FileSinkOptions;
  #chain = '';
  #current: { name: string; number: number; day: string; fd: FileHandle; size: number } | undefined;
  #lastNumber = 0;
  #lockPath: string | undefined;

  constructor(opts: FileSinkOptions) {
    this.#opts = opts;
    this.location = opts.dir;
  }

  async open(chain: string): Promise<SinkOpenResult> {
    if (!CHAIN_ID.test(chain)) throw new Error(`audit chain id ${JSON.stringify(chain)} must match ${CHAIN_ID.source}`);
    this.#chain = chain;
    mkdirSync(this.#opts.dir, { recursive: true, mode: 0o700 });
    this.#lock(chain);
    const files = listChains(this.#opts.dir).get(chain) ?? [];
    const last = files.at(-1);
    if (last === undefined) return { head: EMPTY_HEAD, repaired: undefined };
    this.#lastNumber = last.number;
    const path = join(this.#opts.dir, last.name);
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const entries: AuditEntry[] = [];
    let goodBytes = 0;
    let repaired: string | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const complete = i < lines.length - 1;
      if (line === '' && !complete) break;
      let parsed: AuditEntry | undefined;
      try {
        parsed = complete ? (JSON.parse(line) as AuditEntry) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined) {
        // Only the very end of the last file can be torn (a write cut short by a crash; never acknowledged).
        const rest = Buffer.byteLength(lines.slice(i).join('\n'));
        if (i < lines.length - 2) throw new Error(`${path}: line ${i + 1} is not a complete audit entry and more lines follow it: refusing to continue this chain (run wsgate audit verify)`);
        repaired = `removed ${rest} bytes of an incomplete last line in ${last.name}`;
        truncateSync(path, goodBytes);
        break;
      }
      entries.push(parsed);
      goodBytes += Buffer.byteLength(line) + 1;
    }
    return { head: headOf(entries), repaired };
  }

  /** One writer per chain: a lock file holding the writer's pid (a dead writer's lock is taken over). */
  #lock(chain: string): void {
    const path = join(this.#opts.dir, `.lock-${chain}`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        this.#lockPath = path;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) throw new Error(`audit chain ${chain} in ${this.#opts.dir} is being written by process ${pid} (${path}); each instance needs its own audit.instanceId`);
      rmSync(path, { force: true });
    }
    throw new Error(`could not lock audit chain ${chain} (${path})`);
  }

  rotation(now: Date, force: boolean): { file: string; previousFile: string | null } | undefined {
    const cur = this.#current;
    const due = force || cur === undefined || cur.size >= this.#opts.maxBytes || (this.#opts.daily && cur.day !== dayOf(now));
    if (!due) return undefined;
    return { file: auditFileName(this.#chain, this.#lastNumber + 1, now), previousFile: cur?.name ?? this.#previousOnDisk() };
  }

  #previousOnDisk(): string | null {
    const files = listChains(this.#opts.dir).get(this.#chain) ?? [];
    return files.at(-1)?.name ?? null;
  }

  async write(entries: readonly AuditEntry[], lines: readonly string[]): Promise<void> {
    if (lines.length !== entries.length) throw new Error('audit file sink: one line per entry expected');
    const start = this.#current;
    const startSize = start?.size ?? 0;
    const startNumber = this.#lastNumber;
    try {
      let chunk = '';
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i] as AuditEntry;
        if (e.kind === 'file') {
          await this.#append(chunk);
          chunk = '';
          await this.#switchTo(e.file, start);
        }
        chunk += `${lines[i] as string}\n`;
      }
      await this.#append(chunk);
    } catch (err) {
      // All or nothing: the chain continues from the last durable entry, so nothing of a failed write may stay.
      const now = this.#current;
      if (now !== undefined && now !== start) {
        await now.fd.close().catch(() => undefined);
        await unlink(join(this.#opts.dir, now.name)).catch(() => undefined);
      }
      if (start !== undefined) await start.fd.truncate(startSize).catch(() => undefined);
      if (start !== undefined) start.size = startSize;
      this.#current = start;
      this.#lastNumber = startNumber;
      throw err;
    }
    if (start !== undefined && this.#current !== start) await start.fd.close();
  }

  async #switchTo(name: string, keepOpen: unknown): Promise<void> {
    const f = parseAuditFileName(name);
    if (!f || f.chain !== this.#chain) throw new Error(`bad audit file name ${name}`);
    // O_DSYNC: every append is durable when write() returns, one thread-pool round trip per batch instead of write + fdatasync.
    const fd = await open(join(this.#opts.dir, name), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC, 0o600);
    await fd.chmod(0o600);
    // The new directory entry must survive a crash too.
    const dirFd = openSync(this.#opts.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    const old = this.#current;
    this.#current = { name, number: f.number, day: f.day, fd, size: (await fd.stat()).size };
    this.#lastNumber = f.number;
    // The file this write started in stays open until the write succeeded (it may have to be rolled back).
    if (old && old !== keepOpen) await old.fd.close();
  }

  async #append(text: string): Promise<void> {
    if (text === '') return;
    const cur = this.#current;
    if (cur === undefined) throw new Error('audit file sink: no file is open (the first entry of a run must be a file entry)');
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await cur.fd.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
    cur.size += buf.length;
  }

  /** Re-reads the current file: a write that failed was rolled back, so this is normally the trail's own head. */
  async head(): Promise<ChainHead> {
    const cur = this.#current;
    if (cur === undefined) return (await this.open(this.#chain)).head;
    const text = readFileSync(join(this.#opts.dir, cur.name), 'utf8');
    const entries: AuditEntry[] = [];
    let good = 0;
    for (const line of text.split('\n')) {
      if (line === '') break;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
        good += Buffer.byteLength(line) + 1;
      } catch {
        break;
      }
    }
    if (good < Buffer.byteLength(text)) {
      await cur.fd.truncate(good);
      cur.size = good;
    }
    return headOf(entries);
  }

  /** Writes, syncs and removes a small file beside the chain: the directory takes writes again. */
  async probe(): Promise<void> {
    const path = join(this.#opts.dir, `.probe-${this.#chain}`);
    const fd = await open(path, 'w', 0o600);
    try {
      await fd.write('probe\n');
      await fd.datasync();
    } finally {
      await fd.close();
      await unlink(path).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const cur = this.#current;
    this.#current = undefined;
    if (cur) await cur.fd.close();
    if (this.#lockPath !== undefined) rmSync(this.#lockPath, { force: true });
    this.#lockPath = undefined;
  }
}
