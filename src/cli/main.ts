import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareGateway } from '../bootstrap.ts';
import { ConfigError } from '../config/problems.ts';
import { runAudit } from './audit/index.ts';
import { renderCheckReport } from './check.ts';
import { renderExplain } from './explain.ts';
import { serve } from './serve.ts';

const HELP = `wsgate - SOAP/WS-Security gateway

Usage:
  wsgate serve --config FILE [--workers N]   start the gateway (N processes sharing one port)
  wsgate check --config FILE [--workers N]   validate every file and print what each service exposes
  wsgate check --config FILE --explain       also print the effective security contract per operation in plain words
  wsgate audit verify|query|export|report    the audit trail: verify it, find records, export evidence, report
                                             ('wsgate audit --help', 'wsgate audit <command> --help')
  wsgate --help                              this text

Options:
  -c, --config FILE   the gateway file (listen address, TLS, admin port, services)
  -w, --workers N     processes to run (default: the file's 'workers', else 1)
  -h, --help          show help

Exit codes: 0 ok, 1 configuration problems (all listed), 2 usage error.
Docs: README.md, docs/config-reference.md, docs/errors.md`;

function usage(message: string): number {
  console.error(`wsgate: ${message}\n\n${HELP}`);
  return 2;
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'audit') return runAudit(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        workers: { type: 'string', short: 'w' },
        help: { type: 'boolean', short: 'h' },
        explain: { type: 'boolean' },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === 'help' || command === undefined) {
    console.log(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command !== 'serve' && command !== 'check') return usage(`unknown command '${command}'`);
  if (!values.config) return usage(`${command} needs --config FILE`);
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) return usage(`--workers must be a whole number from 1 to 256, not '${values.workers}'`);
  }
  const configFile = resolve(values.config);

  if (command === 'check') {
    try {
      const prepared = prepareGateway(configFile);
      const n = workers ?? prepared.gateway.workers;
      console.log(renderCheckReport(prepared, { workers: n }));
      if (values.explain) console.log(`\nEFFECTIVE POLICY\n\n${renderExplain(prepared)}`);
      if (n > 1 && prepared.gateway.workers === 1) {
        console.log(`  ! --workers ${n}: with in-memory stores, rate limits and replay detection are per worker`);
      }
      console.log('\nconfiguration OK');
      return 0;
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        return 1;
      }
      throw err;
    }
  }
  return serve(configFile, workers);
}

const isEntry = process.argv[1] !== undefined && /[/\\]cli[/\\]main\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
