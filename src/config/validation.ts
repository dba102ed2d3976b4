/** The `validation` section of service.yaml: its JSON Schema and the frozen configuration. */
import type { ValidationConfig } from './types.ts';

const mode = (description: string, withDefault: boolean) =>
  ({
    type: 'string',
    enum: ['on', 'off', 'report-only'],
    ...(withDefault ? { default: 'off' } : {}),
    mustBe: 'on, off or report-only',
    description,
  }) as const;

export const validationSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description:
    "XML Schema validation of the SOAP Body against the WSDL's schemas (the inline `wsdl:types` schemas and the XSD files they import or include, all from the service directory; nothing is fetched), compiled once at start-up with libxml2. Requests are validated after WS-Security (decrypted) and authorization, before replay and forwarding. document/literal operations only: asking it of an rpc/literal operation stops start-up. `on`: an invalid request is refused with GW_ERR_SCHEMA_INVALID, whose fault lists the first violations (element path and message); `report-only`: violations are recorded in the log line and trace and the message goes on. Cost: see `npm run bench:validate`.",
  properties: {
    request: mode('Validate request Bodies (`on`, `report-only`, `off`).', true),
    response: mode('Validate 2xx backend responses that are not faults (`on`: an invalid response becomes GW_ERR_BACKEND_RESPONSE_INVALID, 502, although the backend has already processed the request; `report-only`: recorded; `off`).', true),
    maxViolations: { type: 'integer', minimum: 1, maximum: 20, default: 5, description: 'Most violations listed in a fault and recorded per message (each message is cut to 240 characters).' },
    operations: {
      type: 'object',
      default: {},
      description: 'Per-operation modes by WSDL operation name, replacing the service-wide ones, e.g. `SearchPolicies: {request: report-only}`.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        description: 'Modes of one operation.',
        properties: {
          request: mode('Validate this operation\'s requests.', false),
          response: mode('Validate this operation\'s responses.', false),
        },
      },
    },
  },
} as const;

export function buildValidation(v: ValidationConfig): ValidationConfig {
  return {
    request: v.request,
    response: v.response,
    maxViolations: v.maxViolations,
    operations: Object.fromEntries(
      Object.entries(v.operations).map(([op, m]) => [op, { ...(m.request !== undefined ? { request: m.request } : {}), ...(m.response !== undefined ? { response: m.response } : {}) }]),
    ),
  };
}
