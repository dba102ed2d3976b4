import type { Element } from '@xmldom/xmldom';
import type { SecurityFacts } from '../../security/types.ts';
import type { Envelope } from '../../soap/envelope.ts';
import { SOAP12_ROLE_ULTIMATE, SOAP_ENV_NS } from '../../soap/namespaces.ts';
import { NS_WSSE } from '../../xml/ns.ts';
import type { HeaderRequirement } from '../model.ts';

const isSecurityHeader = (h: Element): boolean => h.namespaceURI === NS_WSSE && h.localName === 'Security';

/** A header block without actor/role, or with the SOAP 1.2 ultimateReceiver role. */
function targetsUltimateReceiver(env: Envelope, h: Element): boolean {
  const ns = SOAP_ENV_NS[env.version];
  const attr = env.version === '1.1' ? 'actor' : 'role';
  if (!h.hasAttributeNS(ns, attr)) return true;
  return env.version === '1.2' && h.getAttributeNS(ns, attr) === SOAP12_ROLE_ULTIMATE;
}

/**
 * The header blocks an sp:Header (or an empty sp:SignedParts: "every header") names. wsse:Security
 * headers are never among them: they hold the protection itself.
 */
export function headerBlocksFor(env: Envelope, h: HeaderRequirement): Element[] {
  return env.headerBlocks.filter((b) => {
    if (isSecurityHeader(b)) return false;
    if (h.ns === undefined) return targetsUltimateReceiver(env, b);
    return (b.namespaceURI ?? '') === h.ns && (h.local === undefined || b.localName === h.local);
  });
}

/** Was this element (a header block or an XPath match) replaced by the plaintext of an EncryptedData? */
export function wasEncryptedAsElement(facts: SecurityFacts, el: Element): boolean {
  return facts.decryptions.some((d) => d.target !== 'content' && d.decrypted.includes(el));
}
