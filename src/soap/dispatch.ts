import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../errors.ts';
import type { CompiledPort } from '../service/compiled.ts';
import type { WsdlOperation } from '../wsdl/types.ts';
import type { Envelope } from './envelope.ts';
import { WSA_NS } from './namespaces.ts';

export interface DispatchInput {
  /** SOAP 1.1 SOAPAction header or SOAP 1.2 `action` media-type parameter (empty = absent). */
  readonly httpAction: string | undefined;
}

export interface Dispatched {
  readonly operation: WsdlOperation;
  /** The action the client stated (HTTP or wsa:Action), if any. */
  readonly action: string | undefined;
  /** How the operation was identified, for the audit record. */
  readonly by: 'action+body' | 'body' | 'action';
  /**
   * False when the Body content could not be matched yet because it is encrypted
   * (xenc:EncryptedData): the Body must be re-checked with `checkBodyMatches` after decryption.
   */
  readonly bodyChecked: boolean;
}

const XENC_NS = 'http://www.w3.org/2001/04/xmlenc#';

const clarkOf = (el: Element): string => `{${el.namespaceURI ?? ''}}${el.localName ?? ''}`;

function wsaAction(env: Envelope): string | undefined {
  const found = env.headerBlocks.filter((h) => h.localName === 'Action' && (WSA_NS as readonly string[]).includes(h.namespaceURI ?? ''));
  if (found.length > 1) throw new GatewayError('GW_ERR_SOAP_ACTION_MISMATCH', `${found.length} wsa:Action headers`);
  const v = found[0]?.textContent?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** The Body's elements match the operation's input parts, in order and number (WSDL 1.1 §3.5). */
function bodyMatches(op: WsdlOperation, bodyElements: readonly Element[]): boolean {
  if (bodyElements.length !== op.inputBody.length) return false;
  return op.inputBody.every((q, i) => {
    const el = bodyElements[i];
    return el !== undefined && (el.namespaceURI ?? '') === q.ns && el.localName === q.local;
  });
}

function describe(els: readonly Element[]): string {
  return els.map(clarkOf).join(', ');
}

/**
 * Finds the WSDL operation of a request. The HTTP action (SOAPAction / action parameter), the
 * wsa:Action header and the Body's element must all name the same operation: a client that
 * states one operation in the action and sends another's payload is refused (SOAPAction spoofing).
 * An empty or absent action is allowed when the Body alone names exactly one operation.
 */
export function dispatch(env: Envelope, port: CompiledPort, input: DispatchInput): Dispatched {
  const addressing = wsaAction(env);
  if (input.httpAction !== undefined && addressing !== undefined && input.httpAction !== addressing) {
    throw new GatewayError('GW_ERR_SOAP_ACTION_MISMATCH', `HTTP action ${JSON.stringify(input.httpAction)} differs from wsa:Action ${JSON.stringify(addressing)}`);
  }
  const action = input.httpAction ?? addressing;
  const first = env.bodyElements[0] as Element;
  const encrypted = env.bodyElements.length === 1 && first.namespaceURI === XENC_NS && first.localName === 'EncryptedData';

  const byAction = action !== undefined ? port.byAction.get(action) : undefined;
  if (action !== undefined && byAction === undefined) {
    const bodyOps = port.byBody.get(clarkOf(first));
    if (bodyOps !== undefined) {
      throw new GatewayError('GW_ERR_SOAP_ACTION_MISMATCH', `action ${JSON.stringify(action)} names no operation, Body ${clarkOf(first)} is ${bodyOps.map((o) => o.name).join('/')}`, {
        action,
      });
    }
    throw new GatewayError('GW_ERR_SOAP_UNKNOWN_OPERATION', `action ${JSON.stringify(action)} and Body ${describe(env.bodyElements)} name no operation of port ${port.wsdlPort.name}`, {
      action,
    });
  }

  if (byAction !== undefined) {
    if (encrypted) {
      if (byAction.length !== 1) {
        throw new GatewayError('GW_ERR_SOAP_UNKNOWN_OPERATION', `action ${JSON.stringify(action)} is shared by ${byAction.map((o) => o.name).join(', ')} and the Body is encrypted`);
      }
      return { operation: byAction[0] as WsdlOperation, action, by: 'action', bodyChecked: false };
    }
    const matching = byAction.filter((op) => bodyMatches(op, env.bodyElements));
    if (matching.length === 1) return { operation: matching[0] as WsdlOperation, action, by: 'action+body', bodyChecked: true };
    if (matching.length === 0) {
      throw new GatewayError('GW_ERR_SOAP_ACTION_MISMATCH', `action ${JSON.stringify(action)} names ${byAction.map((o) => o.name).join('/')} but the Body holds ${describe(env.bodyElements)}`, {
        action: action ?? null,
        operation: byAction.map((o) => o.name).join('/'),
      });
    }
    throw new GatewayError('GW_ERR_SOAP_UNKNOWN_OPERATION', `action ${JSON.stringify(action)} and Body match several operations: ${matching.map((o) => o.name).join(', ')}`);
  }

  if (encrypted) {
    throw new GatewayError('GW_ERR_SOAP_UNKNOWN_OPERATION', 'encrypted Body without an action: the operation cannot be identified');
  }
  const candidates = (port.byBody.get(clarkOf(first)) ?? []).filter((op) => bodyMatches(op, env.bodyElements));
  if (candidates.length === 0) {
    throw new GatewayError('GW_ERR_SOAP_UNKNOWN_OPERATION', `Body ${describe(env.bodyElements)} matches no operation of port ${port.wsdlPort.name}`);
  }
  if (candidates.length > 1) {
    throw new GatewayError('GW_ERR_SOAP_UNKNOWN_OPERATION', `Body ${describe(env.bodyElements)} matches ${candidates.map((o) => o.name).join(', ')}; a SOAP action is required to choose`);
  }
  return { operation: candidates[0] as WsdlOperation, action, by: 'body', bodyChecked: true };
}

/** After decryption: the now-readable Body must be the dispatched operation's input. */
export function checkBodyMatches(env: Envelope, dispatched: Dispatched): void {
  if (!bodyMatches(dispatched.operation, env.bodyElements)) {
    throw new GatewayError('GW_ERR_SOAP_ACTION_MISMATCH', `decrypted Body holds ${describe(env.bodyElements)}, not the input of ${dispatched.operation.name}`);
  }
}
