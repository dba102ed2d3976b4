import type { Hash } from 'node:crypto';
import type { Attr, Element, Node } from '@xmldom/xmldom';
import { NS_XMLNS } from '../../xml/ns.ts';

/**
 * Exclusive XML Canonicalization 1.0 without comments (https://www.w3.org/TR/xml-exc-c14n/) of one
 * element subtree, in the context of its real document.
 *
 * Written here rather than taken from xml-crypto's ExclusiveCanonicalization, which (6.3.2, on
 * xmldom 0.9 nodes) renders a processing instruction as its bare data (`<a>1<?x 0?></a>` and
 * `<a>10</a>` get one digest), drops any attribute whose name merely starts with "xmlns", orders
 * prefixes with localeCompare, and adds InclusiveNamespaces prefixes to the signed element with
 * setAttributeNS (mutating the message we forward). The output equals xml-crypto's on every interop
 * fixture (see exc-c14n.test.ts).
 */

/** Prefixes of an ec:InclusiveNamespaces PrefixList; the default namespace ("#default") is ''. */
export type InclusivePrefixes = ReadonlySet<string>;

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const PI = 7;
const COMMENT = 8;

/** The namespace declarations in scope at `el` (nearest wins), as prefix → URI ('' key: default). */
export function inScopeNamespaces(el: Element): Map<string, string> {
  const chain: Element[] = [];
  for (let n: Node | null = el; n !== null && n.nodeType === ELEMENT; n = n.parentNode) chain.push(n as Element);
  const scope = new Map<string, string>();
  for (let i = chain.length - 1; i >= 0; i--) declare(scope, chain[i] as Element);
  return scope;
}

function declare(scope: Map<string, string>, el: Element): void {
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a === null || a.namespaceURI !== NS_XMLNS) continue;
    scope.set(a.prefix === 'xmlns' ? a.localName ?? '' : '', a.value);
  }
}

function hasDeclarations(el: Element): boolean {
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) if (attrs.item(i)?.namespaceURI === NS_XMLNS) return true;
  return false;
}

/** exc-c14n of `apex` and its descendants; `inclusive` are the PrefixList prefixes. */
export function excC14n(apex: Element, inclusive: InclusivePrefixes = new Set()): string {
  const out = new Sink(undefined);
  render(apex, inclusive, out);
  return out.s;
}

/** The hash of exc-c14n(apex) (UTF-8), fed in pieces as it is rendered, without the whole string. */
export function excC14nDigest(apex: Element, inclusive: InclusivePrefixes, hash: Hash): Hash {
  const out = new Sink(hash);
  render(apex, inclusive, out);
  out.flush();
  return hash;
}

function render(apex: Element, inclusive: InclusivePrefixes, out: Sink): void {
  const parent = apex.parentNode;
  // Inherited declarations matter only for PrefixList prefixes; visibly utilized ones come from the DOM's resolved names.
  const scope = inclusive.size > 0 && parent !== null && parent.nodeType === ELEMENT ? inScopeNamespaces(parent as Element) : new Map<string, string>();
  renderElement(apex, new Map([['', '']]), scope, inclusive, out);
}

/**
 * The output, appended to one string (V8 joins the pieces as a rope, without an array of them);
 * with a hash it is handed over in blocks of about FLUSH_AT characters after an element ends.
 */
