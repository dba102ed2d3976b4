import type { Element } from '@xmldom/xmldom';
import type { CompiledPort } from '../service/compiled.ts';
import type { Envelope } from '../soap/envelope.ts';
import type { SecurityFacts } from './types.ts';

const clark = (el: Element): string => `{${el.namespaceURI ?? ''}}${el.localName ?? ''}`;

/**
 * Only verified content is forwarded: the gateway's Security header is consumed, and every other
 * header block is kept only if a verified signature covers it or the service declares the backend
 * handles it (`passThroughHeaders`). Returns what was removed, for the record.
 */
export function stripForForwarding(env: Envelope, facts: SecurityFacts, port: CompiledPort): string[] {
  const dropped: string[] = [];
  if (env.header === null) return dropped;
  for (const block of env.headerBlocks) {
    if (!block.parentNode) continue;
    const keep = block !== facts.header && (facts.signedElements.has(block) || port.passThroughHeaders.has(clark(block)));
    if (!keep) {
      env.header.removeChild(block);
      dropped.push(clark(block));
    }
  }
  return dropped;
}
