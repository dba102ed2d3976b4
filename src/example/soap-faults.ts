/**
 * SOAP faults of the example backend, in the version of the endpoint that was called.
 *
 * Business faults are thrown from the node-soap service methods as `NodeSoapFault` (node-soap looks
 * for a `Fault` property) and node-soap writes them; faults raised before node-soap runs (wrong
 * media type, SOAP version, unknown action, mustUnderstand) are written by `faultResponse` in the
 * same shape. HTTP status: SOAP 1.1 faults are 500 (SOAP 1.1 §6.2); SOAP 1.2 Sender faults are 400,
 * the others 500 (SOAP 1.2 part 2 §7.5.2.2).
 */
import type { PolicyFaultCode } from './policy-admin.ts';

export type SoapVersion = '1.1' | '1.2';
export type FaultKind = 'Sender' | 'Receiver' | 'VersionMismatch' | 'MustUnderstand';

export const SOAP_ENV_NS: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

export const SOAP_CONTENT_TYPE: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'text/xml; charset=utf-8',
  '1.2': 'application/soap+xml; charset=utf-8',
};

export const POLICY_SCHEMA_NS = 'http://insurer.example/schemas/policyadmin/2021/03';

/** The envelope prefix node-soap writes (its `envelopeKey` option, default `soap`). */
const ENV_PREFIX = 'soap';

const SOAP11_CODE: Readonly<Record<FaultKind, string>> = {
  Sender: 'Client',
  Receiver: 'Server',
  VersionMismatch: 'VersionMismatch',
  MustUnderstand: 'MustUnderstand',
};

export interface FaultSpec {
  readonly kind: FaultKind;
  readonly reason: string;
  /** Well-formed XML placed inside `detail` / `Detail`. */
  readonly detailXml?: string;
}

export function faultStatus(version: SoapVersion, kind: FaultKind): number {
  return version === '1.2' && kind === 'Sender' ? 400 : 500;
}

/** Escapes text content (not attribute values). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function policyFaultDetail(code: PolicyFaultCode, message: string, policyNumber?: string): string {
  const number = policyNumber === undefined ? '' : `<pa:PolicyNumber>${escapeXml(policyNumber)}</pa:PolicyNumber>`;
  return (
    `<pa:PolicyFault xmlns:pa="${POLICY_SCHEMA_NS}">` +
    `<pa:FaultCode>${code}</pa:FaultCode><pa:Message>${escapeXml(message)}</pa:Message>${number}` +
    `</pa:PolicyFault>`
  );
}

/** node-soap's fault object shapes (`ISoapFault11` / `ISoapFault12`, plus `detail` and `xml:lang`). */
export type NodeSoapFaultObject =
  | { faultcode: string; faultstring: string; detail?: { $xml: string }; statusCode: number }
  | {
      Code: { Value: string };
      Reason: { Text: { attributes: { 'xml:lang': string }; $value: string } };
      Detail?: { $xml: string };
      statusCode: number;
    };

/** Thrown from a node-soap service method: node-soap serialises `Fault` and uses its `statusCode`. */
export class NodeSoapFault extends Error {
  override readonly name = 'NodeSoapFault';
  readonly Fault: NodeSoapFaultObject;
  constructor(version: SoapVersion, spec: FaultSpec) {
    super(spec.reason);
    this.Fault = nodeSoapFaultObject(version, spec);
  }
}

export function nodeSoapFaultObject(version: SoapVersion, spec: FaultSpec): NodeSoapFaultObject {
  const statusCode = faultStatus(version, spec.kind);
  if (version === '1.1') {
    return {
      faultcode: `${ENV_PREFIX}:${SOAP11_CODE[spec.kind]}`,
      faultstring: spec.reason,
      ...(spec.detailXml === undefined ? {} : { detail: { $xml: spec.detailXml } }),
      statusCode,
    };
  }
  return {
    Code: { Value: `${ENV_PREFIX}:${spec.kind}` },
    Reason: { Text: { attributes: { 'xml:lang': 'en' }, $value: spec.reason } },
    ...(spec.detailXml === undefined ? {} : { Detail: { $xml: spec.detailXml } }),
    statusCode,
  };
}

export interface FaultResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A complete fault message, written without node-soap (same shape as node-soap's). */
export function faultResponse(version: SoapVersion, spec: FaultSpec): FaultResponse {
  const p = ENV_PREFIX;
  const reason = escapeXml(spec.reason);
  const fault =
    version === '1.1'
      ? `<${p}:Fault><faultcode>${p}:${SOAP11_CODE[spec.kind]}</faultcode><faultstring>${reason}</faultstring>` +
        `${spec.detailXml === undefined ? '' : `<detail>${spec.detailXml}</detail>`}</${p}:Fault>`
      : `<${p}:Fault><${p}:Code><${p}:Value>${p}:${spec.kind}</${p}:Value></${p}:Code>` +
        `<${p}:Reason><${p}:Text xml:lang="en">${reason}</${p}:Text></${p}:Reason>` +
        `${spec.detailXml === undefined ? '' : `<${p}:Detail>${spec.detailXml}</${p}:Detail>`}</${p}:Fault>`;
  return {
    status: faultStatus(version, spec.kind),
    contentType: SOAP_CONTENT_TYPE[version],
    body: `<?xml version="1.0" encoding="utf-8"?><${p}:Envelope xmlns:${p}="${SOAP_ENV_NS[version]}"><${p}:Body>${fault}</${p}:Body></${p}:Envelope>`,
  };
}
