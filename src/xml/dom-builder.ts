import { DOMImplementation } from '@xmldom/xmldom';
import type { Attr, Document, Element, Node, Text } from '@xmldom/xmldom';
import type { SaxesAttributeNS, SaxesAttributeNSIncomplete, SaxesTagNS } from 'saxes';
import { NS_WSU, NS_XML, NS_XMLNS } from './ns.ts';

/**
 * Builds an @xmldom/xmldom 0.9 Document from the events of the strict saxes scan (prescan.ts), so a
 * request is parsed once: saxes checks well-formedness, namespaces and our limits, and this only
 * creates nodes through xmldom's own DOM API (createElementNS, createAttributeNS + setAttributeNode,
 * createTextNode…), exactly as xmldom's DOMHandler does, minus its second parse.
 *
 * The result matches what `new DOMParser().parseFromString(text, 'text/xml')` built for every
 * document saxes accepts (test/unit/xml/dom-builder.test.ts compares them node by node):
 * - the XML declaration is a ProcessingInstruction `xml` node and whitespace before the root
 *   element is Text, both children of the Document, as xmldom makes them (after the root only
 *   whitespace that markup follows);
 * - adjacent text is one Text node (xmldom's parser ends with `normalize()`); CDATA sections stay
 *   CDATASection nodes (none for an empty one); comments are Comment nodes (only when
 *   allowComments let them through);
 * - line ends and attribute values are normalised by saxes as XML 1.0 requires.
 * Unlike xmldom's locator, nodes get no lineNumber/columnNumber: nothing on the request path reads
 * them, and every refusal reports saxes' line and column.
 */
/** The link fields of an xmldom 0.9 node, as _insertBefore sets them. */
interface MutableNode {
  parentNode: MutableNode | null;
  previousSibling: MutableNode | null;
  nextSibling: MutableNode | null;
  firstChild: MutableNode | null;
  lastChild: MutableNode | null;
  childNodes: { length: number; [i: number]: MutableNode };
}

/** The fields createElementNS / createAttributeNS set beyond createElement / _createAttribute. */
interface NsFields {
  namespaceURI: string | null;
  prefix: string | null;
  localName: string;
}
interface InternalAttr extends NsFields {
  value: string;
  nodeValue: string;
  ownerElement: unknown;
}
/** xmldom 0.9's NamedNodeMap: the ordered entries plus its (namespace, localName) membership index. */
interface InternalAttributes {
  length: number;
  [index: number]: InternalAttr;
  _nsIndex: Record<string, Record<string, InternalAttr> | undefined>;
  _noNsIndex: Record<string, InternalAttr | undefined>;
}
interface InternalElement extends NsFields {
  attributes: InternalAttributes;
  _nsMap: Record<string, string>;
  setAttributeNode(attr: unknown): unknown;
}
interface InternalDocument {
  createElement(qualifiedName: string): InternalElement;
  _createAttribute(qualifiedName: string): InternalAttr;
  _inc: number;
}

// xmldom's grammar.PI for the declaration: the data starts after the first whitespace run.
const XML_DECL = /^<\?xml[\x20\t\r\n]+([\s\S]*?)\?>/;

export class DomBuilder {
  readonly doc: Document;
  #parent: Element | Document;
  #tail: string | undefined;
  /** Id-like attributes (see isIdAttribute) in document order. */
  readonly #ids: Attr[] = [];
  /** The current start tag's attributes (see attribute()). */
  #attrs: SaxesAttributeNSIncomplete[] = [];

  constructor() {
    this.doc = new DOMImplementation().createDocument(null, '');
    this.#parent = this.doc;
  }

  /** Called when the document is complete: records its Id-like attributes for idAttributesOf. */
  finish(): void {
    (this.doc as ParsedIdsSlot)[PARSED_IDS] = { inc: incOf(this.doc), attrs: this.#ids };
  }

  /** `<?xml …?>` at the start of `text` (saxes has checked it): xmldom keeps it as a PI node. */
  declaration(text: string): void {
    const m = XML_DECL.exec(text);
    if (m !== null) this.doc.appendChild(this.doc.createProcessingInstruction('xml', (m[1] ?? '').replace(/\r\n?/g, '\n')));
  }

  /**
   * createElementNS / createAttributeNS + setAttributeNode, minus xmldom's validateAndExtract:
   * saxes has already checked every name and namespace (QName syntax, xml/xmlns prefixes, bound
   * prefixes), so the split it would redo is taken from saxes' own prefix/local. The nodes come from
   * xmldom's unvalidated internal factories (createElement, _createAttribute: the same constructors
   * and fields as the NS variants) and get the fields createElementNS/createAttributeNS add.
   */
  /**
   * An attribute as saxes reports it, before its start tag is complete: the same object that it
   * then completes (uri) and puts in `tag.attributes`, in source order. Reading them from this list
   * avoids a for-in over each tag's attributes object.
   */
  attribute(attr: SaxesAttributeNSIncomplete): void {
    this.#attrs.push(attr);
  }

  openTag(tag: SaxesTagNS): void {
    const doc = this.doc as unknown as InternalDocument;
    const el = doc.createElement(tag.name);
    el.namespaceURI = tag.uri === '' ? null : tag.uri;
    el.prefix = tag.prefix === '' ? null : tag.prefix;
    el.localName = tag.local;
    const attrs = this.#attrs;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i] as SaxesAttributeNS;
      const attr = doc._createAttribute(a.name);
      attr.namespaceURI = a.uri === '' ? null : a.uri;
      attr.prefix = a.prefix === '' ? null : a.prefix;
      attr.localName = a.local;
      attr.value = attr.nodeValue = a.value;
      addAttribute(doc, el, attr);
      if (isIdAttribute(attr.namespaceURI, a.local)) this.#ids.push(attr as unknown as Attr);
    }
    if (attrs.length > 0) this.#attrs = [];
    this.#append(el as unknown as Element);
    this.#parent = el as unknown as Element;
  }

