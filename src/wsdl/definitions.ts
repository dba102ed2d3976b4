import type { Element } from '@xmldom/xmldom';
import { attr, childElements, qnameKey } from './dom.ts';
import { WSDL_NS } from './namespaces.ts';
import type { ProblemList } from './problem-list.ts';
import type { QName, WsdlDocument } from './types.ts';

export interface Definition {
  readonly name: QName;
  readonly el: Element;
}

/** The WSDL set's named definitions, merged by QName over the main WSDL and every imported WSDL. */
export interface Definitions {
  readonly messages: ReadonlyMap<string, Definition>;
  readonly portTypes: ReadonlyMap<string, Definition>;
  readonly bindings: ReadonlyMap<string, Definition>;
  /** In document order, main WSDL first. */
  readonly services: readonly Definition[];
}

const kinds = ['message', 'portType', 'binding', 'service'] as const;
type Kind = (typeof kinds)[number];

/** WSDL 1.1 §2.1.1: names of each kind are unique within a target namespace, so a second one is an error. */
export function collectDefinitions(documents: readonly WsdlDocument[], problems: ProblemList): Definitions {
  const maps: Record<Kind, Map<string, Definition>> = {
    message: new Map(),
    portType: new Map(),
    binding: new Map(),
    service: new Map(),
  };
  for (const document of documents) {
    const root = document.doc.documentElement;
    if (document.kind !== 'wsdl' || root === null) continue;
    const ns = attr(root, 'targetNamespace') ?? '';
    for (const kind of kinds) {
      for (const el of childElements(root, WSDL_NS, kind)) {
        const local = attr(el, 'name');
        if (local === undefined || local === '') {
          problems.at(el, `wsdl:${kind} needs a name attribute`);
          continue;
        }
        const def: Definition = { name: { ns, local }, el };
        const key = qnameKey(def.name);
        const first = maps[kind].get(key);
        if (first !== undefined) {
          problems.at(el, `wsdl:${kind} ${key} is defined twice (first at ${problems.where(first.el)}); rename or remove one`);
          continue;
        }
        maps[kind].set(key, def);
      }
    }
  }
  return {
    messages: maps.message,
    portTypes: maps.portType,
    bindings: maps.binding,
    services: [...maps.service.values()],
  };
}
