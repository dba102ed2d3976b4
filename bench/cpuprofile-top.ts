/**
 * Self time from a V8 .cpuprofile (as written by `node --cpu-prof`): samples × the mean sampling
 * interval, summed per function (name + url:line) and per module (package under node_modules, or
 * file of our own). Without a window that is each node's hitCount; with one, only the samples taken
 * inside it count (profile timestamps are CLOCK_MONOTONIC microseconds, the clock of
 * `process.hrtime`, so another process can name the window).
 *
 *   node --import tsx bench/cpuprofile-top.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** Microseconds. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  readonly timeDeltas: readonly number[];
}

/** Microseconds, CLOCK_MONOTONIC (`process.hrtime.bigint() / 1000n`). */
export interface ProfileWindow {
  readonly fromUs: number;
  readonly toUs: number;
}

export interface SelfTime {
  readonly key: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  /** Sampled time: wall time of the profile or of the window. */
  readonly totalMs: number;
  readonly intervalUs: number;
  readonly functions: readonly SelfTime[];
  readonly modules: readonly SelfTime[];
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

function moduleOf(url: string): string {
  if (url === '') return '(native / VM)';
  if (url.startsWith('node:')) return 'node: (core)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const [scopeOrName = '', name = ''] = url.slice(nm + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  return shortUrl(url);
}

function ranked(totals: ReadonlyMap<string, number>, totalMs: number): SelfTime[] {
  return [...totals].map(([key, ms]) => ({ key, ms, share: ms / totalMs })).sort((a, b) => b.ms - a.ms);
}

/** Samples per node id: all of them, or those inside `window`. */
function hitsPerNode(profile: CpuProfile, window: ProfileWindow | undefined): { hits: Map<number, number>; spanUs: number; count: number } {
  const hits = new Map<number, number>();
  let count = 0;
  if (window === undefined) {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
    count = profile.samples.length;
    return { hits, spanUs: profile.endTime - profile.startTime, count };
  }
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < window.fromUs || t > window.toUs) return;
    hits.set(id, (hits.get(id) ?? 0) + 1);
    count++;
  });
  const spanUs = Math.min(window.toUs, profile.endTime) - Math.max(window.fromUs, profile.startTime);
  return { hits, spanUs, count };
}

export function summarizeProfile(profile: CpuProfile, window?: ProfileWindow): ProfileSummary {
  const { hits, spanUs, count } = hitsPerNode(profile, window);
  const intervalUs = spanUs / Math.max(1, count);
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let totalMs = 0;
  for (const node of profile.nodes) {
    const ms = ((hits.get(node.id) ?? 0) * intervalUs) / 1000;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const mod = moduleOf(url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
    totalMs += ms;
  }
  return { totalMs, intervalUs, functions: ranked(byFunction, totalMs), modules: ranked(byModule, totalMs) };
}

export function formatSummary(s: ProfileSummary, top: number): string {
  const row = (t: SelfTime): string => `${t.ms.toFixed(0).padStart(8)}  ${(100 * t.share).toFixed(1).padStart(5)}%  ${t.key}`;
  return [
    `sampled ${(s.totalMs / 1000).toFixed(1)} s at ~${s.intervalUs.toFixed(0)} µs per sample`,
    `top ${top} functions by self time`,
    `   self ms  share  function  url:line`,
    ...s.functions.slice(0, top).map(row),
    '',
    `top ${top} modules by self time`,
    ...s.modules.slice(0, top).map(row),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, top = '15'] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: cpuprofile-top.ts <file.cpuprofile> [top]');
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(`${formatSummary(summarizeProfile(profile), Number(top))}\n`);
  }
}
