import type { Element } from '@xmldom/xmldom';
import type { Definition, Definitions } from './definitions.ts';
import { attr, attrNS, childElements, firstChild, qnameKey, resolveQName } from './dom.ts';
import { WSAM_NS, WSAW_NS, WSDL_NS } from './namespaces.ts';
import type { ProblemList } from './problem-list.ts';
import type { OperationStyle, QName, WsdlOperation } from './types.ts';

/** What the binding's operations are read with: its SOAP binding namespace and style. */
export interface BindingSoap {
  readonly ns: string;
  /** 'soap' or 'soap12', for messages. */
  readonly prefix: string;
  readonly style: OperationStyle;
}

interface Ctx {
  readonly defs: Definitions;
  readonly problems: ProblemList;
  readonly soap: BindingSoap;
}

/** The operations of a SOAP binding, resolved against its portType and messages. */
export function bindingOperations(binding: Definition, soap: BindingSoap, defs: Definitions, problems: ProblemList): WsdlOperation[] {
  const ctx: Ctx = { defs, problems, soap };
  const portType = lookup(ctx, binding.el, 'type', defs.portTypes, 'wsdl:portType');
  if (portType === undefined) return [];

  const abstract = new Map<string, Element>();
  for (const op of childElements(portType.el, WSDL_NS, 'operation')) {
    const name = attr(op, 'name') ?? '';
    // WS-I BP 1.1 R2304: operation names within a portType are unique (no overloading).
    if (abstract.has(name)) problems.at(op, `operation '${name}' is declared twice in the portType; overloaded operations are not supported (WS-I BP R2304)`);
    else abstract.set(name, op);
  }

  const problemsBefore = problems.size;
  const operations: WsdlOperation[] = [];
  const bound = new Set<string>();
  for (const op of childElements(binding.el, WSDL_NS, 'operation')) {
    const name = attr(op, 'name') ?? '';
    bound.add(name);
    const ptOp = abstract.get(name);
    if (ptOp === undefined) {
      problems.at(op, `the binding has operation '${name}' but portType ${qnameKey(portType.name)} does not; add it to the portType or remove it from the binding`);
      continue;
    }
    const operation = boundOperation(ctx, name, op, ptOp);
    if (operation !== undefined) operations.push(operation);
  }
  for (const [name, ptOp] of abstract) {
    // WS-I BP 1.1 R2718: a binding has the same set of operations as its portType.
    if (!bound.has(name)) problems.at(binding.el, `operation '${name}' of the portType (${problems.where(ptOp)}) is not bound; add it to the binding (WS-I BP R2718)`);
  }
  // Operations with unresolved messages look alike (empty Body); judge dispatch only on a sound binding.
  if (problems.size === problemsBefore) checkDispatchable(ctx, binding.el, operations);
  return operations;
}

function boundOperation(ctx: Ctx, name: string, op: Element, ptOp: Element): WsdlOperation | undefined {
  const { problems, soap } = ctx;
  const soapOp = firstChild(op, soap.ns, 'operation');
  const style = soapOp === undefined ? soap.style : readStyle(ctx, soapOp, soap.style);

  // WSDL 1.1 §2.4: the first of input/output tells the transmission primitive; the gateway serves
  // one-way and request-response only (WS-I BP R2303 forbids the other two).
  const first = childElements(ptOp, WSDL_NS).find((el) => el.localName === 'input' || el.localName === 'output');
  const ptIn = firstChild(ptOp, WSDL_NS, 'input');
  const ptOut = firstChild(ptOp, WSDL_NS, 'output');
  if (ptIn === undefined || first !== ptIn) {
    problems.at(ptOp, `operation '${name}' is a notification or solicit-response operation; only one-way and request-response are supported (WS-I BP R2303)`);
    return undefined;
  }
  for (const fault of childElements(op, WSDL_NS, 'fault')) {
    for (const soapFault of childElements(fault, soap.ns, 'fault')) checkLiteral(ctx, soapFault);
  }
  const inputAction = attrNS(ptIn, WSAM_NS, 'Action') ?? attrNS(ptIn, WSAW_NS, 'Action');
  return {
    name,
    soapAction: soapOp === undefined ? '' : (attr(soapOp, 'soapAction') ?? ''),
    style,
    inputBody: bodyElements(ctx, name, op, ptIn, 'input', style),
    outputBody: ptOut === undefined ? [] : bodyElements(ctx, name, op, ptOut, 'output', style),
    ...(inputAction !== undefined ? { inputAction } : {}),
    oneWay: ptOut === undefined,
  };
}

function readStyle(ctx: Ctx, el: Element, fallback: OperationStyle): OperationStyle {
  const style = attr(el, 'style');
  if (style === undefined) return fallback;
  if (style === 'document' || style === 'rpc') return style;
  ctx.problems.at(el, `style '${style}' is neither 'document' nor 'rpc'`);
  return fallback;
}

