/**
 * Things an operator must see at start-up that are allowed but risky: demo key material, per-worker
 * state, relaxed limits, an exposed admin listener, plain HTTP, secret files others can read.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedConfig } from './load.ts';
import { serviceSchema } from './schema.ts';
import type { XmlLimitsConfig } from './types.ts';

export type ConfigWarningCode =
  | 'test-only-material'
  | 'multiple-workers'
  | 'limits-raised'
  | 'admin-not-loopback'
  | 'plain-http'
  | 'secret-file-permissions'
  | 'legacy-algorithm'
  | 'wsdl-policy-superseded'
  | 'policy-report-only'
  | 'wsdl-policy-response-side'
  | 'wsdl-policy-unprotected'
  | 'audit-off'
  | 'audit-best-effort';

export interface ConfigWarning {
  readonly code: ConfigWarningCode;
  /** The configuration file the warning is about (absolute). */
  readonly file: string;
  /** JSON pointer inside that file. */
  readonly path: string;
  readonly message: string;
}

export function formatWarning(w: ConfigWarning): string {
  return `${w.file}${w.path ? ` at ${w.path}` : ''}: ${w.message}`;
}

/** The directory (the file's own or an ancestor) holding a `TEST-ONLY` marker, if any. */
export function testOnlyMarker(file: string): string | undefined {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'TEST-ONLY'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(host);
}

const limitDefaults = Object.fromEntries(
  Object.entries(serviceSchema.properties.limits.properties).map(([k, v]) => [k, v.default]),
) as Readonly<Record<keyof XmlLimitsConfig, number | boolean>>;

function raisedLimits(limits: XmlLimitsConfig): string[] {
  const raised: string[] = [];
  for (const key of Object.keys(limitDefaults) as (keyof XmlLimitsConfig)[]) {
    const value = limits[key];
    const def = limitDefaults[key];
    if (typeof value === 'number' && typeof def === 'number' ? value > def : value === true && def === false) {
      raised.push(`${key} ${String(def)} → ${String(value)}`);
    }
  }
  return raised;
}

/** Every security opt-in weaker than the default, so `check` and the start-up log show it. */
function securityWarnings(config: LoadedConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  for (const svc of config.services) {
    const sec = svc.security;
    for (const opt of sec.legacy) {
      out.push({ code: 'legacy-algorithm', file: svc.file, path: '/security/legacy', message: `service ${svc.name} accepts the weak algorithm option '${opt}' (legacy opt-in); every message that uses it is marked in its record` });
    }
    const reportOnly = Object.entries(sec.policyModes).filter(([, m]) => m === 'report-only').map(([op]) => op);
    if (sec.mode === 'enforce' && (sec.policyMode === 'report-only' || reportOnly.length > 0)) {
      const which = sec.policyMode === 'report-only' ? `every operation${Object.values(sec.policyModes).includes('enforce') ? ` except ${Object.entries(sec.policyModes).filter(([, m]) => m === 'enforce').map(([op]) => op).join(', ')}` : ''}` : reportOnly.join(', ');
      out.push({ code: 'policy-report-only', file: svc.file, path: sec.policyMode === 'report-only' ? '/security/policyMode' : '/security/policyModes', message: `service ${svc.name}: policy violations are only REPORTED, not rejected, for ${which}; messages that break the policy reach the backend` });
    }
    if (sec.wsdlPolicy === 'superseded') {
      out.push({ code: 'wsdl-policy-superseded', file: svc.file, path: '/security/wsdlPolicy', message: `service ${svc.name}: the WS-Policy in ${svc.wsdl} is NOT enforced; the security section of this file is the enforced contract` });
    }
  }
  return out;
}

