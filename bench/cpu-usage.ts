/**
 * Where the CPU goes during a benchmark phase: CPU time of each process (all its threads, user +
 * system) and how busy the whole machine was, between two snapshots. Linux only (/proc); elsewhere
 * the figures are NaN. /proc reports in USER_HZ ticks, 100 per second on Linux.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const USER_HZ = 100;

export interface CpuSnapshot {
  readonly atMs: number;
  /** CPU seconds per process name. */
  readonly processes: ReadonlyMap<string, number>;
  /** All CPUs, seconds: busy and total (busy + idle + iowait). */
  readonly machineBusy: number;
  readonly machineTotal: number;
}

export interface CpuShare {
  /** Per process, percent of one core over the phase. */
  readonly processes: ReadonlyMap<string, number>;
  /** Percent of one core used by everything not listed (other processes, the kernel). */
  readonly others: number;
  /** Percent of all cores. */
  readonly machineBusy: number;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** utime + stime of a process, seconds. Fields after the parenthesised command name. */
function processSeconds(pid: number): number {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

function machineSeconds(): { busy: number; total: number } {
  const line = readOrEmpty('/proc/stat').split('\n')[0] ?? '';
  const [, ...ticks] = line.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const n = ticks.slice(0, 8).map(Number);
  const idle = (n[3] ?? Number.NaN) + (n[4] ?? Number.NaN);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / USER_HZ, total: total / USER_HZ };
}

/** `pids`: name → pid; the current process is read from `process.cpuUsage()` when its pid is given. */
export function cpuSnapshot(pids: ReadonlyMap<string, number>): CpuSnapshot {
  const processes = new Map<string, number>();
  for (const [name, pid] of pids) {
    if (pid === process.pid) {
      const u = process.cpuUsage();
      processes.set(name, (u.user + u.system) / 1e6);
    } else {
      processes.set(name, processSeconds(pid));
    }
  }
  const machine = machineSeconds();
  return { atMs: performance.now(), processes, machineBusy: machine.busy, machineTotal: machine.total };
}

export function cpuShare(from: CpuSnapshot, to: CpuSnapshot): CpuShare {
  const wall = (to.atMs - from.atMs) / 1000;
  const processes = new Map<string, number>();
  for (const [name, end] of to.processes) processes.set(name, (100 * (end - (from.processes.get(name) ?? Number.NaN))) / wall);
  const total = to.machineTotal - from.machineTotal;
  const machineBusy = total > 0 ? (100 * (to.machineBusy - from.machineBusy)) / total : Number.NaN;
  const listed = [...processes.values()].reduce((a, b) => a + b, 0);
  return { processes, others: Math.max(0, machineBusy * cpus().length - listed), machineBusy };
}


/**
 * CPU use split between alternating phases (e.g. the time-sliced targets of an open-loop run):
 * `switchTo(k)` closes the current phase and opens k's; `switchTo(undefined)` closes without opening.
 */
export class CpuAccumulator {
  readonly #pids: ReadonlyMap<string, number>;
  readonly #totals: { wallMs: number; processes: Map<string, number>; machineBusy: number; machineTotal: number }[];
  #current: number | undefined;
  #last: CpuSnapshot | undefined;

  constructor(pids: ReadonlyMap<string, number>, phases: number) {
    this.#pids = pids;
    this.#totals = Array.from({ length: phases }, () => ({ wallMs: 0, processes: new Map<string, number>(), machineBusy: 0, machineTotal: 0 }));
  }

  switchTo(phase: number | undefined): void {
    const now = cpuSnapshot(this.#pids);
    const total = this.#current === undefined ? undefined : this.#totals[this.#current];
    if (total !== undefined && this.#last !== undefined) {
      total.wallMs += now.atMs - this.#last.atMs;
      for (const [name, end] of now.processes) total.processes.set(name, (total.processes.get(name) ?? 0) + end - (this.#last.processes.get(name) ?? Number.NaN));
      total.machineBusy += now.machineBusy - this.#last.machineBusy;
      total.machineTotal += now.machineTotal - this.#last.machineTotal;
    }
    this.#current = phase;
    this.#last = now;
  }

  /** The phase's CPU use as if it had been one run from a zero snapshot to the accumulated one. */
  share(phase: number): CpuShare {
    const t = this.#totals[phase];
    if (t === undefined) throw new RangeError(`no phase ${phase}`);
    const zero: CpuSnapshot = { atMs: 0, processes: new Map([...t.processes.keys()].map((k) => [k, 0])), machineBusy: 0, machineTotal: 0 };
    return cpuShare(zero, { atMs: t.wallMs, processes: t.processes, machineBusy: t.machineBusy, machineTotal: t.machineTotal });
  }
}
