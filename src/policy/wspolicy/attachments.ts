import type { Element, Node } from '@xmldom/xmldom';
import { lineOf } from '../../wsdl/dom.ts';
import { WSDL_NS } from '../../wsdl/namespaces.ts';
import type { WsdlModel } from '../../wsdl/types.ts';
import { childElements } from '../../xml/ns.ts';
import type { PolicyAttachment } from '../operation-policy.ts';
import { WSP_NAMESPACES, isWsp } from './namespaces.ts';
import type { PolicyProblems, PolicySubject } from './problems.ts';
import type { PolicyExpr, PolicyReader } from './read.ts';

export interface AttachedExpr {
  readonly expr: PolicyExpr;
  readonly attachment: PolicyAttachment;
}

function policyUris(el: Element): string[] {
  for (const ns of WSP_NAMESPACES) if (el.hasAttributeNS(ns, 'PolicyURIs')) return (el.getAttributeNS(ns, 'PolicyURIs') ?? '').split(/\s+/).filter((u) => u !== '');
  return [];
}

/** Does `el` carry a policy attachment (a wsp:Policy or wsp:PolicyReference child, or wsp:PolicyURIs)? */
export function hasAttachment(el: Element): boolean {
  return policyUris(el).length > 0 || childElements(el).some((c) => isWsp(c, 'Policy') || isWsp(c, 'PolicyReference'));
}

/** The policies attached to one WSDL element: inline, by wsp:PolicyReference, by wsp:PolicyURIs. */
export function attachedTo(el: Element, subject: PolicySubject, what: string, reader: PolicyReader, problems: PolicyProblems): AttachedExpr[] {
  const out: AttachedExpr[] = [];
  const at = (how: string, where: Element): PolicyAttachment => ({ subject: what, how, file: problems.fileOf(where), line: lineOf(where) });
  for (const c of childElements(el)) {
    if (isWsp(c, 'Policy')) out.push({ expr: reader.policy(c, subject), attachment: at('inline wsp:Policy', c) });
    else if (isWsp(c, 'PolicyReference')) out.push({ expr: reader.reference(c, subject), attachment: at(`wsp:PolicyReference ${c.getAttribute('URI') ?? ''}`, c) });
  }
  for (const uri of policyUris(el)) {
    const target = reader.resolve(el, uri, subject);
    if (target !== undefined) out.push({ expr: reader.policy(target, subject), attachment: at(`wsp:PolicyURIs ${uri}`, el) });
  }
  return out;
}

const isWsdl = (el: Element | null, local: string): boolean => el !== null && el.namespaceURI === WSDL_NS && el.localName === local;
const parentOf = (el: Element): Element | null => (el.parentNode !== null && el.parentNode.nodeType === 1 ? (el.parentNode as Element) : null);

/** A place WS-PolicyAttachment allows and the gateway imports (or, for output/fault, reports). */
function importedSubject(el: Element): boolean {
  if (isWsdl(el, 'binding')) return true;
  const parent = parentOf(el);
  if (isWsdl(el, 'operation')) return isWsdl(parent, 'binding');
  if (isWsdl(el, 'input') || isWsdl(el, 'output') || isWsdl(el, 'fault')) return isWsdl(parent, 'operation') && isWsdl(parent === null ? null : parentOf(parent), 'binding');
  return false;
}

/**
 * Policies the gateway would not apply, found anywhere in the WSDL documents: attached to
 * wsdl:port, wsdl:service, a portType, a message, ... or attached externally. They stop start-up:
 * a policy that is silently not applied leaves an operation with less protection than its WSDL says.
 */
export function unsupportedAttachments(wsdl: WsdlModel, problems: PolicyProblems): void {
  for (const d of wsdl.documents) {
    const root = d.doc.documentElement;
    if (d.kind !== 'wsdl' || root === null) continue;
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const el = stack.pop() as Element;
      if (isWsp(el, 'Policy')) continue; // nested policies are read where they are attached
      if (isWsp(el, 'PolicyAttachment')) {
        problems.at(el, undefined, 'wsp:PolicyAttachment (external attachment) is not supported: attach the policy inside the wsdl:binding');
        continue;
      }
      const definitionsOnly = el === root && policyUris(el).length === 0 && !childElements(el).some((c) => isWsp(c, 'PolicyReference'));
      if (hasAttachment(el) && !importedSubject(el) && !definitionsOnly) {
        problems.at(
          el,
          undefined,
          `a WS-Policy attached to wsdl:${el.localName ?? ''} is not imported: the gateway reads policies attached to wsdl:binding, its operations and their inputs. Move it there; ignoring it would serve the operations with less protection than the WSDL states`,
        );
      }
      for (const c of childElements(el)) stack.push(c);
    }
  }
}