class Sink {
  s = '';
  readonly #hash: Hash | undefined;
  constructor(hash: Hash | undefined) {
    this.#hash = hash;
  }
  maybeFlush(): void {
    if (this.s.length >= FLUSH_AT && this.#hash !== undefined) this.flush();
  }
  flush(): void {
    this.#hash?.update(this.s, 'utf8');
    this.s = '';
  }
}

const FLUSH_AT = 16_384;

interface AttrList {
  readonly length: number;
  readonly [index: number]: Attr | undefined;
}

/** Renders the element's own namespace if the output ancestors did not already (the only one an attribute-less element can need). */
function ownNamespace(el: Element, rendered: ReadonlyMap<string, string>, out: Sink): ReadonlyMap<string, string> {
  const prefix = el.prefix ?? '';
  const uri = el.namespaceURI ?? '';
  if (rendered.get(prefix) === uri || (prefix !== '' && uri === '') || (prefix === '' && uri === '' && (rendered.get('') ?? '') === '')) return rendered;
  out.s += (prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`) + escapeAttr(uri) + '"';
  return new Map(rendered).set(prefix, uri);
}

function renderElement(el: Element, rendered: ReadonlyMap<string, string>, parentScope: ReadonlyMap<string, string>, inclusive: InclusivePrefixes, out: Sink): void {
  // xmldom's NamedNodeMap is array-like: indexed reads avoid a call per attribute.
  const list = el.attributes as unknown as AttrList;
  const scope = inclusive.size > 0 && hasDeclarations(el) ? withDeclarations(parentScope, el) : parentScope;
  const tag = el.tagName;
  out.s += '<' + tag;
  const below = inclusive.size === 0 && onlyUnprefixed(list) ? renderPlainStartTag(el, list, rendered, out) : renderStartTag(el, list, rendered, scope, inclusive, out);
  out.s += '>';
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    switch (c.nodeType) {
      case ELEMENT:
        renderElement(c as Element, below, scope, inclusive, out);
        break;
      case TEXT:
      case CDATA:
        out.s += escapeText((c as unknown as { data: string }).data);
        break;
      case PI: {
        const pi = c as unknown as { target: string; data: string };
        out.s += '<?' + pi.target + (pi.data === '' ? '' : ` ${pi.data}`) + '?>';
        break;
      }
      case COMMENT:
        break;
      default:
        throw new Error(`exc-c14n: unexpected node type ${c.nodeType}`);
    }
  }
  out.s += '</' + tag + '>';
  out.maybeFlush();
}

/** No attribute but namespace declarations and unprefixed ones: only the element's own namespace can need rendering. */
function onlyUnprefixed(list: AttrList): boolean {
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (a !== undefined && a.prefix && a.namespaceURI !== NS_XMLNS) return false;
  }
  return true;
}

/** renderStartTag for an onlyUnprefixed element without a PrefixList: its namespace, then its attributes by local name. */
function renderPlainStartTag(el: Element, list: AttrList, rendered: ReadonlyMap<string, string>, out: Sink): ReadonlyMap<string, string> {
  const below = ownNamespace(el, rendered, out);
  let first: Attr | undefined;
  let more: Attr[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (a === undefined || a.namespaceURI === NS_XMLNS) continue;
    if (first === undefined) first = a;
    else (more ??= [first]).push(a);
  }
  if (more !== undefined) {
    more.sort((a, b) => cmp(a.localName ?? a.name, b.localName ?? b.name));
    for (const a of more) out.s += ' ' + a.name + '="' + escapeAttr(a.value) + '"';
  } else if (first !== undefined) {
    out.s += ' ' + first.name + '="' + escapeAttr(first.value) + '"';
  }
  return below;
}

function withDeclarations(parentScope: ReadonlyMap<string, string>, el: Element): Map<string, string> {
  const own = new Map(parentScope);
  declare(own, el);
  return own;
}

/** Namespace declarations and attributes of the start tag (after `<name`); returns the namespaces rendered for the children. */
function renderStartTag(el: Element, list: AttrList, rendered: ReadonlyMap<string, string>, scope: ReadonlyMap<string, string>, inclusive: InclusivePrefixes, out: Sink): ReadonlyMap<string, string> {
  const wanted = new Map<string, string>();
  wanted.set(el.prefix ?? '', el.namespaceURI ?? '');
  const attrs: Attr[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (a === undefined || a.namespaceURI === NS_XMLNS) continue;
    attrs.push(a);
    if (a.prefix && a.prefix !== 'xml') wanted.set(a.prefix, a.namespaceURI ?? '');
  }
  for (const p of inclusive) {
    const uri = scope.get(p);
    if (uri !== undefined && uri !== '' && !wanted.has(p)) wanted.set(p, uri);
  }
  const nsOut: [string, string][] = [];
  let mine: Map<string, string> | undefined;
  for (const [prefix, uri] of wanted) {
    if (rendered.get(prefix) === uri) continue;
    // An empty default is only rendered to undo a non-empty default of an output ancestor.
    if (prefix !== '' && uri === '') continue;
    if (prefix === '' && uri === '' && (rendered.get('') ?? '') === '') continue;
    nsOut.push([prefix, uri]);
    (mine ??= new Map(rendered)).set(prefix, uri);
  }
  if (nsOut.length > 1) nsOut.sort((a, b) => cmp(a[0], b[0]));
  if (attrs.length > 1) attrs.sort((a, b) => cmp(a.namespaceURI ?? '', b.namespaceURI ?? '') || cmp(a.localName ?? a.name, b.localName ?? b.name));
  for (const [prefix, uri] of nsOut) out.s += (prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`) + escapeAttr(uri) + '"';
  for (const a of attrs) out.s += ' ' + a.name + '="' + escapeAttr(a.value) + '"';
  return mine ?? rendered;
}

/** Code-unit order, as C14N's "lexicographic" order (never localeCompare). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TEXT_SPECIALS = /[&<>\r]/;

function escapeText(s: string): string {
  if (!TEXT_SPECIALS.test(s)) return s;
  return s.replace(/[&<>\r]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&#xD;'));
}

const ATTR_SPECIALS = /[&<"\t\n\r]/;

function escapeAttr(s: string): string {
  if (!ATTR_SPECIALS.test(s)) return s;
  return s.replace(/[&<"\t\n\r]/g, (ch) => ATTR_ESCAPES[ch] ?? ch);
}

const ATTR_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };
