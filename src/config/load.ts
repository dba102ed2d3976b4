/**
 * Loads the gateway file and every service file it lists, and reports every problem in all of
 * them at once (ConfigError) or returns the frozen configuration with defaults applied and paths
 * resolved to absolute paths.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkAudit, checkGateway, checkService, isRec, problemAt, str } from './checks.ts';
import { ConfigError } from './problems.ts';
import type { ConfigProblem } from './problems.ts';
import { gatewaySchema, serviceSchema } from './schema.ts';
import type { GatewayDocument, ServiceDocument } from './schema.ts';
import { displayPath, schemaProblems } from './schema-problems.ts';
import type { GatewayConfig, SecretRef, ServiceConfig } from './types.ts';
import { buildSecurity, checkSecurity } from './security.ts';
import { buildAuthorization, checkAuthorization } from './authorization.ts';
import { buildValidation } from './validation.ts';
import { validateGatewayDocument, validateServiceDocument } from './validate.ts';
import { readSourceFile } from './yaml-locate.ts';
import type { SourceFile } from './yaml-locate.ts';

export interface LoadOptions {
  /** Environment for `{env: ...}` secrets (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  readonly gateway: GatewayConfig;
  readonly services: readonly ServiceConfig[];
}

/** Accepted names of the service file, in order of preference; a directory may hold only one. */
export const serviceFileNames = ['service.yaml', 'service.yml', 'service.json'] as const;

interface LoadedService {
  readonly src: SourceFile;
  readonly dir: string;
}

function findServiceFile(gw: SourceFile, pointer: string, dir: string): { file?: string; problem?: ConfigProblem } {
  const name = displayPath(pointer);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    return { problem: problemAt(gw, pointer, `${name}: directory ${dir} does not exist`) };
  }
  if (!isDir) return { problem: problemAt(gw, pointer, `${name}: ${dir} is not a directory`) };
  const present = serviceFileNames.filter((n) => existsSync(join(dir, n)));
  if (present.length === 0) return { problem: problemAt(gw, pointer, `${name}: directory ${dir} has no service.yaml`) };
  if (present.length > 1) return { problem: problemAt(gw, pointer, `${name}: directory ${dir} has ${present.join(' and ')}: keep one`) };
  return { file: join(dir, present[0] ?? 'service.yaml') };
}

function where(src: SourceFile, pointer: string): string {
  const line = src.lineOf(pointer);
  return line === undefined ? src.file : `${src.file}:${line}`;
}

