import type { Element, Node } from '@xmldom/xmldom';
import type { ConfigProblem } from '../config/problems.ts';
import type { WsdlModel } from '../wsdl/types.ts';

/** WS-Policy 1.5 (W3C) and 1.2 (2004/09 submission) namespaces. */
const WSP_NS = ['http://www.w3.org/ns/ws-policy', 'http://schemas.xmlsoap.org/ws/2004/09/policy'];

function* elements(node: Node): Generator<Element> {
  for (let n = node.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1) {
      yield n as Element;
      yield* elements(n);
    }
  }
}

/**
 * The gateway does not yet import WS-Policy from WSDLs. A WSDL that carries a security contract
 * (wsp:Policy, wsp:PolicyReference, wsp:PolicyURIs) must not be served as if it had none: start-up
 * stops and names every place (fail closed).
 */
export function unenforceablePolicies(wsdl: WsdlModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const d of wsdl.documents) {
    if (d.doc.documentElement === null) continue;
    for (const el of elements(d.doc)) {
      const isPolicyElement = WSP_NS.includes(el.namespaceURI ?? '') && (el.localName === 'Policy' || el.localName === 'PolicyReference');
      const hasPolicyUris = WSP_NS.some((ns) => el.hasAttributeNS(ns, 'PolicyURIs'));
      if (!isPolicyElement && !hasPolicyUris) continue;
      problems.push({
        file: d.path,
        path: `${el.parentNode && (el.parentNode as Element).localName ? `${(el.parentNode as Element).localName}/` : ''}${el.localName ?? ''}`,
        ...(el.lineNumber ? { line: el.lineNumber } : {}),
        message: `WS-Policy ${isPolicyElement ? `element wsp:${el.localName ?? ''}` : 'attachment wsp:PolicyURIs'} found: this gateway version cannot enforce WS-SecurityPolicy from a WSDL, so it refuses to serve it as if it had no security contract. Remove the policy from the copy the gateway loads only if another layer enforces it.`,
      });
      if (isPolicyElement) break; // one report per document is enough to act on
    }
  }
  return problems;
}
