import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifyBundle } from '../../audit/bundle.ts';
import type { ChainReport } from '../../audit/verify.ts';
import { flag, list, parseOptions, SOURCE_OPTIONS, str, UsageError, type AuditIo } from './args.ts';
import { readTrustedKey, selectSource, verifyStored } from './source.ts';
import { bundleText, verifyText } from './verify-output.ts';

export const VERIFY_HELP = `wsgate audit verify: check that the trail is complete and unaltered

Usage:
  wsgate audit verify --config gateway.yaml [--key PUB.pem] [--chain ID] [--open] [--json]
  wsgate audit verify --dir DIR --key PUB.pem [--key PUB2.pem] [--chain ID] [--open] [--json]
  wsgate audit verify --bundle DIR [--key PUB.pem] [--json]

Every chain (or --chain ID) is checked entry by entry: each line parses and matches its hash, links
to the one before it (seq, prev), every checkpoint is signed by a trusted key and counts the records
before it, and the chain ends with a signed final checkpoint. Each problem is printed with its
position (file:line, or the PostgreSQL chain and seq).

  --config FILE  the gateway file: audit.sink, audit.dir or audit.postgres, and the trusted key
                 <audit.signingKey>.pub.pem unless --key is given
  --dir DIR      a file sink directory (needs --key)
  --key PUB.pem  a trusted Ed25519 public key (repeat for several); a key found among the data is
                 never trusted by itself
  --chain ID     only this chain (default: every chain found)
  --open         the gateway is still writing: entries after the last checkpoint are reported as
                 not sealed yet instead of failing
  --bundle DIR   check an evidence bundle made by 'wsgate audit export' (no gateway, no config
                 needed); --key pins the expected key, without it the bundle's key id is printed
                 to be compared out of band
  --json         the reports as JSON

Exit codes: 0 every chain verifies, 1 a problem was found, 2 usage or configuration error.`;

const OPTIONS = { ...SOURCE_OPTIONS, open: { type: 'boolean' }, json: { type: 'boolean' }, bundle: { type: 'string' } } as const;

function checkBundle(dir: string, keyFiles: readonly string[], json: boolean, io: AuditIo): number {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`--bundle ${dir}: no such directory`);
  const pinned = keyFiles.map((f) => readTrustedKey(resolve(f)));
  const report = verifyBundle(abs, pinned.length > 0 ? pinned : undefined);
  io.out(json ? JSON.stringify(report, null, 2) : bundleText(report));
  return report.ok ? 0 : 1;
}

export async function verifyCommand(argv: readonly string[], io: AuditIo): Promise<number> {
  const v = parseOptions(argv, OPTIONS);
  if (flag(v, 'help')) {
    io.out(VERIFY_HELP);
    return 0;
  }
  const bundle = str(v, 'bundle');
  if (bundle !== undefined) {
    for (const o of ['config', 'dir', 'chain', 'open']) if (v[o] !== undefined) throw new UsageError(`--bundle takes only --key and --json, not --${o}`);
    return checkBundle(bundle, list(v, 'key'), flag(v, 'json'), io);
  }
  const sel = await selectSource(v, io, true);
  try {
    const reports: ChainReport[] = [];
    for (const chain of sel.chains) reports.push(await verifyStored(sel, chain, await sel.source.read(chain), flag(v, 'open')));
    const ok = reports.length > 0 && reports.every((r) => r.ok);
    const keys = sel.keys.map((k) => ({ keyId: k.keyId, origin: k.origin }));
    io.out(flag(v, 'json') ? JSON.stringify({ ok, source: sel.source.description, keys, chains: reports }, null, 2) : verifyText(sel.source.description, keys, reports));
    return ok ? 0 : 1;
  } finally {
    await sel.source.close();
  }
}
