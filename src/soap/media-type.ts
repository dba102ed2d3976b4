import contentType from 'content-type';
import { GatewayError, type SoapVersion } from '../errors.ts';

export interface SoapMediaType {
  readonly version: SoapVersion;
  /** Lower-cased charset parameter, when given. */
  readonly charset: string | undefined;
  /** SOAP 1.2 `action` parameter (RFC 3902), when given. */
  readonly action: string | undefined;
}

const versionByType: Readonly<Record<string, SoapVersion>> = {
  'text/xml': '1.1', // SOAP 1.1 §6.1.1
  'application/soap+xml': '1.2', // RFC 3902, SOAP 1.2 part 2 §7.1.4
};

/**
 * Reads the request Content-Type and checks it names the SOAP version bound at this endpoint.
 * A media type that is not SOAP at all, or names the other version, is refused before parsing:
 * no envelope of such a request can be trusted to say which version it is.
 */
export function readSoapMediaType(header: string | undefined, endpointVersion: SoapVersion): SoapMediaType {
  // Clients send the same few Content-Type values again and again: the accepted readings are kept
  // (a pure function of the header and the version; bounded, emptied when full). Refusals are not.
  const key = header === undefined ? undefined : `${endpointVersion}\u0000${header}`;
  const known = key === undefined ? undefined : accepted.get(key);
  if (known !== undefined) return known;
  const read = readUncached(header, endpointVersion);
  if (key !== undefined && header !== undefined && header.length <= 256) {
    if (accepted.size >= MAX_ACCEPTED) accepted.clear();
    accepted.set(key, read);
  }
  return read;
}

const MAX_ACCEPTED = 64;
const accepted = new Map<string, SoapMediaType>();

function readUncached(header: string | undefined, endpointVersion: SoapVersion): SoapMediaType {
  if (header === undefined || header.trim() === '') {
    throw new GatewayError('GW_ERR_HTTP_MEDIA_TYPE', 'no Content-Type header');
  }
  let parsed: contentType.ParsedMediaType;
  try {
    parsed = contentType.parse(header);
  } catch {
    throw new GatewayError('GW_ERR_HTTP_MEDIA_TYPE', `unparseable Content-Type ${JSON.stringify(header.slice(0, 200))}`);
  }
  const version = versionByType[parsed.type];
  if (version === undefined) {
    throw new GatewayError('GW_ERR_HTTP_MEDIA_TYPE', `media type ${parsed.type} is not a SOAP media type`, { mediaType: parsed.type });
  }
  if (version !== endpointVersion) {
    throw new GatewayError(
      'GW_ERR_HTTP_MEDIA_TYPE',
      `media type ${parsed.type} means SOAP ${version} but this endpoint is bound to SOAP ${endpointVersion}`,
      { mediaType: parsed.type, endpointVersion },
    );
  }
  const charset = parsed.parameters['charset']?.toLowerCase();
  const action = version === '1.2' ? parsed.parameters['action'] : undefined;
  return Object.freeze({ version, charset, action });
}

/** SOAP 1.1 SOAPAction header (§6.1.1): a quoted URI, an empty string, or (leniently) unquoted. */
export function readSoapActionHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    throw new GatewayError('GW_ERR_SOAP_ACTION_MISMATCH', 'more than one SOAPAction header');
  }
  const v = value.trim();
  const unquoted = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  return unquoted === '' ? undefined : unquoted;
}
