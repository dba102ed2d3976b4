import type { Attr, Document, Element, Node } from '@xmldom/xmldom';
import { GatewayError } from '../errors.ts';
import { idAttributesOf, isIdAttribute } from '../xml/dom-builder.ts';

/**
 * Every Id-like attribute of the message, built in one walk: wsu:Id, unqualified Id / ID /
 * AssertionID, xml:id. A value that names two elements is refused outright (R-UNIQUE-IDS): a
 * Reference or token reference must never have two candidates (signature wrapping, token confusion).
 */
export class IdIndex {
  readonly #byId = new Map<string, Element>();

  private constructor() {}

  static build(doc: Document): IdIndex {
    const index = new IdIndex();
    // A document fresh from the parser: its builder collected the same attributes in the same order.
    const parsed = idAttributesOf(doc);
    if (parsed !== undefined) {
      for (const a of parsed) index.#add(a.value, a.ownerElement as Element);
      return index;
    }
    const root = doc.documentElement;
    if (root) index.#walk(root);
    return index;
  }

  #add(value: string, el: Element): void {
    const seen = this.#byId.get(value);
    if (seen !== undefined && seen !== el) {
      throw new GatewayError('GW_ERR_SEC_DUPLICATE_ID', `Id ${JSON.stringify(value.slice(0, 100))} names both <${seen.tagName}> and <${el.tagName}>`, { id: value.slice(0, 100) });
    }
    this.#byId.set(value, el);
  }

  #walk(start: Element): void {
    // Iterative pre-order walk: depth is bounded by the parser limits, but no recursion is needed.
    const stack: Node[] = [start];
    while (stack.length > 0) {
      const el = stack.pop() as Element;
      // xmldom's NamedNodeMap is array-like: indexed reads avoid a call per attribute.
      const attrs = el.attributes as unknown as { readonly length: number; readonly [i: number]: Attr | undefined };
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs[i];
        if (a === undefined) continue;
        if (isIdAttribute(a.namespaceURI, a.localName)) this.#add(a.value, el);
      }
      for (let c = el.lastChild; c !== null; c = c.previousSibling) if (c.nodeType === 1) stack.push(c);
    }
  }

  /** The element with this Id, if any. */
  get(id: string): Element | undefined {
    return this.#byId.get(id);
  }

  get size(): number {
    return this.#byId.size;
  }
}
