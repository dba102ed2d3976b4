import type { Element } from '@xmldom/xmldom';
import type { Definition, Definitions } from './definitions.ts';
import { collectDefinitions } from './definitions.ts';
import { attr, childElements, firstChild, qnameKey, resolveQName } from './dom.ts';
import { HTTP_BINDING_NS, HTTP_TRANSPORTS, SOAP11_BINDING_NS, SOAP12_BINDING_NS, WSDL_NS } from './namespaces.ts';
import type { BindingSoap } from './operations.ts';
import { bindingOperations } from './operations.ts';
import type { ProblemList } from './problem-list.ts';
import type { WsdlDocument, WsdlModel, WsdlOperation, WsdlPort, WsdlServiceModel } from './types.ts';
import type { SoapVersion } from '../errors.ts';

interface SoapBinding {
  readonly version: SoapVersion;
  readonly soap: BindingSoap;
  readonly operations: readonly WsdlOperation[];
}

/** Services → SOAP ports → operations, from loaded documents (the main WSDL first). */
export function buildModel(mainPath: string, documents: readonly WsdlDocument[], problems: ProblemList): WsdlModel {
  const defs = collectDefinitions(documents, problems);
  // A binding is read once however many ports use it, so its problems are listed once.
  const bindings = new Map<string, SoapBinding | 'http' | undefined>();
  const services: WsdlServiceModel[] = [];
  for (const service of defs.services) {
    const ports: WsdlPort[] = [];
    for (const portEl of childElements(service.el, WSDL_NS, 'port')) {
      const port = buildPort(portEl, defs, bindings, problems);
      if (port !== undefined) ports.push(port);
    }
    services.push(Object.freeze({ name: service.name, ports: Object.freeze(ports) }));
  }
  const root = documents[0]?.doc.documentElement;
  return Object.freeze({
    mainPath,
    targetNamespace: root === undefined || root === null ? '' : (attr(root, 'targetNamespace') ?? ''),
    services: Object.freeze(services),
    documents: Object.freeze([...documents]),
  });
}

function buildPort(
  portEl: Element,
  defs: Definitions,
  bindings: Map<string, SoapBinding | 'http' | undefined>,
  problems: ProblemList,
): WsdlPort | undefined {
  const name = attr(portEl, 'name') ?? '';
  const ref = attr(portEl, 'binding');
  if (ref === undefined) {
    problems.at(portEl, 'the port has no binding attribute');
    return undefined;
  }
  const resolved = resolveQName(portEl, ref);
  if (!resolved.ok) {
    problems.at(portEl, resolved.message);
    return undefined;
  }
  const key = qnameKey(resolved.qname);
  const def = defs.bindings.get(key);
  if (def === undefined) {
    problems.at(portEl, `binding="${ref}" names wsdl:binding ${key}, which is not defined in the WSDL or its imports`);
    return undefined;
  }
  if (!bindings.has(key)) bindings.set(key, readBinding(def, defs, problems));
  const binding = bindings.get(key);
  if (binding === undefined || binding === 'http') return undefined;

  const address =
    firstChild(portEl, binding.soap.ns, 'address') ??
    firstChild(portEl, SOAP11_BINDING_NS, 'address') ??
    firstChild(portEl, SOAP12_BINDING_NS, 'address');
  const location = address === undefined ? undefined : attr(address, 'location');
  if (location === undefined) {
    problems.at(portEl, `the port has no ${binding.soap.prefix}:address location (WSDL 1.1 §3.8); add <${binding.soap.prefix}:address location="…"/>`);
    return undefined;
  }
  return Object.freeze({
    name,
    binding: resolved.qname,
    soapVersion: binding.version,
    address: location,
    operations: binding.operations,
  });
}

/** 'http' for a WSDL 1.1 HTTP binding (skipped: not SOAP); undefined when unusable. */
function readBinding(def: Definition, defs: Definitions, problems: ProblemList): SoapBinding | 'http' | undefined {
  const soap11 = firstChild(def.el, SOAP11_BINDING_NS, 'binding');
  const soap12 = firstChild(def.el, SOAP12_BINDING_NS, 'binding');
  const marker = soap11 ?? soap12;
  if (marker === undefined) {
    if (firstChild(def.el, HTTP_BINDING_NS, 'binding') !== undefined) return 'http';
    problems.at(def.el, 'the binding is neither SOAP 1.1 (soap:binding) nor SOAP 1.2 (soap12:binding); a port of the gateway needs one of them');
    return undefined;
  }
  if (soap11 !== undefined && soap12 !== undefined) {
    problems.at(def.el, 'the binding has both soap:binding and soap12:binding; split it into one binding per SOAP version');
    return undefined;
  }
  const version: SoapVersion = soap11 !== undefined ? '1.1' : '1.2';
  const transport = attr(marker, 'transport');
  if (transport !== undefined && !HTTP_TRANSPORTS.has(transport)) {
    problems.at(marker, `transport '${transport}' is not SOAP over HTTP; the gateway serves HTTP only (WS-I BP R2702)`);
    return undefined;
  }
  const rawStyle = attr(marker, 'style');
  if (rawStyle !== undefined && rawStyle !== 'document' && rawStyle !== 'rpc') problems.at(marker, `style '${rawStyle}' is neither 'document' nor 'rpc'`);
  const soap: BindingSoap = {
    ns: version === '1.1' ? SOAP11_BINDING_NS : SOAP12_BINDING_NS,
    prefix: version === '1.1' ? 'soap' : 'soap12',
    style: rawStyle === 'rpc' ? 'rpc' : 'document',
  };
  const operations = bindingOperations(def, soap, defs, problems).map((op) => Object.freeze(op));
  return { version, soap, operations: Object.freeze(operations) };
}
