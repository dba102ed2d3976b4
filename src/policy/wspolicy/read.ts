import type { Document, Element } from '@xmldom/xmldom';
import { NS_WSU, NS_XML, childElements } from '../../xml/ns.ts';
import { WSP_NAMESPACES, isWsp, label } from './namespaces.ts';
import type { PolicyProblems, PolicySubject } from './problems.ts';

/** A policy assertion as written: its element, its wsp:Optional / wsp:Ignorable, its nested policy. */
export interface AssertionExpr {
  readonly kind: 'assertion';
  readonly el: Element;
  readonly ns: string;
  readonly local: string;
  readonly optional: boolean;
  readonly ignorable: boolean;
  readonly nested: PolicyExpr | undefined;
}

/** A WS-Policy expression (1.2 or 1.5): wsp:Policy and wsp:All are `all`, wsp:ExactlyOne is `exactlyOne`. */
export type PolicyExpr = { readonly kind: 'all' | 'exactlyOne'; readonly children: readonly PolicyExpr[] } | AssertionExpr;

const EMPTY: PolicyExpr = { kind: 'all', children: [] };

/** wsp:Optional / wsp:Ignorable (xs:boolean) in either WS-Policy namespace. */
function flag(el: Element, name: string, onBad: (value: string) => void): boolean {
  for (const ns of WSP_NAMESPACES) {
    if (!el.hasAttributeNS(ns, name)) continue;
    const v = (el.getAttributeNS(ns, name) ?? '').trim();
    if (v === 'true' || v === '1') return true;
    if (v !== 'false' && v !== '0') onBad(v);
    return false;
  }
  return false;
}

/**
 * Reads policy expressions from WSDL documents, following wsp:PolicyReference to a wsp:Policy of
 * the same document by its wsu:Id or xml:id ("#id"). Anything else (another document, a URL, a
 * cycle, an unknown WS-Policy element) is a start-up problem: nothing is fetched or guessed.
 */
export class PolicyReader {
  readonly #problems: PolicyProblems;
  readonly #ids = new Map<Document, Map<string, Element>>();
  readonly #reading = new Set<Element>();

  constructor(problems: PolicyProblems) {
    this.#problems = problems;
  }

  #index(doc: Document): Map<string, Element> {
    let ids = this.#ids.get(doc);
    if (ids !== undefined) return ids;
    ids = new Map();
    for (const ns of WSP_NAMESPACES) {
      for (const p of Array.from(doc.getElementsByTagNameNS(ns, 'Policy'))) {
        for (const id of [p.getAttributeNS(NS_WSU, 'Id'), p.getAttributeNS(NS_XML, 'id')]) {
          if (!id) continue;
          if (ids.has(id) && ids.get(id) !== p) this.#problems.at(p, undefined, `two wsp:Policy elements have the Id '${id}': a PolicyReference to it would be ambiguous`);
          else ids.set(id, p);
        }
      }
    }
    this.#ids.set(doc, ids);
    return ids;
  }

  /** The wsp:Policy a same-document URI ("#id") names, or undefined (a problem is recorded). */
  resolve(from: Element, uri: string, subject: PolicySubject | undefined): Element | undefined {
    const doc = from.ownerDocument;
    if (!uri.startsWith('#') || uri.length < 2 || doc === null) {
      this.#problems.at(from, subject, `policy reference '${uri}' is not a same-document '#id': the gateway never fetches policies; copy the policy into this WSDL`);
      return undefined;
    }
    const target = this.#index(doc).get(uri.slice(1));
    if (target === undefined) this.#problems.at(from, subject, `policy reference '${uri}' names no wsp:Policy with that wsu:Id or xml:id in ${this.#problems.fileOf(from)}`);
    return target;
  }

  /** A wsp:Policy element (its children are an implicit wsp:All). */
  policy(el: Element, subject: PolicySubject | undefined): PolicyExpr {
    if (this.#reading.has(el)) {
      this.#problems.at(el, subject, 'policy references form a cycle');
      return EMPTY;
    }
    this.#reading.add(el);
    try {
      return { kind: 'all', children: this.#children(el, subject) };
    } finally {
      this.#reading.delete(el);
    }
  }

  /** A wsp:PolicyReference element, read as the policy it names. */
  reference(el: Element, subject: PolicySubject | undefined): PolicyExpr {
    const target = this.resolve(el, el.getAttribute('URI') ?? '', subject);
    return target === undefined ? EMPTY : this.policy(target, subject);
  }

  #children(parent: Element, subject: PolicySubject | undefined): PolicyExpr[] {
    const out: PolicyExpr[] = [];
    for (const child of childElements(parent)) {
      if (!WSP_NAMESPACES.includes(child.namespaceURI ?? '')) {
        out.push(this.#assertion(child, subject));
        continue;
      }
      switch (child.localName) {
        case 'Policy':
          out.push(this.policy(child, subject));
          break;
        case 'All':
          out.push({ kind: 'all', children: this.#children(child, subject) });
          break;
        case 'ExactlyOne':
          out.push({ kind: 'exactlyOne', children: this.#children(child, subject) });
          break;
        case 'PolicyReference':
          out.push(this.reference(child, subject));
          break;
        default:
          this.#problems.at(child, subject, `unknown WS-Policy element ${label(child.namespaceURI ?? '', child.localName ?? '')} inside a policy expression`);
      }
    }
    return out;
  }

  #assertion(el: Element, subject: PolicySubject | undefined): AssertionExpr {
    const ns = el.namespaceURI ?? '';
    const local = el.localName ?? '';
    const bad = (attr: string) => (v: string) => this.#problems.at(el, subject, `wsp:${attr}="${v}" on ${label(ns, local)} is not a boolean`);
    const nestedEls = childElements(el).filter((c) => isWsp(c, 'Policy') || isWsp(c, 'PolicyReference'));
    if (nestedEls.length > 1) this.#problems.at(el, subject, `${label(ns, local)} holds ${nestedEls.length} nested policies; WS-Policy allows one`);
    const first = nestedEls[0];
    const nested = first === undefined ? undefined : isWsp(first, 'Policy') ? this.policy(first, subject) : this.reference(first, subject);
    return { kind: 'assertion', el, ns, local, optional: flag(el, 'Optional', bad('Optional')), ignorable: flag(el, 'Ignorable', bad('Ignorable')), nested };
  }
}
