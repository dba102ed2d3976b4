import type { Element, Node } from '@xmldom/xmldom';

const ELEMENT_NODE = 1;

function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = parent.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  return out;
}

export interface NodeRef {
  readonly element: Element;
  /** The attribute's name as written, when the path ends at an attribute. */
  readonly attribute?: string;
}

/**
 * Finds the node a libxml2 node path names (xmlGetNodePath: `/p:a/*[2]/b[3]/@c`; `*` stands for an
 * element in a default namespace, counted among all element siblings) in the xmldom tree that was
 * serialized for libxml2, `root` being its document element. Undefined when the path does not fit.
 */
export function resolveNodePath(root: Element, xpath: string): NodeRef | undefined {
  const steps = xpath.split('/');
  if (steps[0] !== '' || steps.length < 2) return undefined;
  let current = root;
  for (const step of steps.slice(2)) {
    if (step.startsWith('@')) return { element: current, attribute: step.slice(1) };
    const m = /^(\*|[^[\]()]+)(?:\[(\d+)\])?$/.exec(step);
    if (m === null) return { element: current }; // text(), comment(): the element is what matters
    const name = m[1] ?? '';
    const position = Number(m[2] ?? '1');
    const colon = name.indexOf(':');
    const candidates = elementChildren(current).filter((c) => {
      if (name === '*') return true;
      if (colon >= 0) return c.prefix === name.slice(0, colon) && c.localName === name.slice(colon + 1);
      return (c.namespaceURI ?? null) === null && c.localName === name;
    });
    const next = candidates[position - 1];
    if (next === undefined) return undefined;
    current = next;
  }
  return { element: current };
}

/** `/pa:GetPolicy/pa:Context/pa:Channel`, `/q:Search/q:Item[2]/@currency`: names as the sender wrote them, positions where a name repeats. */
export function readablePath(root: Element, ref: NodeRef): string {
  const segments: string[] = [];
  let el = ref.element;
  for (;;) {
    const parent = el.parentNode;
    if (el === root || parent === null || parent.nodeType !== ELEMENT_NODE) {
      segments.unshift(el.nodeName);
      break;
    }
    const same = elementChildren(parent as Element).filter((c) => c.localName === el.localName && c.namespaceURI === el.namespaceURI);
    segments.unshift(same.length > 1 ? `${el.nodeName}[${same.indexOf(el) + 1}]` : el.nodeName);
    el = parent as Element;
  }
  return `/${segments.join('/')}${ref.attribute !== undefined ? `/@${ref.attribute}` : ''}`;
}
