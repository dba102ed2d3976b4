/**
 * Sends one SIGNED request to the example service through the gateway, with node-soap's
 * WSSecurityCert and the demo client key (see signed-client.ts), and prints the answer.
 *
 *   node --import tsx src/example/client.ts GetPolicy [--soap12] [--url http://127.0.0.1:8080]
 *        [--policy MTR-2026-000118] [--key certs/client.key --cert certs/client.pem] [--xml]
 *
 * Operations: GetPolicy (the policy of the GetPolicy sample, or --policy) and SearchPolicies (the
 * search of the SearchPolicies sample). Exit code 0 on an answer, 1 on a SOAP fault or error,
 * 2 on bad usage.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SoapVersion } from './soap-faults.ts';
import { DEMO_CLIENT_CERT, DEMO_CLIENT_KEY, createSignedClient, describeFailure } from './signed-client.ts';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';

/** Arguments of each supported operation, as in the sample files of the same SOAP version. */
export function sampleArgs(operation: string, version: SoapVersion, policy?: string): Record<string, unknown> | undefined {
  // A fresh CorrelationId per call: node-soap signs without a nonce and with a one-second Timestamp, so
  // two identical Bodies sent within the same second would carry the same signature, and the gateway
  // refuses the second as a replay (GW_ERR_SEC_REPLAY).
  const context = (channel: string) => ({ Channel: channel, CorrelationId: `client-${operation}-${version === '1.1' ? 'soap11' : 'soap12'}-${randomUUID().slice(0, 8)}` });
  switch (operation) {
    case 'GetPolicy':
      return { PolicyNumber: policy ?? (version === '1.1' ? 'MTR-2026-000118' : 'HOM-2026-004471'), Context: context(version === '1.1' ? 'Broker' : 'Web') };
    case 'SearchPolicies':
      return version === '1.1'
        ? { HolderName: 'keller', Status: 'Active', MaxResults: 10, Context: context('CallCentre') }
        : { Product: 'Home', InceptionFrom: '2026-01-01', InceptionTo: '2026-12-31', Context: context('Web') };
    default:
      return undefined;
  }
}

const USAGE = `usage: node --import tsx src/example/client.ts <GetPolicy|SearchPolicies> [--soap12] [--url ${DEFAULT_GATEWAY_URL}]
       [--policy NUMBER] [--key PEM --cert PEM] [--xml]
  --soap12   use the SOAP 1.2 port (default SOAP 1.1)
  --url      gateway base URL; the client is built from <url>/PolicyAdministration/soap11|soap12?wsdl
  --policy   policy number for GetPolicy (default: the sample's)
  --key/--cert  signing key and certificate (default: certs/client.key, certs/client.pem)
  --xml      also print the signed request and the raw response
`;

export async function runClient(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        soap12: { type: 'boolean', default: false },
        url: { type: 'string', default: DEFAULT_GATEWAY_URL },
        policy: { type: 'string' },
        key: { type: 'string', default: DEMO_CLIENT_KEY },
        cert: { type: 'string', default: DEMO_CLIENT_CERT },
        xml: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const operation = positionals[0] ?? 'GetPolicy';
  const version: SoapVersion = values.soap12 ? '1.2' : '1.1';
  const args = sampleArgs(operation, version, values.policy);
  if (positionals.length > 1 || args === undefined) {
    err(`unsupported operation or extra arguments: ${positionals.join(' ')}\n${USAGE}`);
    return 2;
  }

  let signed;
  try {
    signed = await createSignedClient({ gatewayUrl: values.url, version, keyPem: readFileSync(values.key, 'utf8'), certPem: readFileSync(values.cert, 'utf8') });
  } catch (e) {
    err(`cannot build the client from ${values.url} (is \`npm start\` running?): ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  out(`${operation} over SOAP ${version}, signed with ${values.cert} (node-soap WSSecurityCert) -> POST ${signed.endpoint}\n`);
  try {
    const result = await signed.call(operation, args);
    if (values.xml) out(`\n--- signed request ---\n${signed.client.lastRequest ?? ''}\n\n--- response ---\n${String(signed.client.lastResponse ?? '')}\n\n`);
    out(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (e) {
    const f = describeFailure(e);
    if (values.xml) out(`\n--- signed request ---\n${signed.client.lastRequest ?? ''}\n\n`);
    err(`SOAP fault or error: HTTP ${f.status ?? '-'}: ${f.message}\n${f.body !== undefined ? `${f.body}\n` : ''}`);
    return 1;
  }
}

/**
 * node-soap 1.13 calls xml-crypto's deprecated getOriginalXmlWithIds(); that one warning (about
 * node-soap's internals, nothing the user can act on) is kept off the demo output.
 */
function quietXmlCryptoDeprecation(): void {
  const emit = process.emitWarning.bind(process) as (...a: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1];
    if (code === 'XML_CRYPTO_GET_ORIGINAL_XML_WITH_IDS') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  quietXmlCryptoDeprecation();
  process.exitCode = await runClient(process.argv.slice(2));
}