  /**
   * appendChild for a node that is new and has no parent, below an element: what xmldom's
   * _insertBefore + _onUpdateChild do for that case (link the siblings, index childNodes, count
   * the change in the document's `_inc`), without its generic checks, which cannot fail here.
   * On the Document itself the real appendChild runs (it also sets documentElement).
   */
  #append(node: Node): void {
    const parent = this.#parent;
    if (parent === this.doc) {
      parent.appendChild(node);
      return;
    }
    const n = node as MutableNode;
    const p = parent as unknown as MutableNode;
    const last = p.lastChild;
    n.parentNode = p;
    n.previousSibling = last;
    n.nextSibling = null;
    if (last === null) p.firstChild = n;
    else last.nextSibling = n;
    p.lastChild = n;
    const kids = p.childNodes;
    kids[kids.length++] = n;
    (this.doc as unknown as { _inc: number })._inc++;
  }

  closeTag(): void {
    this.#parent = (this.#parent.parentNode ?? this.doc) as Element | Document;
  }

  text(data: string): void {
    if (data === '') return;
    // Outside the root element saxes lets only whitespace through. After the root, xmldom keeps it
    // only when markup (a comment) follows, not at the very end of the document.
    if (this.#parent === this.doc && this.doc.documentElement !== null) {
      this.#tail = data;
      return;
    }
    const last: Node | null = this.#parent.lastChild;
    if (last !== null && last.nodeType === 3) (last as Text).appendData(data);
    else this.#append(this.doc.createTextNode(data));
  }

  cdata(data: string): void {
    if (data === '') return; // xmldom makes no node for an empty CDATA section
    this.#append(this.doc.createCDATASection(data));
  }

  comment(data: string): void {
    if (this.#tail !== undefined) this.doc.appendChild(this.doc.createTextNode(this.#tail));
    this.#tail = undefined;
    this.#append(this.doc.createComment(data));
  }
}

/**
 * setAttributeNode for a new attribute of a new element, as xmldom 0.9's setNamedItem +
 * _addNamedNode + _nnmIndexAdd + _onAddAttribute do it when no attribute of that (namespace,
 * localName) is present: append it to the list, record it in the membership index, make the element
 * its owner, count the change in the document's `_inc`, and for a namespace declaration update the
 * element's `_nsMap`. The scan refused duplicate attributes already (saxes and fast-scan.ts compare
 * expanded names); should one get here anyway, xmldom's own setAttributeNode handles it.
 */
function addAttribute(doc: InternalDocument, el: InternalElement, attr: InternalAttr): void {
  const list = el.attributes;
  const ns = attr.namespaceURI;
  let bucket: Record<string, InternalAttr | undefined> | undefined = ns ? list._nsIndex[ns] : list._noNsIndex;
  if (bucket !== undefined && bucket[attr.localName] !== undefined) {
    el.setAttributeNode(attr);
    return;
  }
  list[list.length] = attr;
  list.length++;
  if (bucket === undefined) bucket = list._nsIndex[ns as string] = Object.create(null) as Record<string, InternalAttr>;
  bucket[attr.localName] = attr;
  attr.ownerElement = el;
  doc._inc++;
  if (ns === NS_XMLNS) el._nsMap[attr.prefix ? attr.localName : ''] = attr.value;
}

/**
 * The attributes the Id index (src/security/id-index.ts) looks for: wsu:Id, unqualified Id / ID /
 * AssertionID, xml:id.
 */
export function isIdAttribute(ns: string | null, local: string | null): boolean {
  return (ns === NS_WSU && local === 'Id') || (ns === NS_XML && local === 'id') || (!ns && (local === 'Id' || local === 'ID' || local === 'AssertionID'));
}

/**
 * Kept on the Document under a symbol (invisible to for-in, Object.keys and xmldom's cloneNode):
 * a WeakMap keyed by the Document would make every parsed DOM an ephemeron, which V8's scavenger
 * cannot free young, and the full pipeline ran ~40% slower.
 */
const PARSED_IDS = Symbol('wsgate.parsedIds');
interface ParsedIdsSlot {
  [PARSED_IDS]?: { readonly inc: number; readonly attrs: readonly Attr[] };
}

/** xmldom counts every change of a document's tree and attribute lists (not of attribute values) in `_inc`. */
function incOf(doc: Document): number {
  return (doc as unknown as { _inc: number })._inc;
}

/**
 * The Id-like attributes of a document this builder made, in document order, as long as no node or
 * attribute has been added to or removed from it since (xmldom's `_inc` is unchanged); otherwise
 * (e.g. after decryption replaced an element) undefined, and the caller walks the tree. Values are
 * read from the live Attr nodes, so a changed value is seen.
 */
export function idAttributesOf(doc: Document): readonly Attr[] | undefined {
  const parsed = (doc as ParsedIdsSlot)[PARSED_IDS];
  return parsed !== undefined && parsed.inc === incOf(doc) ? parsed.attrs : undefined;
}
