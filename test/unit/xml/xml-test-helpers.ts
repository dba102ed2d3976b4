import { GatewayError } from '../../../src/errors.ts';
import { NS_SOAP11_ENV } from '../../../src/xml/ns.ts';

/** The error code `fn` is rejected with, or 'accepted'; anything but a GatewayError is rethrown. */
export function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

/** The GatewayError `fn` throws (fails the test when it does not throw one). */
export function rejection(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError, but the call succeeded');
}

export function soap11(body: string, header = ''): string {
  const head = header === '' ? '' : `<soap:Header>${header}</soap:Header>`;
  return `<soap:Envelope xmlns:soap="${NS_SOAP11_ENV}">${head}<soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function utf16le(text: string, bom = true): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

export function utf16be(text: string, bom = true): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1] ?? 0;
    be[i + 1] = le[i] ?? 0;
  }
  return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), be]) : be;
}
