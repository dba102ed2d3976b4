import type { Element, Node } from '@xmldom/xmldom';
import type { QName } from './types.ts';

const ELEMENT_NODE = 1;

export function isElement(node: Node | null | undefined): node is Element {
  return node !== null && node !== undefined && node.nodeType === ELEMENT_NODE;
}

/** Element children of `parent`, optionally only those named {ns}local. */
export function childElements(parent: Node, ns?: string, local?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n !== null; n = n.nextSibling) {
    if (!isElement(n)) continue;
    if (ns !== undefined && (n.namespaceURI ?? '') !== ns) continue;
    if (local !== undefined && n.localName !== local) continue;
    out.push(n);
  }
  return out;
}

export function firstChild(parent: Node, ns: string, local: string): Element | undefined {
  return childElements(parent, ns, local)[0];
}

export function isNamed(el: Element, ns: string, local: string): boolean {
  return (el.namespaceURI ?? '') === ns && el.localName === local;
}

/** An unqualified attribute's value, or undefined when absent. */
export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name) ?? '' : undefined;
}

export function attrNS(el: Element, ns: string, local: string): string | undefined {
  return el.hasAttributeNS(ns, local) ? el.getAttributeNS(ns, local) ?? '' : undefined;
}

export type QNameResult = { readonly ok: true; readonly qname: QName } | { readonly ok: false; readonly message: string };

/**
 * Resolves a QName-valued attribute against the namespace declarations in scope at `el`
 * (XML Namespaces §6; an unprefixed QName takes the default namespace, as in XML Schema).
 */
export function resolveQName(el: Element, value: string): QNameResult {
  const v = value.trim();
  const colon = v.indexOf(':');
  const prefix = colon < 0 ? '' : v.slice(0, colon);
  const local = colon < 0 ? v : v.slice(colon + 1);
  if (local === '' || local.includes(':') || (colon >= 0 && prefix === '')) {
    return { ok: false, message: `'${value}' is not a QName` };
  }
  // xmldom answers the default namespace for '' (not for null).
  const ns = el.lookupNamespaceURI(prefix);
  if (ns === null && prefix !== '') {
    return { ok: false, message: `prefix '${prefix}' of '${value}' is not declared; add xmlns:${prefix}="…" or fix the prefix` };
  }
  return { ok: true, qname: { ns: ns ?? '', local } };
}

export function qnameKey(q: QName): string {
  return `{${q.ns}}${q.local}`;
}

export function lineOf(node: Node): number | undefined {
  return node.lineNumber !== undefined && node.lineNumber > 0 ? node.lineNumber : undefined;
}

/** `/definitions/binding[@name='X']/operation[@name='Y']`: local names, with a predicate that tells siblings apart. */
export function locationPath(el: Element): string {
  const segments: string[] = [];
  for (let n: Node | null = el; isElement(n); n = n.parentNode) {
    segments.unshift(n.localName + predicate(n));
  }
  return `/${segments.join('/')}`;
}

function predicate(el: Element): string {
  for (const name of ['name', 'schemaLocation', 'location']) {
    const v = attr(el, name);
    if (v !== undefined) return `[@${name}='${v}']`;
  }
  const parent = el.parentNode;
  if (!isElement(parent)) return '';
  const same = childElements(parent, el.namespaceURI ?? '', el.localName ?? undefined);
  return same.length > 1 ? `[${same.indexOf(el) + 1}]` : '';
}
