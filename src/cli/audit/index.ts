import { ConfigError } from '../../config/problems.ts';
import { consoleIo, UsageError, type AuditIo } from './args.ts';
import { EXPORT_HELP, exportCommand } from './export.ts';
import { QUERY_HELP, queryCommand } from './query.ts';
import { REPORT_HELP, reportCommand } from './report.ts';
import { VERIFY_HELP, verifyCommand } from './verify.ts';

export const AUDIT_HELP = `wsgate audit: the compliance team's tools for the audit trail

Usage:
  wsgate audit verify  (--config FILE | --dir DIR --key PUB.pem) [--chain ID] [--open] [--json]
  wsgate audit verify  --bundle DIR [--key PUB.pem] [--json]
  wsgate audit query   (--config FILE | --dir DIR) [--from T] [--to T] [--service S] [--operation O]
                       [--principal TEXT] [--application A] [--decision D] [--fault CODE]
                       [--format table|json|csv] [--limit N]
  wsgate audit export  (--config FILE | --dir DIR --key PUB.pem) [--from T] [--to T] --out DIR
  wsgate audit report  (--config FILE | --dir DIR --key PUB.pem) [--from T] [--to T] --out FILE.html

'wsgate audit <command> --help' explains each command.
Exit codes: 0 ok, 1 a chain or bundle does not verify, 2 usage or configuration error.`;

type Command = (argv: readonly string[], io: AuditIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, { readonly run: Command; readonly help: string }>> = {
  verify: { run: verifyCommand, help: VERIFY_HELP },
  query: { run: queryCommand, help: QUERY_HELP },
  export: { run: exportCommand, help: EXPORT_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
};

/** `wsgate audit ...`: never throws; usage and configuration errors are messages and exit code 2. */
export async function runAudit(argv: readonly string[], io: AuditIo = consoleIo): Promise<number> {
  const name = argv[0];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(AUDIT_HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`wsgate audit: unknown command '${name}'\n\n${AUDIT_HELP}`);
    return 2;
  }
  try {
    return await command.run(argv.slice(1), io);
  } catch (err) {
    if (err instanceof UsageError) io.err(`wsgate audit ${name}: ${err.message}\n(see 'wsgate audit ${name} --help')`);
    else if (err instanceof ConfigError) io.err(err.message);
    else io.err(`wsgate audit ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}
