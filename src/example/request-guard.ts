/**
 * The checks a conforming SOAP endpoint makes before dispatching, which node-soap leaves out: HTTP
 * method, media type of the endpoint's SOAP version, a well-formed envelope in the right namespace
 * (VersionMismatch otherwise), a known body element whose SOAPAction / action parameter agrees with
 * it, and no mustUnderstand header block addressed to us (this backend understands none).
 * Without them node-soap would, e.g., dispatch on the SOAPAction alone and hand the handler another
 * operation's body, or answer an unknown SOAPAction with a malformed fault carrying a TypeError.
 */
import type { OperationContract } from './contract.ts';
import { operationByAction, operationByInput, versionOfBackendPath } from './contract.ts';
import { scanEnvelope } from './envelope-scan.ts';
import type { HeaderBlock } from './envelope-scan.ts';
import type { FaultKind, SoapVersion } from './soap-faults.ts';
import { SOAP_ENV_NS, faultResponse } from './soap-faults.ts';

export interface GuardInput {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export type GuardVerdict =
  | { readonly kind: 'dispatch'; readonly version: SoapVersion; readonly operation: OperationContract }
  | { readonly kind: 'wsdl'; readonly version: SoapVersion }
  | { readonly kind: 'reply'; readonly status: number; readonly contentType: string; readonly body: string; readonly headers?: Readonly<Record<string, string>> };

const MEDIA_TYPE: Readonly<Record<SoapVersion, string>> = { '1.1': 'text/xml', '1.2': 'application/soap+xml' };

const ROLES_FOR_US: Readonly<Record<SoapVersion, readonly string[]>> = {
  '1.1': ['http://schemas.xmlsoap.org/soap/actor/next'],
  '1.2': ['http://www.w3.org/2003/05/soap-envelope/role/next', 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver'],
};

const text = (status: number, body: string, headers?: Record<string, string>): GuardVerdict => ({
  kind: 'reply', status, contentType: 'text/plain; charset=utf-8', body: `${body}\n`, ...(headers === undefined ? {} : { headers }),
});

const fault = (version: SoapVersion, kind: FaultKind, reason: string): GuardVerdict => ({ kind: 'reply', ...faultResponse(version, { kind, reason }) });

function header(headers: GuardInput['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `text/xml; charset=utf-8` → media type and lower-cased parameters (quotes removed). */
export function parseContentType(value: string | undefined): { type: string; params: Readonly<Record<string, string>> } {
  const [type = '', ...rest] = (value ?? '').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

export function checkRequest(req: GuardInput): GuardVerdict {
  const version = versionOfBackendPath(req.path);
  if (version === undefined) return text(404, `No SOAP endpoint at ${req.path}`);
  if (req.method === 'GET' && /^\?wsdl$/i.test(req.query)) return { kind: 'wsdl', version };
  if (req.method !== 'POST') return text(405, 'Use POST for SOAP requests (or GET ?wsdl).', { allow: 'POST, GET' });

  const contentType = parseContentType(header(req.headers, 'content-type'));
  if (contentType.type !== MEDIA_TYPE[version]) {
    return text(415, `SOAP ${version} requests must be sent as ${MEDIA_TYPE[version]}, not '${contentType.type}'.`);
  }
  if (req.body.trim() === '') return fault(version, 'Sender', 'The request body is empty.');

  const scan = scanEnvelope(req.body);
  if (!scan.ok) return fault(version, 'Sender', `Not a SOAP message: ${scan.problem}.`);
  if (scan.root.local !== 'Envelope' || (scan.root.ns !== SOAP_ENV_NS['1.1'] && scan.root.ns !== SOAP_ENV_NS['1.2'])) {
    return fault(version, 'Sender', 'Not a SOAP message: the root element is not a SOAP Envelope.');
  }
  if (scan.root.ns !== SOAP_ENV_NS[version]) {
    return fault(version, 'VersionMismatch', `This endpoint speaks SOAP ${version}; the envelope is in namespace ${scan.root.ns}.`);
  }
  const notUnderstood = scan.headerBlocks.find((h) => h.mustUnderstand && addressedToUs(h, version));
  if (notUnderstood !== undefined) {
    return fault(version, 'MustUnderstand', `Header block {${notUnderstood.ns}}${notUnderstood.local} is not understood.`);
  }
  if (scan.bodyChild === undefined) return fault(version, 'Sender', 'The SOAP Body is empty.');
  const operation = operationByInput(scan.bodyChild.ns, scan.bodyChild.local);
  if (operation === undefined) {
    return fault(version, 'Sender', `No operation takes {${scan.bodyChild.ns}}${scan.bodyChild.local}.`);
  }

  const action = requestAction(req, version, contentType.params);
  if (action === null) return fault(version, 'Sender', 'SOAP 1.1 requests need a SOAPAction header.');
  if (action !== undefined && action !== '' && action !== operation.action) {
    const known = operationByAction(action);
    const why = known === undefined ? 'is not an action of this service' : `belongs to ${known.name}, but the body is ${operation.inputElement}`;
    return fault(version, 'Sender', `The action '${action}' ${why}.`);
  }
  return { kind: 'dispatch', version, operation };
}

/** SOAP 1.1: the SOAPAction header (null when missing); SOAP 1.2: the optional `action` media-type parameter. */
function requestAction(req: GuardInput, version: SoapVersion, params: Readonly<Record<string, string>>): string | undefined | null {
  if (version === '1.2') return params['action'];
  const soapAction = header(req.headers, 'soapaction');
  if (soapAction === undefined) return null;
  return soapAction.trim().replace(/^"(.*)"$/, '$1');
}

function addressedToUs(h: HeaderBlock, version: SoapVersion): boolean {
  return h.role === undefined || h.role === '' || ROLES_FOR_US[version].includes(h.role);
}
