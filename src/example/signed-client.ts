/**
 * A real WS-Security client for the example service: node-soap (the `soap` package) built from the
 * gateway's published `?wsdl`, signing every request with its client-side `WSSecurityCert` and the
 * demo client key (certs/client.key, certificate certs/client.pem, issued by certs/demo-ca.pem,
 * the trust anchor of wsdl/policy-admin/service.yaml).
 *
 * What node-soap's WSSecurityCert puts into the request (node-soap 1.13, xml-crypto 6):
 *   <wsse:Security soap:mustUnderstand="1">
 *     <wsse:BinarySecurityToken wsu:Id="x509-…">the client certificate</wsse:BinarySecurityToken>
 *     <Timestamp xmlns="…wssecurity-utility-1.0.xsd" wsu:Id="_1"><Created/><Expires/></Timestamp>
 *       (wsu namespace as the default namespace; second resolution; Expires = Created + 10 min)
 *     <ds:Signature> RSA-SHA256 over exc-c14n SignedInfo; References to the Body (#_0) and the
 *       Timestamp (#_1), SHA-256 digests; KeyInfo = SecurityTokenReference to the token above
 *   </wsse:Security>
 * and `wsu:Id="_0"` on the soap:Body. There is no nonce: two calls with the same Body in the same
 * second carry the same signature, and the gateway refuses the second as a replay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as soap from 'soap';
import type { Client } from 'soap';
import { GATEWAY_PATHS, REPO_ROOT } from './contract.ts';
import type { SoapVersion } from './soap-faults.ts';

export const DEMO_CLIENT_KEY = join(REPO_ROOT, 'certs', 'client.key');
export const DEMO_CLIENT_CERT = join(REPO_ROOT, 'certs', 'client.pem');

/** The wsdl:service and wsdl:port names of PolicyAdministration.wsdl. */
const WSDL_SERVICE = 'PolicyAdministration';
const WSDL_PORT: Readonly<Record<SoapVersion, string>> = { '1.1': 'PolicyAdministrationSoap11', '1.2': 'PolicyAdministrationSoap12' };

/** node-soap does not export the type of WSSecurityCert's options. */
export type WSSecurityCertOptions = NonNullable<ConstructorParameters<typeof soap.WSSecurityCert>[3]>;

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

/**
 * WSSecurityCert options that produce what the gateway accepts (and WS-I BSP 1.1 recommends):
 *  - RSA-SHA256 signature, SHA-256 digests;
 *  - `signatureTransformations: [exc-c14n]`: node-soap's default list is [enveloped-signature,
 *    exc-c14n] for every Reference. The enveloped-signature transform is meaningless for the Body and
 *    the Timestamp (neither contains the Signature) and the gateway refuses it
 *    (GW_ERR_SEC_UNSUPPORTED_ALGORITHM "transform http://www.w3.org/2000/09/xmldsig#enveloped-signature");
 *  - `idMode: 'wssecurity'`: the Body and the Timestamp get `wsu:Id` (without it xml-crypto writes a
 *    bare `Id`, which the gateway also accepts, but wsu:Id is what WS-Security specifies);
 *  - `hasTimeStamp: true`: the Timestamp the service requires, signed with the Body.
 */
export const SIGNER_OPTIONS: WSSecurityCertOptions = Object.freeze({
  signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  signatureTransformations: [EXC_C14N],
  hasTimeStamp: true,
  signerOptions: { prefix: 'ds', idMode: 'wssecurity' as const },
});

export interface SignedClientOptions {
  /** Gateway base URL, e.g. http://127.0.0.1:8080. */
  readonly gatewayUrl: string;
  readonly version: SoapVersion;
  /** PEM private key (default: the demo client key). */
  readonly keyPem?: string;
  /** PEM certificate of the key (default: the demo client certificate). */
  readonly certPem?: string;
  /** Extra / replacing WSSecurityCert options (tests use this to reproduce node-soap's defaults). */
  readonly signer?: WSSecurityCertOptions;
}

export interface SignedClient {
  readonly client: Client;
  /** The gateway endpoint the port posts to (soap:address of the published WSDL). */
  readonly endpoint: string;
  /** Calls `operation` on the chosen port; `postProcess` may change the XML after it was signed. */
  call(operation: string, args: unknown, options?: { postProcess?: (xml: string) => string }): Promise<unknown>;
}

/**
 * Fetches `<gateway><path>?wsdl` (the WSDL the gateway publishes, with its own address in
 * soap:address) and returns a client bound to the port of `version`, signing with WSSecurityCert.
 */
export async function createSignedClient(opts: SignedClientOptions): Promise<SignedClient> {
  const wsdlUrl = `${opts.gatewayUrl.replace(/\/+$/, '')}${GATEWAY_PATHS[opts.version]}?wsdl`;
  const client = await soap.createClientAsync(wsdlUrl, { forceSoap12Headers: opts.version === '1.2' });
  const keyPem = opts.keyPem ?? readFileSync(DEMO_CLIENT_KEY, 'utf8');
  const certPem = opts.certPem ?? readFileSync(DEMO_CLIENT_CERT, 'utf8');
  // A fresh deep copy: WSSecurityCert writes into signerOptions (existingPrefixes).
  const signer = structuredClone({ ...SIGNER_OPTIONS, ...opts.signer });
  client.setSecurity(new soap.WSSecurityCert(keyPem, certPem, '', signer));

  const description = client.describe() as Record<string, Record<string, unknown>>;
  const portName = WSDL_PORT[opts.version];
  if (description[WSDL_SERVICE]?.[portName] === undefined) throw new Error(`${wsdlUrl} has no port ${WSDL_SERVICE}/${portName}`);
  // node-soap binds client.<Operation> to one port only; the port object is explicit about which one.
  const port = (client as unknown as Record<string, Record<string, Record<string, unknown>>>)[WSDL_SERVICE]?.[portName];
  const endpoint = (client.wsdl.definitions.services[WSDL_SERVICE]?.ports[portName]?.location as string | undefined) ?? '';
  return {
    client,
    endpoint,
    call(operation, args, options = {}) {
      const method = port?.[operation];
      if (typeof method !== 'function') return Promise.reject(new Error(`the WSDL has no operation ${operation} on ${portName}`));
      return new Promise((resolve, reject) => {
        (method as (a: unknown, cb: (err: unknown, result: unknown) => void, o: unknown) => void)(
          args,
          (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)),
          options,
        );
      });
    },
  };
}

/** What a rejected node-soap call carried: HTTP status and the SOAP fault, as far as there is one. */
export interface CallFailure {
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly message: string;
}

export function describeFailure(err: unknown): CallFailure {
  const e = err as { message?: string; response?: { status?: number; data?: unknown } };
  const data = e.response?.data;
  return { status: e.response?.status, body: typeof data === 'string' ? data : undefined, message: e.message ?? String(err) };
}
