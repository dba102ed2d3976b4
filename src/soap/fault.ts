import { errorCatalogue, httpStatusFor, publicCodeFor, type ErrorCode, type FaultKind, type SoapVersion } from '../errors.ts';
import type { QName } from '../wsdl/types.ts';
import { SOAP11_ENV, SOAP12_ENV, SOAP_MEDIA_TYPE } from './namespaces.ts';

/** Namespace of the gateway's own fault detail and Subcode values. */
export const FAULT_NS = 'urn:wsgate:fault:1';

export interface FaultResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The code shown to the client (after masking). */
  readonly publicCode: ErrorCode;
}

export interface FaultOptions {
  readonly correlationId: string;
  /** MustUnderstand faults: the header blocks not understood (SOAP 1.2 env:NotUnderstood). */
  readonly notUnderstood?: readonly QName[];
  /** GW_ERR_SCHEMA_INVALID: the first schema violations (element path + short message), listed in the detail. */
  readonly violations?: readonly { readonly path: string; readonly message: string }[];
}

const faultCode11: Readonly<Record<FaultKind, string>> = {
  sender: 'Client',
  receiver: 'Server',
  versionMismatch: 'VersionMismatch',
  mustUnderstand: 'MustUnderstand',
};

const faultCode12: Readonly<Record<FaultKind, string>> = {
  sender: 'Sender',
  receiver: 'Receiver',
  versionMismatch: 'VersionMismatch',
  mustUnderstand: 'MustUnderstand',
};

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;'));
}

function gatewayInfo(code: ErrorCode, opts: FaultOptions): string {
  const violations = (opts.violations ?? []).map((v) => `<gw:violation><gw:path>${escapeXml(v.path)}</gw:path><gw:message>${escapeXml(v.message)}</gw:message></gw:violation>`).join('');
  return `<gw:error xmlns:gw="${FAULT_NS}"><gw:code>${code}</gw:code><gw:correlationId>${escapeXml(opts.correlationId)}</gw:correlationId>${violations}</gw:error>`;
}

/** SOAP 1.2 part 1 §5.4.8: the envelope versions this node supports (also sent in SOAP 1.1, Appendix A). */
function upgradeHeader(prefix: string): string {
  return `<${prefix}:Upgrade xmlns:${prefix}="${SOAP12_ENV}"><${prefix}:SupportedEnvelope qname="e12:Envelope" xmlns:e12="${SOAP12_ENV}"/><${prefix}:SupportedEnvelope qname="e11:Envelope" xmlns:e11="${SOAP11_ENV}"/></${prefix}:Upgrade>`;
}

function notUnderstoodHeaders(list: readonly QName[]): string {
  return list.map((q) => `<env:NotUnderstood xmlns:nu="${escapeXml(q.ns)}" qname="nu:${escapeXml(q.local)}"/>`).join('');
}

function soap11(code: ErrorCode, kind: FaultKind, message: string, opts: FaultOptions): string {
  // SOAP 1.1 §4.4: `detail` carries Body-related information only; header-related faults carry ours in a header block.
  const headerRelated = kind === 'mustUnderstand' || kind === 'versionMismatch';
  const info = gatewayInfo(code, opts);
  const headers = headerRelated ? `<soap:Header>${kind === 'versionMismatch' ? upgradeHeader('up') : ''}${info}</soap:Header>` : '';
  const detail = headerRelated ? '' : `<detail>${info}</detail>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:soap="${SOAP11_ENV}">${headers}<soap:Body><soap:Fault>` +
    `<faultcode>soap:${faultCode11[kind]}</faultcode><faultstring xml:lang="en">${escapeXml(message)}</faultstring>${detail}` +
    `</soap:Fault></soap:Body></soap:Envelope>`
  );
}

function soap12(code: ErrorCode, kind: FaultKind, message: string, opts: FaultOptions): string {
  let headers = '';
  if (kind === 'versionMismatch') headers = upgradeHeader('env');
  if (kind === 'mustUnderstand' && opts.notUnderstood) headers = notUnderstoodHeaders(opts.notUnderstood);
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<env:Envelope xmlns:env="${SOAP12_ENV}">${headers ? `<env:Header>${headers}</env:Header>` : ''}<env:Body><env:Fault>` +
    `<env:Code><env:Value>env:${faultCode12[kind]}</env:Value><env:Subcode><env:Value xmlns:gw="${FAULT_NS}">gw:${code}</env:Value></env:Subcode></env:Code>` +
    `<env:Reason><env:Text xml:lang="en">${escapeXml(message)}</env:Text></env:Reason>` +
    `<env:Detail>${gatewayInfo(code, opts)}</env:Detail>` +
    `</env:Fault></env:Body></env:Envelope>`
  );
}

/** The client-facing fault for an error code: safe text, stable code, correlation id; nothing internal. */
export function buildFault(code: ErrorCode, version: SoapVersion, opts: FaultOptions): FaultResponse {
  const publicCode = publicCodeFor(code);
  const def = errorCatalogue[publicCode];
  const body = version === '1.1' ? soap11(publicCode, def.fault, def.message, opts) : soap12(publicCode, def.fault, def.message, opts);
  return { status: httpStatusFor(publicCode, version), contentType: SOAP_MEDIA_TYPE[version], body, publicCode };
}
