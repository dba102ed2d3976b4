/**
 * The text `npm start` prints once the demo is up: what runs where, and curl commands that work
 * when pasted in the repository root.
 */
import { join, relative } from 'node:path';
import { BACKEND_PATHS, GATEWAY_PATHS, OPERATIONS, REPO_ROOT, SAMPLES_DIR } from './contract.ts';
import type { SoapVersion } from './soap-faults.ts';

export interface BannerInput {
  /** http://127.0.0.1:8080 */
  readonly gatewayUrl: string;
  readonly adminUrl: string | undefined;
  readonly backendUrl: string;
}

const FILE_SUFFIX: Readonly<Record<SoapVersion, string>> = { '1.1': 'soap11', '1.2': 'soap12' };

/** The sample path as typed in the repository root, e.g. wsdl/policy-admin/samples/GetPolicy.soap11.xml. */
export function samplePath(file: string): string {
  return relative(REPO_ROOT, join(SAMPLES_DIR, file)).split('\\').join('/');
}

/** A curl command sending `file` as SOAP `version` for `operation` to `url`. */
export function curlCommand(url: string, version: SoapVersion, operation: string, file: string): string {
  const action = OPERATIONS.find((o) => o.name === operation)?.action ?? '';
  const headers =
    version === '1.1'
      ? [`-H 'Content-Type: text/xml; charset=utf-8'`, `-H 'SOAPAction: "${action}"'`]
      : [`-H 'Content-Type: application/soap+xml; charset=utf-8; action="${action}"'`];
  return [`curl -sS ${url}`, ...headers, `--data-binary @${samplePath(file)}`].join(' \\\n      ');
}

export function banner(b: BannerInput): string {
  const endpoint = (v: SoapVersion) => `${b.gatewayUrl}${GATEWAY_PATHS[v]}`;
  const admin =
    b.adminUrl === undefined
      ? ['  admin       (disabled)']
      : [`  health      ${b.adminUrl}/healthz   readiness ${b.adminUrl}/readyz`, `  metrics     ${b.adminUrl}/metrics`];
  const example = (title: string, v: SoapVersion, operation: string, file: string) => [`  # ${title}`, `  ${curlCommand(endpoint(v), v, operation, file)}`];
  return [
    '',
    'wsgate demo: PolicyAdministration example behind the gateway',
    '',
    `  gateway     ${endpoint('1.1')}   (SOAP 1.1)`,
    `              ${endpoint('1.2')}   (SOAP 1.2)`,
    `  WSDL        ${endpoint('1.1')}?wsdl`,
    ...admin,
    `  backend     ${b.backendUrl}${BACKEND_PATHS['1.1']}   (example backend, called by the gateway)`,
    '',
    'Try it, from the repository root:',
    '',
    ...example('GetPolicy over SOAP 1.1', '1.1', 'GetPolicy', `GetPolicy.${FILE_SUFFIX['1.1']}.xml`),
    '',
    ...example('GetPolicy over SOAP 1.2', '1.2', 'GetPolicy', `GetPolicy.${FILE_SUFFIX['1.2']}.xml`),
    '',
    ...example('an unknown policy: a SOAP fault from the backend', '1.1', 'GetPolicy', 'GetPolicy.unknown-policy.soap11.xml'),
    '',
    `  More requests (SearchPolicies, EndorsePolicy, CancelPolicy; .soap11/.soap12): ${samplePath('')}`,
    '',
    'Ctrl+C stops the gateway and the backend.',
    '',
  ].join('\n');
}
