import { DOMImplementation } from '@xmldom/xmldom';
import type { Document, Element, Node, Text } from '@xmldom/xmldom';
import type { SaxesTagNS } from 'saxes';

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

// xmldom's grammar.PI for the declaration: the data starts after the first whitespace run.
const XML_DECL = /^<\?xml[\x20\t\r\n]+([\s\S]*?)\?>/;

export class DomBuilder {
  readonly doc: Document;
  #parent: Element | Document;
  #tail: string | undefined;

  constructor() {
    this.doc = new DOMImplementation().createDocument(null, '');
    this.#parent = this.doc;
  }

  /** `<?xml …?>` at the start of `text` (saxes has checked it): xmldom keeps it as a PI node. */
  declaration(text: string): void {
    const m = XML_DECL.exec(text);
    if (m !== null) this.doc.appendChild(this.doc.createProcessingInstruction('xml', (m[1] ?? '').replace(/\r\n?/g, '\n')));
  }

  openTag(tag: SaxesTagNS): void {
    const doc = this.doc;
    const el = doc.createElementNS(tag.uri === '' ? null : tag.uri, tag.name);
    const attrs = tag.attributes;
    for (const name in attrs) {
      const a = attrs[name];
      if (a === undefined) continue;
      const attr = doc.createAttributeNS(a.uri === '' ? null : a.uri, a.name);
      attr.value = attr.nodeValue = a.value;
      el.setAttributeNode(attr);
    }
    this.#append(el);
    this.#parent = el;
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
