import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { TrustedKey } from '../../audit/bundle.ts';
import { publicKeyFromPem } from '../../audit/keys.ts';
import { fileSource, type AuditSource } from '../../audit/source.ts';
import { listChains } from '../../audit/sinks/file-names.ts';
import { postgresSource } from '../../audit/sinks/postgres-read.ts';
import { verifyChain, type ChainReport, type StoredEntry, type VerifyOptions, type VerifyProblem } from '../../audit/verify.ts';
import { loadConfig } from '../../config/load.ts';
import { readSecret } from '../../config/secrets.ts';
import type { PostgresAuditConfig } from '../../config/types.ts';
import { list, str, UsageError, type AuditIo, type ParsedValues } from './args.ts';

/** The trail a command reads, the keys it trusts and the chains it looks at. */
export interface SelectedSource {
  readonly source: AuditSource;
  readonly kind: 'file' | 'postgres';
  /** The file sink's directory. */
  readonly dir: string | undefined;
  /** The PostgreSQL store, to run queries in the database. */
  readonly postgres: { readonly cfg: PostgresAuditConfig; readonly password: string | undefined } | undefined;
  readonly keys: readonly TrustedKey[];
  readonly chains: readonly string[];
  /** Checks beyond the chain itself (PostgreSQL: query columns that disagree with the entry). */
  readonly storeProblems: (chain: string) => Promise<VerifyProblem[]>;
}

/** Reads a trusted public key; a private key or anything but Ed25519 is refused. */
export function readTrustedKey(file: string): TrustedKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read key ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (pem.includes('PRIVATE KEY')) throw new UsageError(`${file} holds a private key: give the public key (the .pub.pem file)`);
  try {
    const { key, keyId } = publicKeyFromPem(pem);
    return { key, keyId, pem, origin: file };
  } catch (err) {
    throw new UsageError(`${file} is not a usable audit public key: ${(err as Error).message}`);
  }
}

const inside = (dir: string, file: string): boolean => {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

interface Origin {
  readonly source: AuditSource;
  readonly kind: 'file' | 'postgres';
  readonly dir: string | undefined;
  readonly postgres: SelectedSource['postgres'];
  /** The public key file named by the configuration. */
  readonly configuredKey: string | undefined;
  readonly storeProblems: SelectedSource['storeProblems'];
}

const none = (): Promise<VerifyProblem[]> => Promise.resolve([]);

function fromConfig(file: string, env: NodeJS.ProcessEnv): Origin {
  const { gateway } = loadConfig(resolve(file), { env });
  const a = gateway.audit;
  const configuredKey = `${a.signingKey}.pub.pem`;
  if (a.sink === 'off') throw new UsageError(`${gateway.file}: audit.sink is off: this gateway keeps no audit trail`);
  if (a.sink === 'postgres') {
    const cfg = a.postgres;
    if (cfg === undefined) throw new UsageError(`${gateway.file}: audit.sink is postgres but audit.postgres is missing`);
    const password = cfg.password !== undefined ? readSecret(cfg.password, env) : undefined;
    const source = postgresSource(cfg, password);
    return { source, kind: 'postgres', dir: undefined, postgres: { cfg, password }, configuredKey, storeProblems: (chain) => source.indexProblems(chain) };
  }
  if (!existsSync(a.dir)) throw new UsageError(`${gateway.file}: the audit directory ${a.dir} does not exist (has the gateway run?)`);
  return { source: fileSource(a.dir), kind: 'file', dir: a.dir, postgres: undefined, configuredKey, storeProblems: none };
}

function fromDir(dir: string): Origin {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`--dir ${dir}: no such directory`);
  return { source: fileSource(abs), kind: 'file', dir: abs, postgres: undefined, configuredKey: undefined, storeProblems: none };
}

/**
 * `--config gateway.yaml` (audit.sink, dir or postgres, and `<signingKey>.pub.pem`) or `--dir DIR`
 * with `--key PUB.pem`; `--chain ID` narrows to one chain. With `needKey`, a trusted key is
 * required: a key found among the data is never trusted by itself.
 */
export async function selectSource(v: ParsedValues, io: AuditIo, needKey: boolean): Promise<SelectedSource> {
  const config = str(v, 'config');
  const dir = str(v, 'dir');
  if (config !== undefined && dir !== undefined) throw new UsageError('give either --config or --dir, not both');
  if (config === undefined && dir === undefined) throw new UsageError('give --config gateway.yaml or --dir DIR (the audit directory)');
  const origin = config !== undefined ? fromConfig(config, io.env) : fromDir(dir as string);
  try {
    const keyFiles = list(v, 'key');
    let keys: TrustedKey[] = [];
    if (keyFiles.length > 0) keys = keyFiles.map((f) => readTrustedKey(resolve(f)));
    else if (needKey && origin.configuredKey !== undefined) {
      if (!existsSync(origin.configuredKey)) throw new UsageError(`no trusted public key: ${origin.configuredKey} does not exist; give --key PUB.pem`);
      keys = [readTrustedKey(origin.configuredKey)];
      if (origin.dir !== undefined && inside(origin.dir, origin.configuredKey)) {
        io.err(`note: the trusted key ${origin.configuredKey} is read from the audit directory itself; whoever can rewrite the trail can replace it too: pin a copy kept elsewhere with --key`);
      }
    } else if (needKey) {
      throw new UsageError('no trusted public key: give --key PUB.pem (the gateway\'s <signingKey>.pub.pem, kept apart from the trail; a key found in the audit directory is never trusted by itself)');
    }
    const all = await origin.source.chains();
    const chain = str(v, 'chain');
    if (chain !== undefined && !all.includes(chain)) throw new UsageError(`chain ${chain} not found in ${origin.source.description} (chains: ${all.join(', ') || 'none'})`);
    return { ...origin, keys, chains: chain !== undefined ? [chain] : all };
  } catch (err) {
    await origin.source.close();
    throw err;
  }
}

/** Each stored line of a file-sink chain exactly as it is in its file, by position (`file:line`). */
export function rawLinesOf(dir: string, chain: string): (s: StoredEntry) => string {
  const lines = new Map<string, string>();
  for (const f of listChains(dir).get(chain) ?? []) {
    const text = readFileSync(join(dir, f.name), 'utf8').split('\n');
    if (text.at(-1) === '') text.pop();
    text.forEach((line, i) => lines.set(`${f.name}:${i + 1}`, line));
  }
  return (s) => lines.get(s.where) ?? JSON.stringify(s.entry);
}

/** verifyChain over a stored chain, with the store's own checks (PostgreSQL query columns) added. */
export async function verifyStored(sel: SelectedSource, chain: string, stored: readonly StoredEntry[], open: boolean): Promise<ChainReport> {
  const opts: VerifyOptions = { publicKeys: sel.keys, open };
  const report = verifyChain(chain, stored, opts);
  const extra = await sel.storeProblems(chain);
  if (extra.length === 0) return report;
  return { ...report, ok: false, problems: [...report.problems, ...extra] };
}
