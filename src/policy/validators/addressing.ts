import { WSA_NS } from '../../soap/namespaces.ts';
import { violation } from '../message-view.ts';
import type { Validator } from '../message-view.ts';

const isWsaAction = (ns: string | null, local: string | null): boolean => (WSA_NS as readonly string[]).includes(ns ?? '') && local === 'Action';

/** wsam:Addressing / wsaw:UsingAddressing: the request carries WS-Addressing (a wsa:Action header). */
export const checkAddressing: Validator = (r, m) => {
  if (r.addressing === undefined) return undefined;
  if (m.envelope.headerBlocks.some((h) => isWsaAction(h.namespaceURI, h.localName))) return undefined;
  return violation('GW_ERR_POLICY_ADDRESSING', r.addressing, 'the policy requires WS-Addressing and the message has no wsa:Action header');
};