/** The QNames of the elements the SOAP Body carries for one direction of an operation (WSDL 1.1 §3.5). */
function bodyElements(ctx: Ctx, opName: string, op: Element, ptMsg: Element, direction: 'input' | 'output', style: OperationStyle): QName[] {
  const { problems, soap } = ctx;
  const message = lookup(ctx, ptMsg, 'message', ctx.defs.messages, 'wsdl:message');
  const bMsg = firstChild(op, WSDL_NS, direction);
  if (bMsg === undefined) {
    problems.at(op, `the portType operation has an ${direction} but the binding operation has no wsdl:${direction}; add one with a ${soap.prefix}:body`);
    return [];
  }
  const headers = childElements(bMsg, soap.ns, 'header');
  for (const header of headers) {
    checkLiteral(ctx, header);
    const headerMessage = lookup(ctx, header, 'message', ctx.defs.messages, 'wsdl:message');
    const part = attr(header, 'part');
    if (headerMessage !== undefined && part !== undefined && !childElements(headerMessage.el, WSDL_NS, 'part').some((p) => attr(p, 'name') === part)) {
      problems.at(header, `message ${qnameKey(headerMessage.name)} has no part '${part}'`);
    }
  }
  const body = firstChild(bMsg, soap.ns, 'body');
  if (body === undefined) {
    problems.at(bMsg, `no ${soap.prefix}:body; add <${soap.prefix}:body use="literal"/> (MIME/attachment bindings are not supported)`);
    return [];
  }
  checkLiteral(ctx, body);

  if (style === 'rpc') {
    // WS-I BP 1.1 R2717: rpc-literal soap:body has a namespace; R2729: the response wrapper is the operation name + 'Response'.
    const ns = attr(body, 'namespace');
    if (ns === undefined || ns === '') {
      problems.at(body, `an rpc/literal ${soap.prefix}:body needs a namespace attribute: it is the namespace of the wrapper element (WS-I BP R2717)`);
      return [];
    }
    return [{ ns, local: direction === 'input' ? opName : `${opName}Response` }];
  }
  if (message === undefined) return [];

  const parts = new Map<string, Element>();
  for (const part of childElements(message.el, WSDL_NS, 'part')) parts.set(attr(part, 'name') ?? '', part);
  const listed = attr(body, 'parts');
  let selected: Element[];
  if (listed === undefined) selected = [...parts.values()];
  else {
    selected = [];
    for (const name of listed.split(/\s+/).filter((n) => n !== '')) {
      const part = parts.get(name);
      if (part === undefined) problems.at(body, `parts lists '${name}' but message ${qnameKey(message.name)} has no such part`);
      else selected.push(part);
    }
  }
  const inHeader = new Set<string>();
  for (const header of headers) {
    const ref = attr(header, 'message');
    const resolved = ref === undefined ? undefined : resolveQName(header, ref);
    if (resolved?.ok === true && qnameKey(resolved.qname) === qnameKey(message.name)) inHeader.add(attr(header, 'part') ?? '');
  }

  const elements: QName[] = [];
  for (const part of selected) {
    const partName = attr(part, 'name') ?? '';
    if (inHeader.has(partName)) continue;
    const element = attr(part, 'element');
    if (element === undefined) {
      // WS-I BP 1.1 R2204: document-literal parts name elements, not types.
      const how = attr(part, 'type') !== undefined ? 'uses type=' : 'has no element attribute';
      problems.at(part, `part '${partName}' ${how}; a document/literal message part needs element="prefix:ElementName" (WS-I BP R2204)`);
      continue;
    }
    const resolved = resolveQName(part, element);
    if (!resolved.ok) problems.at(part, resolved.message);
    else elements.push(resolved.qname);
  }
  return elements;
}

function checkLiteral(ctx: Ctx, el: Element): void {
  const use = attr(el, 'use');
  // WS-I BP 1.1 R2706: use="literal" only.
  if (use === 'encoded') ctx.problems.at(el, `SOAP encoding is not supported, only literal: set use="literal" (WS-I BP R2706)`);
  else if (use !== undefined && use !== 'literal') ctx.problems.at(el, `use '${use}' is not 'literal'`);
}

function lookup(ctx: Ctx, el: Element, attribute: string, table: ReadonlyMap<string, Definition>, what: string): Definition | undefined {
  const value = attr(el, attribute);
  if (value === undefined) {
    ctx.problems.at(el, `the ${attribute} attribute is missing; it must name a ${what}`);
    return undefined;
  }
  const resolved = resolveQName(el, value);
  if (!resolved.ok) {
    ctx.problems.at(el, resolved.message);
    return undefined;
  }
  const def = table.get(qnameKey(resolved.qname));
  if (def === undefined) ctx.problems.at(el, `${attribute}="${value}" names ${what} ${qnameKey(resolved.qname)}, which is not defined in the WSDL or its imports`);
  return def;
}

/**
 * Requests are dispatched by Body element, and by soapAction when that is ambiguous: two
 * operations may share an input element only if both have distinct, non-empty soapActions.
 */
function checkDispatchable(ctx: Ctx, binding: Element, operations: readonly WsdlOperation[]): void {
  const seen = new Map<string, WsdlOperation[]>();
  for (const op of operations) {
    const first = op.inputBody[0];
    const key = first === undefined ? '(empty Body)' : qnameKey(first);
    const earlier = seen.get(key) ?? [];
    for (const other of earlier) {
      if (op.soapAction === '' || other.soapAction === '' || op.soapAction === other.soapAction) {
        const opEl = childElements(binding, WSDL_NS, 'operation').find((el) => attr(el, 'name') === op.name) ?? binding;
        ctx.problems.at(
          opEl,
          `operations '${other.name}' and '${op.name}' both take ${key} as Body element and their soapActions ('${other.soapAction}', '${op.soapAction}') do not tell them apart; give them distinct input elements or distinct non-empty soapActions`,
        );
      }
    }
    seen.set(key, [...earlier, op]);
  }
}
