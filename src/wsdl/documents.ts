import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Document, Element } from '@xmldom/xmldom';
import { attr, childElements, isNamed } from './dom.ts';
import { isInside, resolveLocation } from './locations.ts';
import { WSDL_NS, XSD_NS } from './namespaces.ts';
import { parseWsdlFile } from './parse-file.ts';
import type { ProblemList } from './problem-list.ts';
import type { WsdlDocument, WsdlDocumentRef } from './types.ts';

type Expect = 'wsdl' | 'xsd' | 'wsdl-or-xsd';

interface Reference {
  readonly el: Element;
  readonly location: string;
  readonly real: string;
  readonly expect: Expect;
}

interface Loaded {
  readonly path: string;
  readonly kind: 'wsdl' | 'xsd';
  readonly index: number;
  readonly doc: Document;
  readonly refs: Reference[];
}

/**
 * Loads the main WSDL and everything it pulls in (wsdl:import; xsd:import/include/redefine in
 * wsdl:types and in loaded schemas), breadth first, each file once. Indexes count per kind in
 * discovery order, the main WSDL being wsdl 0. Returns undefined when the main WSDL is unusable.
 */
export function loadDocuments(mainPath: string, root: string, problems: ProblemList): WsdlDocument[] | undefined {
  let realRoot: string;
  let mainReal: string;
  try {
    realRoot = realpathSync(resolve(root));
  } catch {
    problems.inFile(resolve(root), 'the service directory does not exist');
    return undefined;
  }
  try {
    mainReal = realpathSync(resolve(mainPath));
  } catch {
    problems.inFile(resolve(mainPath), 'the WSDL file does not exist');
    return undefined;
  }
  if (!isInside(realRoot, mainReal)) {
    problems.inFile(mainReal, `the WSDL must be inside its service directory ${realRoot}`);
    return undefined;
  }

  const loaded = new Map<string, Loaded>();
  const queued = new Set<string>([mainReal]);
  const queue: string[] = [mainReal];
  const counters = { wsdl: 0, xsd: 0 };

  const follow = (from: Loaded, el: Element, location: string, expect: Expect): void => {
    const target = resolveLocation(from.path, location, realRoot);
    if (!target.ok) {
      problems.at(el, target.message);
      return;
    }
    from.refs.push({ el, location, real: target.real, expect });
    if (queued.has(target.real)) return;
    queued.add(target.real);
    queue.push(target.real);
  };

  for (let real = queue.shift(); real !== undefined; real = queue.shift()) {
    const doc = parseWsdlFile(real, problems);
    if (doc === undefined) continue;
    problems.register(doc, real);
    const rootEl = doc.documentElement;
    if (rootEl === null) continue;
    const kind = isNamed(rootEl, WSDL_NS, 'definitions') ? 'wsdl' : isNamed(rootEl, XSD_NS, 'schema') ? 'xsd' : undefined;
    if (kind === undefined || (real === mainReal && kind !== 'wsdl')) {
      problems.at(rootEl, `expected a WSDL 1.1 wsdl:definitions${real === mainReal ? '' : ' or an xsd:schema'} root element, found {${rootEl.namespaceURI ?? ''}}${rootEl.localName}`);
      continue;
    }
    const entry: Loaded = { path: real, kind, index: counters[kind]++, doc, refs: [] };
    loaded.set(real, entry);

    if (kind === 'wsdl') {
      for (const imp of childElements(rootEl, WSDL_NS, 'import')) {
        const location = attr(imp, 'location');
        if (location === undefined) problems.at(imp, 'wsdl:import needs a location attribute naming a file in the service directory');
        else follow(entry, imp, location, 'wsdl-or-xsd');
      }
      for (const types of childElements(rootEl, WSDL_NS, 'types')) {
        for (const schema of childElements(types, XSD_NS, 'schema')) followSchema(entry, schema, follow, problems);
      }
    } else {
      followSchema(entry, rootEl, follow, problems);
    }
  }

  if (!loaded.has(mainReal)) return undefined;
  return [...loaded.values()].map((entry) => toDocument(entry, loaded, problems));
}

function followSchema(
  entry: Loaded,
  schema: Element,
  follow: (from: Loaded, el: Element, location: string, expect: Expect) => void,
  problems: ProblemList,
): void {
  for (const child of childElements(schema, XSD_NS)) {
    if (child.localName !== 'import' && child.localName !== 'include' && child.localName !== 'redefine') continue;
    const location = attr(child, 'schemaLocation');
    // An xsd:import without schemaLocation names a namespace only; include/redefine require it (XSD 1.0 §4.2).
    if (location === undefined) {
      if (child.localName !== 'import') problems.at(child, `xsd:${child.localName} needs a schemaLocation attribute`);
      continue;
    }
    follow(entry, child, location, 'xsd');
  }
}

function toDocument(entry: Loaded, loaded: ReadonlyMap<string, Loaded>, problems: ProblemList): WsdlDocument {
  const references = new Map<string, WsdlDocumentRef>();
  for (const ref of entry.refs) {
    const target = loaded.get(ref.real);
    if (target === undefined) continue; // the target's own problems are already listed
    if (ref.expect === 'xsd' && target.kind !== 'xsd') {
      problems.at(ref.el, `'${ref.location}' is a WSDL document; a schema import or include must name an XML Schema file`);
      continue;
    }
    references.set(ref.location, { kind: target.kind, index: target.index });
  }
  return Object.freeze({ path: entry.path, kind: entry.kind, index: entry.index, doc: entry.doc, references });
}
