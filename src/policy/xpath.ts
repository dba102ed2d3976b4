/**
 * The XPath subset accepted in sp:SignedElements / sp:EncryptedElements (docs/ws-policy.md):
 *
 *   /p:Envelope/p:Header/q:To        an absolute path of element names from the document element
 *   //q:To  or  //q:Order/r:Card     the first name at any depth, then children
 *
 * Names are QNames whose prefixes are declared where the sp:XPath element is (an unprefixed name
 * is in no namespace, as in XPath 1.0). Nothing else: no predicates, axes, wildcards, attributes,
 * functions or unions. Anything outside the subset stops start-up, it is never approximated.
 */
import type { Document, Element } from '@xmldom/xmldom';
import type { PathStep } from './model.ts';

export type ParsedPath = { readonly ok: true; readonly anywhere: boolean; readonly steps: readonly PathStep[] } | { readonly ok: false; readonly message: string };

const NCNAME = /^[A-Za-z_][\w.-]*$/;

/** Parses `xpath`; `resolve` maps a prefix to its namespace (null: undeclared). */
export function parseElementPath(xpath: string, resolve: (prefix: string) => string | null): ParsedPath {
  const text = xpath.trim();
  const anywhere = text.startsWith('//');
  if (!anywhere && !text.startsWith('/')) return { ok: false, message: `'${text}' is not an absolute path ('/a:B/c:D' or '//c:D')` };
  const body = text.slice(anywhere ? 2 : 1);
  const steps: PathStep[] = [];
  for (const raw of body.split('/')) {
    const step = raw.trim();
    const colon = step.indexOf(':');
    const prefix = colon < 0 ? '' : step.slice(0, colon);
    const local = colon < 0 ? step : step.slice(colon + 1);
    if (step === '' || !NCNAME.test(local) || (colon >= 0 && !NCNAME.test(prefix))) {
      return { ok: false, message: `'${text}': step '${step}' is not an element name (predicates, axes, '*', '//' after the start, attributes and functions are outside the supported subset)` };
    }
    if (prefix === '') {
      steps.push({ ns: '', local });
      continue;
    }
    const ns = resolve(prefix);
    if (ns === null || ns === '') return { ok: false, message: `'${text}': prefix '${prefix}' is not declared on the sp:XPath element or its ancestors` };
    steps.push({ ns, local });
  }
  return { ok: true, anywhere, steps };
}

const matches = (el: Element, step: PathStep): boolean => (el.namespaceURI ?? '') === step.ns && el.localName === step.local;

function childElementsNamed(parent: Element, step: PathStep): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1 && matches(n as Element, step)) out.push(n as Element);
  return out;
}

function descendantsNamed(root: Element, step: PathStep): Element[] {
  const out: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop() as Element;
    if (matches(el, step)) out.push(el);
    for (let n = el.lastChild; n !== null; n = n.previousSibling) if (n.nodeType === 1) stack.push(n as Element);
  }
  return out;
}

/** The elements of `doc` that a parsed path selects, in document order. */
export function selectElements(doc: Document, path: { readonly anywhere: boolean; readonly steps: readonly PathStep[] }): Element[] {
  const root = doc.documentElement;
  const [first, ...rest] = path.steps;
  if (root === null || first === undefined) return [];
  let current = path.anywhere ? descendantsNamed(root, first) : matches(root, first) ? [root] : [];
  for (const step of rest) current = current.flatMap((el) => childElementsNamed(el, step));
  return current;
}
