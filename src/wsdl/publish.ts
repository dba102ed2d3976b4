import { XMLSerializer } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import { attr, childElements, isElement } from './dom.ts';
import { WSDL_NS, XSD_NS } from './namespaces.ts';
import type { WsdlModel } from './types.ts';

export interface PublishOptions {
  /** The service endpoint as clients reach it through the gateway (no query). */
  readonly selfUrl: string;
  /** Port name → the gateway URL that serves it. Ports not named here are left out of the published WSDL. */
  readonly portAddresses: ReadonlyMap<string, string>;
}

/**
 * Serialises a copy of one document of the WSDL set as the gateway publishes it (?wsdl=N / ?xsd=N):
 * exposed ports get the gateway's address, other ports are removed (the backend address never
 * leaks), and every import/include points back at the gateway. The model is not touched.
 * Undefined when the model has no such document.
 */
export function publishDocument(model: WsdlModel, kind: 'wsdl' | 'xsd', index: number, opts: PublishOptions): string | undefined {
  const source = model.documents.find((d) => d.kind === kind && d.index === index);
  if (source === undefined) return undefined;
  const doc = source.doc.cloneNode(true) as Document;
  const root = doc.documentElement;
  if (root === null) return undefined;

  const relocate = (el: Element, attribute: string): void => {
    const written = attr(el, attribute);
    if (written === undefined) return;
    const target = source.references.get(written);
    // A location the loader did not follow has nothing to serve; drop it rather than publish a local path.
    if (target === undefined) el.removeAttribute(attribute);
    else el.setAttribute(attribute, `${opts.selfUrl}?${target.kind}=${target.index}`);
  };

  if (kind === 'wsdl') {
    for (const service of childElements(root, WSDL_NS, 'service')) publishPorts(service, opts.portAddresses);
    for (const imp of childElements(root, WSDL_NS, 'import')) relocate(imp, 'location');
    for (const types of childElements(root, WSDL_NS, 'types')) {
      for (const schema of childElements(types, XSD_NS, 'schema')) relocateSchemaRefs(schema, relocate);
    }
  } else {
    relocateSchemaRefs(root, relocate);
  }
  declareUtf8(doc);
  return new XMLSerializer().serializeToString(doc);
}

function relocateSchemaRefs(schema: Element, relocate: (el: Element, attribute: string) => void): void {
  for (const child of childElements(schema, XSD_NS)) {
    if (child.localName === 'import' || child.localName === 'include' || child.localName === 'redefine') relocate(child, 'schemaLocation');
  }
}

function publishPorts(service: Element, portAddresses: ReadonlyMap<string, string>): void {
  for (const port of childElements(service, WSDL_NS, 'port')) {
    const url = portAddresses.get(attr(port, 'name') ?? '');
    if (url === undefined) {
      removeWithIndent(port);
      continue;
    }
    // soap:address, soap12:address (and any other extensibility address) carry the location;
    // WCF also repeats it in a wsa:EndpointReference/wsa:Address.
    for (const child of childElements(port)) {
      if (child.localName === 'address' && child.hasAttribute('location')) child.setAttribute('location', url);
      if (child.localName === 'EndpointReference') {
        for (const address of childElements(child)) {
          if (address.localName === 'Address') address.textContent = url;
        }
      }
    }
  }
}

function removeWithIndent(el: Element): void {
  const parent = el.parentNode;
  if (parent === null) return;
  const before = el.previousSibling;
  if (before !== null && !isElement(before) && before.nodeType === 3 && (before.nodeValue ?? '').trim() === '') parent.removeChild(before);
  parent.removeChild(el);
}

/** The published text is served as UTF-8 whatever the file on disk was in. */
function declareUtf8(doc: Document): void {
  const first = doc.firstChild;
  if (first === null || first.nodeType !== 7 || first.nodeName !== 'xml') return;
  const data = first.nodeValue ?? '';
  const utf8 = data.replace(/encoding\s*=\s*(["'])[^"']*\1/, 'encoding="UTF-8"');
  if (utf8 !== data) first.nodeValue = utf8;
}
