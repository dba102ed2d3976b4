import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './ports.ts';

export const interopDir = join(repoRoot, 'test', 'fixtures', 'interop');
const certs = join(interopDir, 'certs');

export interface InteropStep {
  readonly file: string;
  readonly expected: 'accept' | 'reject';
  readonly clock: string;
}

export interface InteropCase {
  readonly id: string;
  readonly dir: string;
  readonly file: string | null;
  readonly soapVersion: string;
  readonly endpoint: string;
  readonly httpHeaders: Readonly<Record<string, string>>;
  readonly operation: string;
  readonly features: readonly string[];
  readonly expected: 'accept' | 'reject';
  readonly policyRule?: string;
  readonly reason: string;
  readonly clock: string;
  readonly marker: string;
  readonly forwardCheck?: { readonly element: string; readonly marker: string };
  readonly sequence?: readonly InteropStep[];
  readonly recipe?: { readonly base: string; readonly insertBefore: string; readonly insert: string; readonly padChar: string; readonly padCount: number };
}

export const manifest = JSON.parse(readFileSync(join(interopDir, 'manifest.json'), 'utf8')) as { readonly cases: readonly InteropCase[] };

/** The request bytes of a case (or of a sequence step), built from the recipe for R28. */
export function requestBytes(c: InteropCase, file?: string): Buffer {
  const dir = join(interopDir, c.dir);
  if (c.recipe && !file) {
    const r = c.recipe;
    const base = readFileSync(join(dir, r.base), 'utf8');
    return Buffer.from(base.replace(r.insertBefore, r.insert.replace(`{${r.padCount} x '${r.padChar}'}`, r.padChar.repeat(r.padCount)) + r.insertBefore));
  }
  return readFileSync(join(dir, file ?? c.file ?? 'request.xml'));
}

/** What a test may change in the POLICY.md configuration. */
export interface ClaimsConfigOptions {
  /** Another WSDL for the same ClaimsService messages (copied as ClaimsService.wsdl). */
  readonly wsdl?: string;
  /** Replaces the `require:` line of the security section (what WS-SecurityPolicy cannot say). */
  readonly require?: string;
  /** Extra lines inside `security:` (two-space indented keys). */
  readonly securityYaml?: string;
}

/**
 * The gateway configuration POLICY.md describes, for the ClaimsService WSDL: the WSDL's own
 * WS-SecurityPolicy 1.2 is imported (per operation: SubmitClaim encrypted, GetClaimStatus with an
 * optional digest UsernameToken, ListPolicies with a SAML 2.0 assertion), and this file adds only
 * what WS-SecurityPolicy cannot say: trust material from certs/, skew 300 s / TTL 900 s, the
 * UsernameToken credentials, the pinned SAML IdP and audience (section 6), ECDSA-SHA256 and
 * AES-256-GCM beyond Basic256Sha256, and AES-CBC (Basic256Sha256's own cipher, a legacy opt-in here).
 * `extraServiceYaml` is appended to service.yaml as top-level keys (e.g. an `authorization:` section).
 */
export function writeClaimsConfig(backendUrl: string, extraServiceYaml = '', opts: ClaimsConfigOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-interop-'));
  const svc = join(dir, 'claims');
  mkdirSync(svc);
  copyFileSync(opts.wsdl ?? join(interopDir, 'wsdl', 'ClaimsService.wsdl'), join(svc, 'ClaimsService.wsdl'));
  writeFileSync(join(svc, 'broker-7731.secret'), 'Cl@ims-2019!interop\n', { mode: 0o600 });
  writeFileSync(join(svc, 'users.yaml'), 'users:\n  - username: broker-7731\n    digestSecret: {file: broker-7731.secret}\n');
  writeFileSync(
    join(svc, 'service.yaml'),
    `name: claims
wsdl: ClaimsService.wsdl
ports:
  - {wsdlPort: ClaimsSoap11Port, path: /ClaimsService/soap11, backendUrl: "${backendUrl}/claims/soap11"}
  - {wsdlPort: ClaimsSoap12Port, path: /ClaimsService/soap12, backendUrl: "${backendUrl}/claims/soap12"}
backend: {type: soap, url: "${backendUrl}/claims/soap11", connectTimeoutMs: 1000, responseTimeoutMs: 3000}
security:
  mode: enforce
  trust:
    anchors: [${join(certs, 'root-ca.pem')}]
    intermediates: [${join(certs, 'issuing-ca.pem')}]
    knownCertificates: [${join(certs, 'client-rsa.pem')}, ${join(certs, 'client-ec.pem')}]
  decryption: {key: ${join(certs, 'gateway.key')}, certificate: ${join(certs, 'gateway.pem')}}
  timestamp: {futureSkewSeconds: 300, ttlSeconds: 900, expiresSkewSeconds: 300}
  usernameToken: {users: users.yaml, passwordTypes: [digest], maxAgeSeconds: 300}
  saml:
    issuers: [{entityId: "https://sso.insurer.example/idp", certificate: ${join(certs, 'idp.pem')}}]
    audience: "urn:insurer-example:wsgate:claims"
    skewSeconds: 300
    recipients: ["https://wsgate.insurer.example/ClaimsService"]
  ${opts.require ?? 'require: {allowAlgorithms: [ecdsa-sha256, aes256-gcm]}'}
  legacy: [aes-cbc]
${opts.securityYaml ?? ''}
${extraServiceYaml}`,
  );
  writeFileSync(join(dir, 'gateway.yaml'), 'listen: {host: 127.0.0.1, port: 0}\nadmin: {enabled: false}\nservices: [claims]\nlogging: {level: info}\n');
  return dir;
}
