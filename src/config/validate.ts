import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { gatewaySchema, serviceSchema } from './schema.ts';
import type { GatewayDocument, ServiceDocument } from './schema.ts';

export function isHttpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
}

function isAbsoluteUri(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
ajv.addKeyword({ keyword: 'mustBe', schemaType: 'string' });
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
ajv.addFormat('http-url', { type: 'string', validate: isHttpUrl });
ajv.addFormat('absolute-uri', { type: 'string', validate: isAbsoluteUri });

const gatewayValidator: ValidateFunction<GatewayDocument> = ajv.compile<GatewayDocument>(gatewaySchema);
const serviceValidator: ValidateFunction<ServiceDocument> = ajv.compile<ServiceDocument>(serviceSchema);

/** Validates in place: defaults are inserted into `data`. Returns the ajv errors (empty when valid). */
export function validateGatewayDocument(data: unknown): readonly ErrorObject[] {
  return gatewayValidator(data) ? [] : [...(gatewayValidator.errors ?? [])];
}

export function validateServiceDocument(data: unknown): readonly ErrorObject[] {
  return serviceValidator(data) ? [] : [...(serviceValidator.errors ?? [])];
}