/** Service names and public paths must be unique across the whole gateway. */
function crossServiceProblems(services: readonly LoadedService[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const names = new Map<string, { src: SourceFile; pointer: string }>();
  const paths = new Map<string, { src: SourceFile; pointer: string }>();
  for (const { src } of services) {
    if (!isRec(src.data)) continue;
    const name = str(src.data['name']);
    if (name !== undefined) {
      const first = names.get(name);
      if (first === undefined) names.set(name, { src, pointer: '/name' });
      else out.push(problemAt(src, '/name', `name '${name}' is already used by the service in ${where(first.src, first.pointer)}: service names must be unique`));
    }
    const ports = src.data['ports'];
    if (!Array.isArray(ports)) continue;
    ports.forEach((port: unknown, i) => {
      const path = isRec(port) ? str(port['path']) : undefined;
      if (path === undefined) return;
      const pointer = `/ports/${i}/path`;
      const first = paths.get(path);
      if (first === undefined) paths.set(path, { src, pointer });
      else out.push(problemAt(src, pointer, `${displayPath(pointer)} '${path}' is already used by ${displayPath(first.pointer)} in ${where(first.src, first.pointer)}: every port needs its own path`));
    });
  }
  return out;
}

function buildGateway(doc: GatewayDocument, file: string): GatewayConfig {
  const abs = (p: string): string => resolve(dirname(file), p);
  const tls = doc.tls;
  const passphrase: SecretRef | undefined =
    tls?.passphrase === undefined ? undefined : 'file' in tls.passphrase ? { file: abs(tls.passphrase.file) } : { env: tls.passphrase.env };
  return {
    file,
    listen: { host: doc.listen.host, port: doc.listen.port },
    ...(doc.publicUrl !== undefined ? { publicUrl: doc.publicUrl } : {}),
    ...(tls !== undefined
      ? {
          tls: {
            ...(tls.cert !== undefined ? { cert: abs(tls.cert) } : {}),
            ...(tls.key !== undefined ? { key: abs(tls.key) } : {}),
            ...(tls.pfx !== undefined ? { pfx: abs(tls.pfx) } : {}),
            ...(passphrase !== undefined ? { passphrase } : {}),
            ...(tls.clientCa !== undefined ? { clientCa: tls.clientCa.map(abs) } : {}),
            clientAuth: tls.clientAuth,
          },
        }
      : {}),
    admin: { enabled: doc.admin.enabled, host: doc.admin.host, port: doc.admin.port },
    services: doc.services.map(abs),
    logging: { level: doc.logging.level },
    shutdown: { graceMs: doc.shutdown.graceMs },
    workers: doc.workers,
    requestTimeoutMs: doc.requestTimeoutMs,
    ...(doc.instanceId !== undefined ? { instanceId: doc.instanceId } : {}),
    audit: buildAuditTrail(doc.audit, abs),
  };
}

function secretAt(ref: SecretRef | undefined, abs: (p: string) => string): SecretRef | undefined {
  if (ref === undefined) return undefined;
  return 'file' in ref ? { file: abs(ref.file) } : { env: ref.env };
}

function buildAuditTrail(a: GatewayDocument['audit'], abs: (p: string) => string): GatewayConfig['audit'] {
  const dir = abs(a.dir);
  const passphrase = secretAt(a.signingKeyPassphrase, abs);
  const pg = a.postgres;
  const pgPassword = secretAt(pg?.password, abs);
  return {
    sink: a.sink,
    dir,
    signingKey: a.signingKey !== undefined ? abs(a.signingKey) : resolve(dir, 'audit-signing.key'),
    createSigningKey: a.signingKey === undefined,
    ...(passphrase !== undefined ? { signingKeyPassphrase: passphrase } : {}),
    ...(a.instanceId !== undefined ? { instanceId: a.instanceId } : {}),
    checkpoint: { everyRecords: a.checkpoint.everyRecords, everySeconds: a.checkpoint.everySeconds },
    rotate: { maxBytes: a.rotate.maxBytes, daily: a.rotate.daily },
    queue: { maxEntries: a.queue.maxEntries, maxBatch: a.queue.maxBatch },
    ...(pg !== undefined
      ? { postgres: { host: pg.host, port: pg.port, database: pg.database, user: pg.user, ...(pgPassword !== undefined ? { password: pgPassword } : {}), schema: pg.schema, connectTimeoutMs: pg.connectTimeoutMs, ssl: pg.ssl } }
      : {}),
    unroutedMode: a.unroutedMode,
  };
}

function buildService(doc: ServiceDocument, file: string, dir: string): ServiceConfig {
  const { backend: b, limits: l } = doc;
  return {
    file,
    dir,
    name: doc.name,
    wsdl: resolve(dir, doc.wsdl),
    ...(doc.wsdlService !== undefined ? { wsdlService: doc.wsdlService } : {}),
    ports: doc.ports.map((p) => ({
      wsdlPort: p.wsdlPort,
      path: p.path,
      ...(p.backendUrl !== undefined ? { backendUrl: p.backendUrl } : {}),
    })),
    backend: {
      type: b.type,
      url: b.url,
      connectTimeoutMs: b.connectTimeoutMs,
      responseTimeoutMs: b.responseTimeoutMs,
      maxResponseBytes: b.maxResponseBytes,
      connections: b.connections,
      dropHeaders: [...b.dropHeaders],
    },
    limits: {
      maxBodyBytes: l.maxBodyBytes,
      maxDepth: l.maxDepth,
      maxNodes: l.maxNodes,
      maxAttributes: l.maxAttributes,
      maxNamespaceDeclarations: l.maxNamespaceDeclarations,
      maxNameLength: l.maxNameLength,
      maxAttributeValueLength: l.maxAttributeValueLength,
      maxTextLength: l.maxTextLength,
      allowComments: l.allowComments,
    },
    passThroughHeaders: [...doc.passThroughHeaders],
    roles: [...doc.roles],
    security: buildSecurity(doc.security, dir),
    ...(doc.authorization !== undefined ? { authorization: buildAuthorization(doc.authorization) } : {}),
    ...(doc.validation !== undefined ? { validation: buildValidation(doc.validation) } : {}),
    audit: {
      mode: doc.audit.mode,
      capture: {
        request: doc.audit.capture.request,
        response: doc.audit.capture.response,
        maxBytes: doc.audit.capture.maxBytes,
        redact: { namespaces: { ...doc.audit.capture.redact.namespaces }, xml: [...doc.audit.capture.redact.xml], json: [...doc.audit.capture.redact.json] },
      },
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function sortProblems(problems: readonly ConfigProblem[], fileOrder: readonly string[]): ConfigProblem[] {
  const rank = (p: ConfigProblem): number => {
    const i = fileOrder.indexOf(p.file);
    return i === -1 ? fileOrder.length : i;
  };
  return [...problems].sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0));
}

export function loadConfig(gatewayFile: string, opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const file = resolve(gatewayFile);
  const problems: ConfigProblem[] = [];
  const fileOrder = [file];

  const { source: gw, problems: readProblems } = readSourceFile(file);
  problems.push(...readProblems);
  if (gw.data !== undefined) {
    problems.push(...schemaProblems(gw, validateGatewayDocument(gw.data), gatewaySchema));
    problems.push(...checkGateway(gw, env));
  }

  const services: LoadedService[] = [];
  const dirs = isRec(gw.data) && Array.isArray(gw.data['services']) ? (gw.data['services'] as unknown[]) : [];
  const seenDirs = new Map<string, number>();
  dirs.forEach((entry, i) => {
    if (typeof entry !== 'string' || entry === '') return;
    const pointer = `/services/${i}`;
    const dir = resolve(dirname(file), entry);
    const first = seenDirs.get(dir);
    if (first !== undefined) {
      if (dirs[first] !== entry) problems.push(problemAt(gw, pointer, `${displayPath(pointer)} names the same directory as services[${first}]: list each service once`));
      return;
    }
    seenDirs.set(dir, i);
    const found = findServiceFile(gw, pointer, dir);
    if (found.problem !== undefined) problems.push(found.problem);
    if (found.file === undefined) return;
    fileOrder.push(found.file);
    const { source, problems: p } = readSourceFile(found.file);
    problems.push(...p);
    if (source.data === undefined) return;
    problems.push(...schemaProblems(source, validateServiceDocument(source.data), serviceSchema));
    problems.push(...checkService(source, dir), ...checkAudit(source), ...checkSecurity(source, dir), ...checkAuthorization(source));
    services.push({ src: source, dir });
  });
  problems.push(...crossServiceProblems(services));

  if (problems.length > 0) throw new ConfigError(sortProblems(problems, fileOrder));
  // Every file passed validation above, so the data has the documents' shape.
  return deepFreeze({
    gateway: buildGateway(gw.data as GatewayDocument, file),
    services: services.map((s) => buildService(s.src.data as ServiceDocument, s.src.file, s.dir)),
  });
}
