import type { Element, Node, XMLSerializer } from '@xmldom/xmldom';

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const ELEMENT_NODE = 1;

function declaredPrefix(name: string): string | undefined {
  if (name === 'xmlns') return '';
  return name.startsWith('xmlns:') ? name.slice(6) : undefined;
}

/** The namespace declarations in scope at `el` (XML Namespaces §6.1), nearest first: prefix ('' = default) → URI. */
export function inScopeNamespaces(el: Element): Map<string, string> {
  const out = new Map<string, string>();
  for (let n: Node | null = el; n !== null && n.nodeType === ELEMENT_NODE; n = n.parentNode) {
    const attrs = (n as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i);
      const prefix = a === null ? undefined : declaredPrefix(a.name);
      if (a !== null && prefix !== undefined && !out.has(prefix)) out.set(prefix, a.value);
    }
  }
  return out;
}

/**
 * A detached deep copy of `el` that declares every namespace in scope at `el`, so that it
 * serializes to a document of its own. xmldom's XMLSerializer declares only the prefixes of
 * element and attribute names; prefixes used inside values (a schema's type="p:T", xsi:type)
 * would otherwise be lost. For start-up work: xmldom's cloneNode is slow.
 */
export function standaloneCopy(el: Element): Element {
  const copy = el.cloneNode(true) as Element;
  for (const [prefix, uri] of inScopeNamespaces(el)) {
    const name = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
    if (!copy.hasAttribute(name)) copy.setAttributeNS(XMLNS_NS, name, uri);
  }
  return copy;
}

const escapeAttr = (s: string): string => s.replace(/[<>&"\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * `el` serialized as a document of its own, declaring every namespace in scope at `el` (see
 * standaloneCopy), without copying it: the declarations xmldom did not write on the outermost
 * start tag are added to it. xmldom escapes `>` in attribute values, so the first `>` ends that tag.
 */
export function serializeStandalone(el: Element, serializer: XMLSerializer): string {
  const text = serializer.serializeToString(el);
  const name = /^<[^\s/>]+/.exec(text)?.[0];
  const end = text.indexOf('>');
  if (name === undefined || end < 0) return text;
  const written = new Set<string>();
  for (const m of text.slice(0, end).matchAll(/\sxmlns(?::([^\s="]+))?="/g)) written.add(m[1] ?? '');
  const scope = inScopeNamespaces(el);
  // An unprefixed element is in its default namespace by definition: that is the binding to declare.
  if (el.prefix === null || el.prefix === '') scope.set('', el.namespaceURI ?? '');
  let extra = '';
  for (const [prefix, uri] of scope) {
    if (!written.has(prefix)) extra += ` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeAttr(uri)}"`;
  }
  return extra === '' ? text : `${name}${extra}${text.slice(name.length)}`;
}
