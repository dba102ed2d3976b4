import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from '@xmldom/xmldom';

/** A DOM node as plain data, for comparing two Documents node by node. */
export interface Dumped {
  t: number;
  name: string | null;
  ns: string | null;
  prefix: string | null;
  local: string | null;
  value: string | null;
  attrs?: Dumped[];
  kids?: Dumped[];
}

/**
 * Every node, attribute and namespace of a tree; checks on the way that the sibling/parent links
 * and the childNodes index agree (a builder that breaks them fails here, whatever it is compared with).
 */
export function dumpNode(n: Node): Dumped {
  const el = n as unknown as { attributes?: { length: number; item(i: number): Node | null } };
  const d: Dumped = { t: n.nodeType, name: n.nodeName, ns: n.namespaceURI ?? null, prefix: (n as { prefix?: string | null }).prefix ?? null, local: (n as { localName?: string | null }).localName ?? null, value: n.nodeValue };
  if (n.nodeType === 1) {
    d.attrs = [];
    for (let i = 0; i < (el.attributes?.length ?? 0); i++) d.attrs.push(dumpNode(el.attributes?.item(i) as Node));
  }
  d.kids = [];
  let prev: Node | null = null;
  for (let c = n.firstChild; c !== null; c = c.nextSibling) {
    if (c.parentNode !== n) throw new Error(`broken links: parentNode of child ${d.kids.length} of ${n.nodeName}`);
    if (c.previousSibling !== prev) throw new Error(`broken links: previousSibling of child ${d.kids.length} of ${n.nodeName}`);
    if (n.childNodes.item(d.kids.length) !== c) throw new Error(`broken links: childNodes index ${d.kids.length} of ${n.nodeName}`);
    d.kids.push(dumpNode(c));
    prev = c;
  }
  if (n.lastChild !== prev) throw new Error(`broken links: lastChild of ${n.nodeName}`);
  if (n.childNodes.length !== d.kids.length) throw new Error(`broken links: childNodes.length of ${n.nodeName}`);
  return d;
}

/** Every .xml file under a directory, recursively. */
export function xmlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) xmlFiles(p, out);
    else if (name.endsWith('.xml')) out.push(p);
  }
  return out;
}
