import type { Element } from '@xmldom/xmldom';
import type { SecurityRequirements } from '../config/types.ts';
import type { ErrorCode } from '../errors.ts';
import type { TlsClientInfo } from '../pipeline/exchange.ts';
import type { SecurityFacts } from '../security/types.ts';
import type { Envelope } from '../soap/envelope.ts';
import { clark } from '../xml/ns.ts';

/** TLS facts of the inbound request, from the transport (never from the message). */
export interface InboundTransport {
  readonly proto: 'http' | 'https';
  readonly tlsClient: TlsClientInfo | undefined;
}

/** What the policy validators judge: the verified facts, the (decrypted) Envelope and the transport. */
export interface MessageView {
  readonly facts: SecurityFacts;
  readonly envelope: Envelope;
  /** Undefined when the caller has no transport facts: a transport requirement then fails. */
  readonly transport: InboundTransport | undefined;
}

/** Non-secret facts of a failed assertion; `assertion` always names it. */
export type ViolationDetail = { readonly assertion: string } & Readonly<Record<string, string | number | boolean>>;

/** One assertion that a message does not satisfy. */
export interface Violation {
  readonly code: ErrorCode;
  readonly reason: string;
  readonly detail: ViolationDetail;
}

/** One validator per assertion family: pure, over the facts, the Envelope and the transport. */
export type Validator = (req: SecurityRequirements, m: MessageView) => Violation | undefined;

export function violation(code: ErrorCode, assertion: string, reason: string, extra: Readonly<Record<string, string | number | boolean>> = {}): Violation {
  return { code, reason, detail: { ...extra, assertion } };
}

/** `{ns}local` of an element, for details (never its content). */
export const nameOf = (el: Element): string => clark(el);

/** Is `node` `ancestor` or inside it? */
export function within(ancestor: Element, node: Element): boolean {
  for (let n: Element | null = node; n !== null; n = n.parentNode as Element | null) {
    if (n === ancestor) return true;
    if (n.nodeType !== 1) return false;
  }
  return false;
}
