/**
 * In-process WS-Security throughput of the gateway (parse + full security processing, see
 * bench/verify-worker.ts) next to libxmlsec1 (the anchors' python-xmlsec loop) in the same run, on
 * the anchors' messages. Run it pinned to one core; each peer runs as a child process and inherits
 * the pinning:
 *
 *   taskset -c 0 npm run bench:verify -- [--reps 3] [--warmup 2] [--duration 5]
 *       [--before DIR[=LABEL]] [--xmlsec /tmp/anchors/py/bench_xmlsec.py] [--skip-checks] [FILE...]
 *
 * `--before DIR` also measures the gateway code in DIR (a copy of the repository's src/ with
 * package.json and node_modules) for a before/after comparison within one run. The libxmlsec1 peer
 * needs the anchors copied and generated (/work/shared/anchors/BASELINE.md); without it the
 * ratios are left out. Figures: messages per second of the child's own CPU time (process.cpuUsage
 * / process_time: JIT and GC threads included) and per wall-clock second; medians over --reps.
 *
 * Then, unless --skip-checks, the cost of the checks a contract adds to the signed message, in one
 * child run with the variants interleaved (bench/verify-checks.ts): the whole runExchange path
 * signed only, with a SAML holder-of-key assertion, with request schema validation, and both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures', 'anchors');
// signenc-1k-str.xml: signenc-1k.xml with the EncryptedData's ds:RetrievalMethod replaced by a
// wsse:SecurityTokenReference to the same EncryptedKey: the gateway refuses RetrievalMethod there
// (src/security/encryption/encrypted-data.ts keyReferenceOf); the signature is unaffected.
const defaultFiles = ['signed-1k.xml', 'signed-100k.xml', 'signenc-1k-str.xml'].map((f) => join(fixtures, f));

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    reps: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5' },
    before: { type: 'string' },
    xmlsec: { type: 'string', default: '/tmp/anchors/py/bench_xmlsec.py' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'skip-checks': { type: 'boolean', default: false },
  },
});
const files = positionals.length > 0 ? positionals : defaultFiles;

interface Sample {
  readonly peer: string;
  readonly file: string;
  readonly bytes: number;
  readonly msgs_per_s: number;
  readonly msgs_per_cpu_s: number;
  readonly cpu_secs: number;
  readonly secs: number;
}

interface Peer {
  readonly name: string;
  command(file: string): [string, string[]];
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: join(here, '..'), encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

const head = git(['rev-parse', '--short', 'HEAD']);
const dirty = git(['status', '--porcelain', '--', 'src']) === '' ? '' : '+uncommitted';
const worker = join(here, 'verify-worker.ts');
const nodeArgs = (root: string, label: string, file: string): string[] => ['--import', 'tsx', worker, '--root', root, '--label', label, '--warmup', opts.warmup, '--duration', opts.duration, file];

const peers: Peer[] = [{ name: `wsgate ${head}${dirty}`, command: (f) => [process.execPath, nodeArgs(join(here, '..'), `wsgate ${head}${dirty}`, f)] }];
if (opts.before !== undefined) {
  const [dir, label] = opts.before.split('=') as [string, string | undefined];
  const name = `before: ${label ?? dir}`;
  peers.push({ name, command: (f) => [process.execPath, nodeArgs(dir, name, f)] });
}
const haveXmlsec = existsSync(opts.xmlsec);
if (haveXmlsec) {
  const op = (f: string): string => (basename(f).startsWith('signenc') ? 'signenc' : 'verify');
  peers.push({ name: 'libxmlsec1', command: (f) => [opts.python, [opts.xmlsec, '--op', op(f), '--warmup', '1', '--duration', opts.duration, f]] });
}

function runPeer(peer: Peer, file: string): Sample | string {
  const [cmd, args] = peer.command(file);
  const res = spawnSync(cmd, args, { encoding: 'utf8', cwd: join(here, '..'), maxBuffer: 1 << 24 });
  const line = res.stdout.split('\n').find((l) => l.startsWith('{'));
  if (res.status !== 0 || line === undefined) return `${peer.name} failed on ${basename(file)}: ${(res.stderr || res.stdout).split('\n').find((l) => /Error|error/.test(l)) ?? `exit ${res.status}`}`;
  return { ...(JSON.parse(line) as Sample), peer: peer.name };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const affinity = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
console.log(`# bench:verify  node ${process.version}  cpus allowed: ${affinity}${affinity.includes(',') || affinity.includes('-') ? '  (NOT pinned to one core: use taskset -c 0)' : ''}`);
console.log(`# command: ${process.argv.slice(1).map((a) => a.replace(join(here, '..') + '/', '')).join(' ')}  reps=${opts.reps} warmup=${opts.warmup}s duration=${opts.duration}s`);
if (!haveXmlsec) console.log(`# libxmlsec1 peer not found at ${opts.xmlsec}: no ratios`);

const samples: Sample[] = [];
const reps = Number(opts.reps);
for (let r = 0; r < reps; r++) {
  for (const file of files) {
    // Rotate the order of the peers between repetitions, as the anchors' harness does.
    const order = peers.map((_, i) => peers[(i + r) % peers.length] as Peer);
    for (const peer of order) {
      const got = runPeer(peer, file);
      if (typeof got === 'string') console.log(`# ${got}`);
      else samples.push(got);
    }
  }
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
console.log('\n| message (bytes) | peer | msg/s per CPU-s | msg/s wall | CPU share | per CPU-s / libxmlsec1 |');
console.log('|---|---|---|---|---|---|');
for (const file of files) {
  const name = basename(file);
  const forFile = samples.filter((s) => s.file === name);
  const ref = median(forFile.filter((s) => s.peer === 'libxmlsec1').map((s) => s.msgs_per_cpu_s));
  for (const peer of peers) {
    const mine = forFile.filter((s) => s.peer === peer.name);
    if (mine.length === 0) continue;
    const cpu = median(mine.map((s) => s.msgs_per_cpu_s));
    const wall = median(mine.map((s) => s.msgs_per_s));
    const share = median(mine.map((s) => s.cpu_secs / s.secs));
    const ratio = Number.isFinite(ref) && ref > 0 ? (cpu / ref).toFixed(3) : '-';
    console.log(`| ${name} (${mine[0]?.bytes ?? '?'}) | ${peer.name} | ${fmt(cpu)} | ${fmt(wall)} | ${share.toFixed(2)} | ${ratio} |`);
  }
}

if (!opts['skip-checks']) {
  const checks = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'verify-checks.ts'), '--reps', String(Math.max(reps, 1)), '--warmup', opts.warmup, '--duration', opts.duration], { encoding: 'utf8', cwd: join(here, '..'), maxBuffer: 1 << 24 });
  if (checks.status === 0) process.stdout.write(checks.stdout);
  else console.log(`# verify-checks failed: ${(checks.stderr || checks.stdout).split('\n').find((l) => /Error|error/.test(l)) ?? `exit ${checks.status}`}`);
}
