import type { Element, Node } from '@xmldom/xmldom';
import { isGatewayError } from '../../errors.ts';
import { parseXmlText } from '../../xml/parse.ts';
import { NS_XMLNS } from '../../xml/ns.ts';
import type { XmlLimits } from '../../xml/types.ts';

const WRAPPER = 'wsgate-plaintext';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Every namespace declaration in scope at `el` (nearest wins), as `xmlns…="…"` attribute text. */
export function namespacesInScope(el: Element): string {
  const seen = new Map<string, string>();
  for (let n: Node | null = el; n !== null && n.nodeType === 1; n = n.parentNode) {
    const attrs = (n as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i);
      if (!a || a.namespaceURI !== NS_XMLNS) continue;
      if (!seen.has(a.name)) seen.set(a.name, a.value);
    }
  }
  return [...seen].map(([name, value]) => ` ${name}="${escapeAttr(value)}"`).join('');
}

function escapeAttr(value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Element depth of `el` (the document element is 1). */
export function depthOf(el: Element): number {
  let depth = 0;
  for (let n: Node | null = el; n !== null && n.nodeType === 1; n = n.parentNode) depth++;
  return depth;
}

export interface ParsedPlaintext {
  /** Nodes imported into `parent`'s document, not yet inserted (undefined when `problem` is set). */
  readonly nodes: readonly Node[] | undefined;
  readonly problem: string | undefined;
}

/**
 * Decrypted bytes → nodes for insertion under `parent`, through the hardened parser: the text is
 * wrapped in an element that re-declares the namespaces in scope at `parent`, so DOCTYPE, PI,
 * comment and size limits apply, and the depth limit counts from `parent`'s depth (nesting can't
 * be smuggled through encryption). Never throws: a failure is returned as a problem so that the
 * caller reports it with the same code as a padding or tag failure.
 */
export function parsePlaintext(bytes: Uint8Array, parent: Element, limits: XmlLimits): ParsedPlaintext {
  let text = '';
  let problem: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    problem = 'plaintext is not UTF-8';
  }
  const parsed = parseWrapped(text, parent, limits); // same work whether or not decoding failed
  return problem === undefined ? parsed : { nodes: undefined, problem };
}

function parseWrapped(text: string, parent: Element, limits: XmlLimits): ParsedPlaintext {
  const doc = parent.ownerDocument;
  if (doc === null) return { nodes: undefined, problem: 'insertion point has no document' };
  const wrapped = `<${WRAPPER}${namespacesInScope(parent)}>${text}</${WRAPPER}>`;
  // The wrapper stands at parent's depth: its children land one level below parent.
  const maxDepth = Math.max(1, limits.maxDepth - depthOf(parent) + 1);
  try {
    const parsed = parseXmlText(wrapped, { ...limits, maxDepth });
    const root = parsed.doc.documentElement;
    if (root === null || root.localName !== WRAPPER) return { nodes: undefined, problem: 'plaintext escaped its wrapper' };
    const nodes: Node[] = [];
    for (let c = root.firstChild; c !== null; c = c.nextSibling) nodes.push(doc.importNode(c, true));
    return { nodes, problem: undefined };
  } catch (err) {
    const reason = isGatewayError(err) ? `${err.code}: ${err.reason}` : String(err);
    return { nodes: undefined, problem: `plaintext rejected by the XML parser (${reason})` };
  }
}
