/**
 * Configuration problems are collected, never thrown one at a time: start-up lists every problem
 * (file, path inside the file, line, what to fix) and stops.
 */
export interface ConfigProblem {
  /** Absolute path of the file the problem is in. */
  readonly file: string;
  /** JSON-pointer-like path inside the file ('/backend/url'), or an XPath-ish location for WSDL files; '' for the whole file. */
  readonly path: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** What is wrong and what to do about it. */
  readonly message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = `${p.file}${p.line !== undefined ? `:${p.line}` : ''}${p.path ? ` at ${p.path}` : ''}`;
  return `${where}: ${p.message}`;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const n = problems.length;
  return `${n} configuration problem${n === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`;
}
