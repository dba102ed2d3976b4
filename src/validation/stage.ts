import contentType from 'content-type';
import type { BackendResponse } from '../backends/types.ts';
import type { ServiceConfig } from '../config/types.ts';
import { GatewayError, isGatewayError, type ErrorDetail, type SoapVersion } from '../errors.ts';
import type { ExchangeTrace } from '../pipeline/exchange.ts';
import { readEnvelope, type Envelope } from '../soap/envelope.ts';
import { SOAP_ENV_NS } from '../soap/namespaces.ts';
import type { WsdlOperation } from '../wsdl/types.ts';
import { parseXml } from '../xml/parse.ts';
import type { XmlLimits } from '../xml/types.ts';
import { SchemaInvalidError } from './error.ts';
import type { ServiceValidation } from './service.ts';
import type { ValidationFinding, ValidationResult } from './types.ts';

type Direction = 'request' | 'response';

function detailOf(operation: string, direction: Direction, found: ValidationResult): ErrorDetail {
  const detail: Record<string, string | number> = { operation, direction, violations: found.total };
  found.violations.forEach((v, i) => (detail[`violation${i + 1}`] = `${v.path}: ${v.message}`));
  return detail;
}

function reasonOf(operation: string, direction: Direction, found: ValidationResult): string {
  const first = found.violations[0];
  return `the ${operation} ${direction} Body is not valid against the WSDL's XML Schema (${found.total} violation${found.total === 1 ? '' : 's'})${first ? `; first: ${first.path}: ${first.message}` : ''}`;
}

function timedValidate(v: ServiceValidation, elements: Envelope['bodyElements'], trace: ExchangeTrace, stage: string): ValidationResult {
  const t0 = performance.now();
  try {
    return v.validator.validate(elements, v.maxViolations);
  } finally {
    trace.stages.push({ stage, ms: performance.now() - t0 });
  }
}

function record(trace: ExchangeTrace, direction: Direction, finding: ValidationFinding): void {
  trace.validation = { ...trace.validation, [direction]: finding };
}

/**
 * Stage 7a: the request Body elements (after decryption) against the WSDL's schemas, for a
 * document/literal operation whose `validation.request` is on or report-only. `on`: an invalid Body
 * is GW_ERR_SCHEMA_INVALID (not masked; the fault lists the first violations). `report-only`: the
 * finding is recorded and the request goes on, also when the validator itself fails.
 */
export function checkRequestSchema(v: ServiceValidation | undefined, operation: WsdlOperation, envelope: Envelope, trace: ExchangeTrace): void {
  const mode = v?.operations.get(operation.name)?.request ?? 'off';
  if (v === undefined || mode === 'off' || operation.style !== 'document') return;
  let found: ValidationResult;
  try {
    found = timedValidate(v, envelope.bodyElements, trace, 'validation');
  } catch (err) {
    if (mode === 'on') throw err;
    found = { total: 1, violations: [{ path: '', message: `the gateway could not validate the Body (${err instanceof Error ? err.message : 'error'})` }] };
  }
  record(trace, 'request', { mode, valid: found.total === 0, ...found });
  if (mode === 'on' && found.total > 0) throw new SchemaInvalidError(reasonOf(operation.name, 'request', found), detailOf(operation.name, 'request', found), found.violations);
}

/** Response limits: the service's `limits`, with room for a response as large as `backend.maxResponseBytes`; comments allowed. */
function responseLimits(config: ServiceConfig): XmlLimits {
  const l = config.limits;
  const size = config.backend.maxResponseBytes;
  return { ...l, allowComments: true, maxNodes: Math.max(l.maxNodes, Math.ceil(size / 8)), maxTextLength: Math.max(l.maxTextLength, size) };
}

function charsetOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  try {
    return contentType.parse(header).parameters['charset']?.toLowerCase();
  } catch {
    return undefined;
  }
}

function unreadable(why: string): ValidationResult {
  return { total: 1, violations: [{ path: '', message: why }] };
}

/**
 * After the backend answered: its response Body against the operation's output element, for a
 * document/literal request-response operation whose `validation.response` is on or report-only.
 * Only 2xx responses that are not SOAP faults are validated (faults go back as the backend sent
 * them). The response is parsed with the hardened parser. `on`: invalid or unreadable →
 * GW_ERR_BACKEND_RESPONSE_INVALID (a Receiver fault; the violations stay in the log/audit).
 */
export function checkResponseSchema(v: ServiceValidation | undefined, operation: WsdlOperation, res: BackendResponse, version: SoapVersion, config: ServiceConfig, trace: ExchangeTrace): void {
  const mode = v?.operations.get(operation.name)?.response ?? 'off';
  if (v === undefined || mode === 'off' || operation.style !== 'document' || operation.oneWay || res.status < 200 || res.status > 299) return;
  const envelope = readResponse(res, version, config);
  let found: ValidationResult;
  if (typeof envelope === 'string') found = unreadable(envelope);
  else {
    const first = envelope.bodyElements[0];
    if (first !== undefined && first.namespaceURI === SOAP_ENV_NS[version] && first.localName === 'Fault') return;
    try {
      found = timedValidate(v, envelope.bodyElements, trace, 'response-validation');
    } catch (err) {
      if (mode === 'on') throw err;
      found = unreadable(`the gateway could not validate the response Body (${err instanceof Error ? err.message : 'error'})`);
    }
  }
  record(trace, 'response', { mode, valid: found.total === 0, ...found });
  if (mode === 'on' && found.total > 0) throw new GatewayError('GW_ERR_BACKEND_RESPONSE_INVALID', reasonOf(operation.name, 'response', found), detailOf(operation.name, 'response', found));
}

/** The backend response as an envelope, or why it is not one. */
function readResponse(res: BackendResponse, version: SoapVersion, config: ServiceConfig): Envelope | string {
  try {
    return readEnvelope(parseXml(res.body, charsetOf(res.contentType), responseLimits(config)).doc, version);
  } catch (err) {
    return `the response is not a SOAP ${version} envelope the gateway can read (${isGatewayError(err) ? err.code : 'error'})`;
  }
}
