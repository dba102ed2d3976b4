/**
 * Checks the schema cannot express: files that must exist, combinations of keys, secrets that
 * must resolve. They run on the (possibly invalid) data too, so that one run reports everything;
 * every access is therefore guarded.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { compileXmlPath } from '../audit/redact.ts';
import type { ConfigProblem } from './problems.ts';
import { displayPath } from './schema-problems.ts';
import { tryReadSecret } from './secrets.ts';
import type { SecretRef } from './types.ts';
import type { SourceFile } from './yaml-locate.ts';

export type Rec = Readonly<Record<string, unknown>>;
export const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []);

export function problemAt(src: SourceFile, pointer: string, message: string): ConfigProblem {
  const line = src.lineOf(pointer);
  return line === undefined ? { file: src.file, path: pointer, message } : { file: src.file, path: pointer, line, message };
}

/** Why `file` cannot be used as an input file, or undefined when it can. */
export function unreadableFile(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return `${file} is not a file`;
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${file} does not exist`;
    if (code === 'EACCES' || code === 'EPERM') return `${file} cannot be read (permission denied)`;
    return `${file} cannot be read (${code ?? 'unknown error'})`;
  }
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

const wildcardHosts = new Set(['0.0.0.0', '::', '']);
const sameListener = (a: string, b: string): boolean => a === b || wildcardHosts.has(a) || wildcardHosts.has(b);

function checkTls(src: SourceFile, tls: Rec, env: NodeJS.ProcessEnv): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const base = dirname(src.file);
  const cert = str(tls['cert']);
  const key = str(tls['key']);
  const pfx = str(tls['pfx']);
  if (pfx !== undefined && (cert !== undefined || key !== undefined)) {
    out.push(problemAt(src, '/tls/pfx', 'tls.pfx cannot be combined with tls.cert/tls.key: use either cert and key, or pfx'));
  } else if (pfx === undefined && cert === undefined && key === undefined) {
    out.push(problemAt(src, '/tls', 'tls needs a certificate: set cert and key (PEM files), or pfx (a PKCS#12 file)'));
  } else if (pfx === undefined && cert === undefined) {
    out.push(problemAt(src, '/tls', 'tls.key needs tls.cert: set the PEM certificate chain that goes with the key'));
  } else if (pfx === undefined && key === undefined) {
    out.push(problemAt(src, '/tls', 'tls.cert needs tls.key: set the PEM private key of the certificate'));
  }

  const files: [string, string][] = [];
  for (const name of ['cert', 'key', 'pfx'] as const) {
    const value = str(tls[name]);
    if (value !== undefined) files.push([`/tls/${name}`, value]);
  }
  strings(tls['clientCa']).forEach((ca, i) => files.push([`/tls/clientCa/${i}`, ca]));
  for (const [pointer, value] of files) {
    const why = unreadableFile(resolve(base, value));
    if (why !== undefined) out.push(problemAt(src, pointer, `${displayPath(pointer)}: file ${why}`));
  }

  const clientAuth = str(tls['clientAuth']) ?? 'none';
  const clientCa = strings(tls['clientCa']);
  if ((clientAuth === 'optional' || clientAuth === 'require') && clientCa.length === 0) {
    out.push(problemAt(src, '/tls/clientAuth', `tls.clientAuth is '${clientAuth}' but tls.clientCa lists no CA files: add the CAs that issue client certificates`));
  }
  if (clientAuth === 'none' && clientCa.length > 0) {
    out.push(problemAt(src, '/tls/clientCa', "tls.clientCa is set but tls.clientAuth is 'none', so client certificates are never asked for: set clientAuth to 'optional' or 'require', or remove clientCa"));
  }

  const pass = tls['passphrase'];
  if (isRec(pass)) {
    const file = str(pass['file']);
    const envName = str(pass['env']);
    const ref: SecretRef | undefined = file !== undefined ? { file: resolve(base, file) } : envName !== undefined ? { env: envName } : undefined;
    if (ref !== undefined && Object.keys(pass).length === 1) {
      const result = tryReadSecret(ref, env);
      if (!result.ok) out.push(problemAt(src, '/tls/passphrase', `tls.passphrase: ${result.message}`));
    }
  }
  return out;
}

export function checkGateway(src: SourceFile, env: NodeJS.ProcessEnv): ConfigProblem[] {
  const data = src.data;
  if (!isRec(data)) return [];
  const out: ConfigProblem[] = [];
  if (isRec(data['tls'])) out.push(...checkTls(src, data['tls'], env));
  const audit = data['audit'];
  if (isRec(audit)) {
    if (audit['sink'] === 'postgres' && !isRec(audit['postgres'])) out.push(problemAt(src, '/audit/sink', "audit.sink is 'postgres' but there is no audit.postgres section: add host, database and user"));
    if (audit['signingKey'] !== undefined && typeof audit['signingKey'] === 'string') {
      const keyFile = resolve(dirname(src.file), audit['signingKey']);
      const why = unreadableFile(keyFile);
      if (why !== undefined) out.push(problemAt(src, "/audit/signingKey", `audit signing key: ${why}`));
    }
  }
  const listen = data['listen'];
  const admin = data['admin'];
  if (isRec(listen) && isRec(admin) && admin['enabled'] === true) {
    const port = admin['port'];
    if (typeof port === 'number' && port !== 0 && port === listen['port'] && sameListener(String(admin['host']), String(listen['host']))) {
      out.push(problemAt(src, '/admin/port', `admin.port ${port} is also listen.port on the same address: give the admin listener its own port`));
    }
  }
  return out;
}

/** Redaction paths must compile: a capture that cannot redact must not start. */
export function checkAudit(src: SourceFile): ConfigProblem[] {
  const data = src.data;
  if (!isRec(data) || !isRec(data['audit']) || !isRec(data['audit']['capture'])) return [];
  const redact = data['audit']['capture']['redact'];
  if (!isRec(redact)) return [];
  const namespaces = isRec(redact['namespaces']) ? (Object.fromEntries(Object.entries(redact['namespaces']).filter(([, v]) => typeof v === 'string')) as Record<string, string>) : {};
  const out: ConfigProblem[] = [];
  strings(redact['xml']).forEach((path, i) => {
    try {
      compileXmlPath(path, namespaces);
    } catch (err) {
      out.push(problemAt(src, `/audit/capture/redact/xml/${i}`, `${err instanceof Error ? err.message : String(err)}: declare the prefix under audit.capture.redact.namespaces`));
    }
  });
  return out;
}

export function checkService(src: SourceFile, dir: string): ConfigProblem[] {
  const data = src.data;
  if (!isRec(data)) return [];
  const wsdl = str(data['wsdl']);
  if (wsdl === undefined) return [];
  const file = resolve(dir, wsdl);
  if (!isInside(dir, file)) {
    return [problemAt(src, '/wsdl', `wsdl must be inside the service directory ${dir}, but '${wsdl}' resolves to ${file}`)];
  }
  const why = unreadableFile(file);
  if (why !== undefined) return [problemAt(src, '/wsdl', `wsdl: file ${why}`)];
  try {
    if (!isInside(realpathSync(dir), realpathSync(file))) {
      return [problemAt(src, '/wsdl', `wsdl must be inside the service directory ${dir}, but ${file} is a link to a file outside it`)];
    }
  } catch {
    return [problemAt(src, '/wsdl', `wsdl: cannot resolve ${file}`)];
  }
  return [];
}
