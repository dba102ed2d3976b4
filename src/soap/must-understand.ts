import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../errors.ts';
import type { CompiledPort } from '../service/compiled.ts';
import type { QName } from '../wsdl/types.ts';
import type { Envelope } from './envelope.ts';
import { SOAP11_ACTOR_NEXT, SOAP12_ROLE_NEXT, SOAP12_ROLE_NONE, SOAP12_ROLE_ULTIMATE, SOAP_ENV_NS } from './namespaces.ts';

/** A header block is targeted at the gateway when its actor/role is one the gateway plays. */
export function targetsGateway(env: Envelope, block: Element, port: CompiledPort): boolean {
  const ns = SOAP_ENV_NS[env.version];
  if (env.version === '1.1') {
    // SOAP 1.1 §4.2.2: no actor = the ultimate recipient; the gateway answers for it.
    const actor = block.hasAttributeNS(ns, 'actor') ? (block.getAttributeNS(ns, 'actor') ?? '') : undefined;
    return actor === undefined || actor === '' || actor === SOAP11_ACTOR_NEXT || port.roles.has(actor);
  }
  // SOAP 1.2 part 1 §2.2, §5.2.2: no role = ultimateReceiver; "none" is never processed.
  const role = block.hasAttributeNS(ns, 'role') ? (block.getAttributeNS(ns, 'role') ?? '') : undefined;
  if (role === SOAP12_ROLE_NONE) return false;
  return role === undefined || role === '' || role === SOAP12_ROLE_ULTIMATE || role === SOAP12_ROLE_NEXT || port.roles.has(role);
}

/** The block's mustUnderstand flag (SOAP 1.1 "0"/"1", SOAP 1.2 xs:boolean); invalid values are refused. */
export function mustUnderstand(env: Envelope, block: Element): boolean {
  const ns = SOAP_ENV_NS[env.version];
  if (!block.hasAttributeNS(ns, 'mustUnderstand')) return false;
  const v = (block.getAttributeNS(ns, 'mustUnderstand') ?? '').trim();
  // SOAP 1.1 §4.2.3: "0" or "1"; SOAP 1.2 part 1 §5.2.3: xs:boolean.
  const allowed = env.version === '1.1' ? ['0', '1'] : ['0', '1', 'true', 'false'];
  if (!allowed.includes(v)) {
    throw new GatewayError('GW_ERR_SOAP_INVALID_HEADER_ATTRIBUTE', `mustUnderstand=${JSON.stringify(v)} on {${block.namespaceURI ?? ''}}${block.localName ?? ''}`);
  }
  return v === '1' || v === 'true';
}

export class MustUnderstandError extends GatewayError {
  readonly notUnderstood: readonly QName[];
  constructor(notUnderstood: readonly QName[]) {
    super('GW_ERR_SOAP_MUST_UNDERSTAND', `not understood: ${notUnderstood.map((q) => `{${q.ns}}${q.local}`).join(', ')}`);
    this.notUnderstood = notUnderstood;
  }
}

/**
 * SOAP processing model: every header block targeted at the gateway with mustUnderstand on must
 * be one the gateway processes or the service declares the backend understands
 * (`passThroughHeaders`). `processed` holds blocks consumed by earlier stages.
 */
export function checkMustUnderstand(env: Envelope, port: CompiledPort, processed: ReadonlySet<Element> = new Set()): void {
  const missing: QName[] = [];
  for (const block of env.headerBlocks) {
    const mu = mustUnderstand(env, block);
    if (!mu || processed.has(block) || !targetsGateway(env, block, port)) continue;
    const key = `{${block.namespaceURI ?? ''}}${block.localName ?? ''}`;
    if (!port.understoodHeaders.has(key)) missing.push({ ns: block.namespaceURI ?? '', local: block.localName ?? '' });
  }
  if (missing.length > 0) throw new MustUnderstandError(missing);
}