export function collectWarnings(config: LoadedConfig): ConfigWarning[] {
  const { gateway: gw, services } = config;
  const out: ConfigWarning[] = [];
  const referenced: { file: string; path: string; target: string }[] = [];
  const tls = gw.tls;
  if (tls !== undefined) {
    for (const key of ['cert', 'key', 'pfx'] as const) {
      const target = tls[key];
      if (target !== undefined) referenced.push({ file: gw.file, path: `/tls/${key}`, target });
    }
    (tls.clientCa ?? []).forEach((target, i) => referenced.push({ file: gw.file, path: `/tls/clientCa/${i}`, target }));
    if (tls.passphrase !== undefined && 'file' in tls.passphrase) {
      const target = tls.passphrase.file;
      referenced.push({ file: gw.file, path: '/tls/passphrase/file', target });
      try {
        const mode = statSync(target).mode & 0o777;
        if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
          out.push({ code: 'secret-file-permissions', file: gw.file, path: '/tls/passphrase/file', message: `secret file ${target} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it` });
        }
      } catch {
        // Missing secret files are configuration problems, reported by loadConfig.
      }
    }
  }
  for (const s of services) {
    referenced.push({ file: s.file, path: '/wsdl', target: s.wsdl });
    const sec = s.security;
    for (const key of ['anchors', 'intermediates', 'knownCertificates', 'crls'] as const) {
      sec.trust[key].forEach((target, i) => referenced.push({ file: s.file, path: `/security/trust/${key}/${i}`, target }));
    }
    if (sec.decryption) {
      referenced.push({ file: s.file, path: '/security/decryption/key', target: sec.decryption.key });
      referenced.push({ file: s.file, path: '/security/decryption/certificate', target: sec.decryption.certificate });
    }
    if (sec.usernameToken) referenced.push({ file: s.file, path: '/security/usernameToken/users', target: sec.usernameToken.users });
  }
  for (const r of referenced) {
    const marker = testOnlyMarker(r.target);
    if (marker !== undefined) {
      out.push({ code: 'test-only-material', file: r.file, path: r.path, message: `${r.target} is demo material (${marker} is marked TEST-ONLY): its keys are public, never use it in production` });
    }
  }

  if (gw.workers > 1) {
    out.push({ code: 'multiple-workers', file: gw.file, path: '/workers', message: `workers is ${gw.workers}: throttle limits and replay detection keep in-memory state per worker, so each worker enforces them separately (a replayed message can pass once per worker)` });
  }
  if (gw.admin.enabled && !isLoopback(gw.admin.host)) {
    out.push({ code: 'admin-not-loopback', file: gw.file, path: '/admin/host', message: `the admin listener binds ${gw.admin.host}, not a loopback address: health and metrics are reachable from the network` });
  }
  if (tls === undefined && !isLoopback(gw.listen.host)) {
    out.push({ code: 'plain-http', file: gw.file, path: '/listen/host', message: `the gateway serves plain HTTP on ${gw.listen.host}: configure tls, or terminate TLS in front of it` });
  }
  for (const s of services) {
    const raised = raisedLimits(s.limits);
    if (raised.length > 0) {
      out.push({ code: 'limits-raised', file: s.file, path: '/limits', message: `service '${s.name}' raises limits above the defaults: ${raised.join(', ')}` });
    }
  }
  out.push(...securityWarnings(config), ...auditWarnings(config));
  return out;
}

/** Every service that records less than `required` says so at start-up. */
function auditWarnings(config: LoadedConfig): ConfigWarning[] {
  const { gateway: gw, services } = config;
  const out: ConfigWarning[] = [];
  if (gw.audit.sink === 'off') out.push({ code: 'audit-off', file: gw.file, path: '/audit/sink', message: 'the audit trail is off: no exchange is recorded' });
  for (const s of services) {
    if (gw.audit.sink !== 'off' && s.audit.mode === 'off') out.push({ code: 'audit-off', file: s.file, path: '/audit/mode', message: `service '${s.name}' is not audited (audit.mode: off)` });
    if (gw.audit.sink !== 'off' && s.audit.mode === 'best-effort') out.push({ code: 'audit-best-effort', file: s.file, path: '/audit/mode', message: `service '${s.name}' audits best-effort: records can be dropped under load or while the sink fails (counted in wsgate_audit_dropped_total)` });
  }
  return out;
}
