/**
 * What the example backend knows of wsdl/policy-admin/PolicyAdministration.wsdl without parsing it:
 * endpoints, operations, actions, body elements, and where the files are. A unit test checks these
 * against the WSDL itself.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { SoapVersion } from './soap-faults.ts';
import { POLICY_SCHEMA_NS } from './soap-faults.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const POLICY_ADMIN_DIR = join(REPO_ROOT, 'wsdl', 'policy-admin');
export const POLICY_ADMIN_WSDL = join(POLICY_ADMIN_DIR, 'PolicyAdministration.wsdl');
export const SAMPLES_DIR = join(POLICY_ADMIN_DIR, 'samples');
export const DEMO_GATEWAY_FILE = join(REPO_ROOT, 'wsdl', 'gateway.yaml');

export const DEFAULT_BACKEND_PORT = 8081;

/**
 * The example WSDL without its WS-SecurityPolicy (the block between the ws-policy:begin/end
 * markers and the wsp:PolicyReference lines): the plain pass-through variant for configurations
 * that run the example without WS-Security (tests and benchmarks of the unsecured path; a WSDL
 * that carries a policy cannot be served with `security.mode: off`).
 */
export function plainExampleWsdl(): string {
  const text = readFileSync(POLICY_ADMIN_WSDL, 'utf8');
  const begin = text.indexOf('<!-- ws-policy:begin');
  const endMarker = '<!-- ws-policy:end -->';
  const end = text.indexOf(endMarker);
  if (begin < 0 || end < begin) throw new Error(`${POLICY_ADMIN_WSDL}: ws-policy markers not found`);
  const plain = `${text.slice(0, begin)}${text.slice(end + endMarker.length)}`
    .split('\n')
    .filter((line) => !line.includes('<wsp:PolicyReference'))
    .join('\n');
  if (plain.includes('wsp:Policy')) throw new Error(`${POLICY_ADMIN_WSDL}: a WS-Policy element outside the ws-policy markers`);
  return plain;
}

/** Backend paths, as in the WSDL's soap:address locations. */
export const BACKEND_PATHS: Readonly<Record<SoapVersion, string>> = {
  '1.1': '/backend/PolicyAdministration/soap11',
  '1.2': '/backend/PolicyAdministration/soap12',
};

/** Gateway paths of the demo configuration (wsdl/policy-admin/service.yaml). */
export const GATEWAY_PATHS: Readonly<Record<SoapVersion, string>> = {
  '1.1': '/PolicyAdministration/soap11',
  '1.2': '/PolicyAdministration/soap12',
};

const ACTION_BASE = 'http://insurer.example/ws/policyadmin/2021/03';

export type OperationName = 'GetPolicy' | 'SearchPolicies' | 'EndorsePolicy' | 'CancelPolicy';

export interface OperationContract {
  readonly name: OperationName;
  /** soapAction of both bindings = wsam:Action of the input. */
  readonly action: string;
  readonly responseAction: string;
  /** The wrapper element of the request body, in POLICY_SCHEMA_NS. */
  readonly inputElement: string;
  readonly outputElement: string;
}

export const OPERATIONS: readonly OperationContract[] = (['GetPolicy', 'SearchPolicies', 'EndorsePolicy', 'CancelPolicy'] as const).map(
  (name) => ({
    name,
    action: `${ACTION_BASE}/${name}`,
    responseAction: `${ACTION_BASE}/${name}Response`,
    inputElement: name,
    outputElement: `${name}Response`,
  }),
);

export function operationByInput(ns: string, local: string): OperationContract | undefined {
  return ns === POLICY_SCHEMA_NS ? OPERATIONS.find((o) => o.inputElement === local) : undefined;
}

export function operationByAction(action: string): OperationContract | undefined {
  return OPERATIONS.find((o) => o.action === action);
}

export function versionOfBackendPath(path: string): SoapVersion | undefined {
  const clean = path.replace(/\/+$/, '');
  if (clean === BACKEND_PATHS['1.1']) return '1.1';
  if (clean === BACKEND_PATHS['1.2']) return '1.2';
  return undefined;
}
