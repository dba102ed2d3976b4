import type { Element, Node } from '@xmldom/xmldom';
import type { ConfigProblem } from '../config/problems.ts';
import type { ServiceConfig } from '../config/types.ts';
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

interface PolicyMark {
  readonly file: string;
  readonly el: Element;
  readonly isPolicyElement: boolean;
}

/** The first WS-Policy element or wsp:PolicyURIs attachment of each WSDL document. */
function policyMarks(wsdl: WsdlModel): PolicyMark[] {
  const out: PolicyMark[] = [];
  for (const d of wsdl.documents) {
    if (d.doc.documentElement === null) continue;
    for (const el of elements(d.doc)) {
      const isPolicyElement = WSP_NS.includes(el.namespaceURI ?? '') && (el.localName === 'Policy' || el.localName === 'PolicyReference');
      if (isPolicyElement || WSP_NS.some((ns) => el.hasAttributeNS(ns, 'PolicyURIs'))) {
        out.push({ file: d.path, el, isPolicyElement });
        break; // one report per document is enough to act on
      }
    }
  }
  return out;
}

function at(m: PolicyMark, message: string): ConfigProblem {
  const parent = m.el.parentNode as Element | null;
  return {
    file: m.file,
    path: `${parent?.localName ? `${parent.localName}/` : ''}${m.el.localName ?? ''}`,
    ...(m.el.lineNumber ? { line: m.el.lineNumber } : {}),
    message: `WS-Policy ${m.isPolicyElement ? `element wsp:${m.el.localName ?? ''}` : 'attachment wsp:PolicyURIs'} found: ${message}`,
  };
}

/**
 * A WSDL that carries a security contract must never be served as if it had none (fail closed):
 * with `security.mode: off`, or `wsdlPolicy: refuse`, start-up stops and names every place.
 * With `mode: enforce` and `import`, the policy is imported (src/policy/wspolicy/).
 */
export function wsdlPolicyProblems(config: ServiceConfig, wsdl: WsdlModel): ConfigProblem[] {
  const sec = config.security;
  if (sec.wsdlPolicy === 'superseded') {
    return sec.mode === 'enforce' ? [] : [{ file: config.file, path: '/security/wsdlPolicy', message: 'wsdlPolicy: superseded needs security.mode: enforce (the WSDL policy may only be replaced by an enforced contract)' }];
  }
  const marks = policyMarks(wsdl);
  if (sec.wsdlPolicy === 'refuse') {
    return marks.map((m) => at(m, `service.yaml says wsdlPolicy: refuse, so a WSDL with a security contract is not served. Use wsdlPolicy: import to enforce it, or superseded to replace it with service.yaml`));
  }
  if (sec.mode !== 'enforce') {
    return marks.map((m) => at(m, `the WSDL states a security contract and security.mode is off, so it would be served unprotected. Set security.mode: enforce (the policy is then imported), or remove the policy from the copy the gateway loads only if another layer enforces it`));
  }
  return [];
}
