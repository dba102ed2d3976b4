/**
 * The text `npm start` prints once the demo is up: what runs where, the client commands that send
 * SIGNED requests (the example service requires a signed Body + Timestamp), and one curl of an
 * unsigned sample with the fault it gets. Every command works when pasted in the repository root.
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

/** The faultstring every WS-Security rejection carries (src/errors.ts GW_ERR_SEC_REJECTED). */
export const UNSIGNED_FAULT = 'Security requirements not met';

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

/** The signed-request client (src/example/client.ts) as typed in the repository root. */
export function clientCommand(gatewayUrl: string, version: SoapVersion, operation: string, extra: readonly string[] = []): string {
  return ['node --import tsx src/example/client.ts', operation, ...(version === '1.2' ? ['--soap12'] : []), ...extra, '--url', gatewayUrl].join(' ');
}

export function banner(b: BannerInput): string {
  const endpoint = (v: SoapVersion) => `${b.gatewayUrl}${GATEWAY_PATHS[v]}`;
  const admin =
    b.adminUrl === undefined
      ? ['  admin       (disabled)']
      : [`  health      ${b.adminUrl}/healthz   readiness ${b.adminUrl}/readyz`, `  metrics     ${b.adminUrl}/metrics`];
  const signed = (title: string, v: SoapVersion, operation: string, extra: readonly string[] = []) => [`  # ${title}`, `  ${clientCommand(b.gatewayUrl, v, operation, extra)}`];
  const unsigned = (title: string, v: SoapVersion, operation: string, file: string) => [`  # ${title}`, `  ${curlCommand(endpoint(v), v, operation, file)}`];
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
    'Requests must be SIGNED: the service requires an X.509 signature over the Body and a',
    'Timestamp, by a certificate of the demo CA (certs/demo-ca.pem; wsdl/policy-admin/service.yaml, security).',
    '',
    'Try it, from the repository root (node-soap WSSecurityCert client, demo key certs/client.key):',
    '',
    ...signed('GetPolicy over SOAP 1.1, signed', '1.1', 'GetPolicy'),
    '',
    ...signed('GetPolicy over SOAP 1.2, signed', '1.2', 'GetPolicy'),
    '',
    ...signed('an unknown policy, signed: a SOAP fault from the backend (PolicyFault POLICY_NOT_FOUND)', '1.1', 'GetPolicy', ['--policy', 'MTR-2020-999999']),
    '',
    '  (add --xml to see the signed request; SearchPolicies works the same way)',
    '',
    'Unsigned requests are refused before they reach the backend. A plain sample:',
    '',
    ...unsigned(`unsigned: HTTP 500, soap:Client "${UNSIGNED_FAULT}" (GW_ERR_SEC_REJECTED)`, '1.1', 'GetPolicy', `GetPolicy.${FILE_SUFFIX['1.1']}.xml`),
    '',
    '  The fault names no reason on purpose; the gateway log line of that exchange has it',
    '  (errorCode GW_ERR_SEC_HEADER_MISSING, correlationId as in the fault).',
    `  The samples (${samplePath('')}) are unsigned templates: see the README there.`,
    '',
    'Ctrl+C stops the gateway and the backend.',
    '',
  ].join('\n');
}
