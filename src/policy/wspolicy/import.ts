import type { Document, Element } from '@xmldom/xmldom';
import type { ConfigProblem } from '../../config/problems.ts';
import type { SecurityRequirements } from '../../config/types.ts';
import { collectDefinitions } from '../../wsdl/definitions.ts';
import { attr, childElements, firstChild, lineOf, qnameKey } from '../../wsdl/dom.ts';
import { WSDL_NS } from '../../wsdl/namespaces.ts';
import { ProblemList } from '../../wsdl/problem-list.ts';
import type { WsdlModel, WsdlPort } from '../../wsdl/types.ts';
import type { PolicyAttachment, ResponseSidePolicy } from '../operation-policy.ts';
import { attachedTo, hasAttachment, unsupportedAttachments } from './attachments.ts';
import type { AttachedExpr } from './attachments.ts';
import { compactAlternatives } from './compact.ts';
import { mapAlternative } from './map-alternative.ts';
import { MAX_ALTERNATIVES, TooManyAlternatives, crossProduct, normalize } from './normalize.ts';
import type { NormalAlternative } from './normalize.ts';
import { PolicyProblems } from './problems.ts';
import type { PolicySubject } from './problems.ts';
import { PolicyReader } from './read.ts';

/** The WSDL policy of one operation's input, normalised, merged and mapped. */
export interface ImportedOperation {
  /** Any one must hold. Empty only when problems were reported. */
  readonly alternatives: readonly SecurityRequirements[];
  /** WSDL alternatives left out because they hold an optional assertion the gateway does not know. */
  readonly dropped: readonly string[];
  readonly attachments: readonly PolicyAttachment[];
  readonly responseSide: readonly ResponseSidePolicy[];
}

export interface ImportedBinding {
  readonly binding: string;
  /** The file the wsdl:binding is in. */
  readonly file: string;
  /** False when nothing is attached to the binding, its operations or their messages. */
  readonly hasPolicy: boolean;
  readonly operations: ReadonlyMap<string, ImportedOperation>;
}

/**
 * Reads the WS-Policy attached to the WSDL bindings of a service (WS-PolicyAttachment §4.1): the
 * policy of an operation's input is the merge of the binding's, the binding operation's and the
 * input's attachments (cross product of their alternatives, WS-Policy 1.5 §4.5).
 */
export class WsdlPolicyImporter {
  readonly #problems: PolicyProblems;
  readonly #reader: PolicyReader;
  readonly #bindings = new Map<string, ImportedBinding | undefined>();
  readonly #bindingEls: ReadonlyMap<string, Element>;

  constructor(wsdl: WsdlModel) {
    const files = new Map<Document, string>(wsdl.documents.map((d) => [d.doc, d.path]));
    this.#problems = new PolicyProblems(files);
    this.#reader = new PolicyReader(this.#problems);
    const defs = collectDefinitions(wsdl.documents, new ProblemList());
    this.#bindingEls = new Map([...defs.bindings].map(([k, v]) => [k, v.el]));
    unsupportedAttachments(wsdl, this.#problems);
  }

  /** Every problem found so far (attachment points, references, assertions), located in the WSDL. */
  get problems(): readonly ConfigProblem[] {
    return this.#problems.list();
  }

  binding(port: WsdlPort): ImportedBinding | undefined {
    const key = qnameKey(port.binding);
    if (!this.#bindings.has(key)) this.#bindings.set(key, this.#read(key, port));
    return this.#bindings.get(key);
  }

  #read(key: string, port: WsdlPort): ImportedBinding | undefined {
    const el = this.#bindingEls.get(key);
    if (el === undefined) return undefined;
    const name = port.binding.local;
    const opEls = childElements(el, WSDL_NS, 'operation');
    const inputs = opEls.map((op) => firstChild(op, WSDL_NS, 'input')).filter((x): x is Element => x !== undefined);
    const hasPolicy = hasAttachment(el) || opEls.some(hasAttachment) || inputs.some(hasAttachment);
    const operations = new Map<string, ImportedOperation>();
    const bindingSubject: PolicySubject = { el, binding: name, operation: undefined };
    const bindingLevel = hasPolicy ? attachedTo(el, bindingSubject, `binding ${name}`, this.#reader, this.#problems) : [];
    for (const op of port.operations) {
      const opEl = opEls.find((o) => attr(o, 'name') === op.name);
      if (opEl === undefined) continue;
      operations.set(op.name, hasPolicy ? this.#operation(el, name, op.name, opEl, bindingLevel) : { alternatives: [], dropped: [], attachments: [], responseSide: this.#responseSide(name, op.name, opEl) });
    }
    return { binding: name, file: this.#problems.fileOf(el), hasPolicy, operations };
  }

  /** Output and fault attachments: reported, never enforced (responses are forwarded as the backend sends them). */
  #responseSide(binding: string, operation: string, opEl: Element): ResponseSidePolicy[] {
    return [...childElements(opEl, WSDL_NS, 'output'), ...childElements(opEl, WSDL_NS, 'fault')]
      .filter(hasAttachment)
      .map((msg) => ({ what: `${msg.localName ?? ''} policy of ${operation} (binding ${binding})`, file: this.#problems.fileOf(msg), line: lineOf(msg) }));
  }

  #operation(bindingEl: Element, binding: string, operation: string, opEl: Element, bindingLevel: readonly AttachedExpr[]): ImportedOperation {
    const input = firstChild(opEl, WSDL_NS, 'input');
    const opSubject: PolicySubject = { el: opEl, binding, operation };
    const inputSubject: PolicySubject | undefined = input === undefined ? undefined : { el: input, binding, operation };
    const at = (subject: PolicySubject) => (b: AttachedExpr) => ({ ...b, subject });
    const attached = [
      ...bindingLevel.map(at({ el: bindingEl, binding, operation })),
      ...attachedTo(opEl, opSubject, `operation ${operation}`, this.#reader, this.#problems).map(at(opSubject)),
      ...(inputSubject === undefined ? [] : attachedTo(inputSubject.el, inputSubject, `input of ${operation}`, this.#reader, this.#problems).map(at(inputSubject))),
    ];
    const responseSide = this.#responseSide(binding, operation, opEl);
    let merged: NormalAlternative[] = [[]];
    try {
      for (const a of attached) merged = crossProduct(merged, normalize(a.expr, a.subject));
    } catch (err) {
      if (!(err instanceof TooManyAlternatives)) throw err;
      this.#problems.at(opEl, opSubject, `the effective policy has more than ${MAX_ALTERNATIVES} alternatives (${err.message}); simplify its wsp:ExactlyOne choices`);
      return { alternatives: [], dropped: [], attachments: attached.map((a) => a.attachment), responseSide };
    }
    const alternatives: SecurityRequirements[] = [];
    const dropped: string[] = [];
    let invalid = false;
    for (const alt of merged) {
      const mapped = mapAlternative(alt, this.#problems);
      if (mapped.kind === 'ok') alternatives.push(mapped.requirements);
      else if (mapped.kind === 'dropped') dropped.push(mapped.reason);
      else invalid = true;
    }
    if (alternatives.length === 0 && !invalid) {
      const why = merged.length === 0 ? 'the effective policy has no alternative at all (an empty wsp:ExactlyOne): no message could satisfy it' : `every alternative holds an optional assertion the gateway does not know (${dropped.join('; ')})`;
      this.#problems.at(opEl, opSubject, why);
    }
    return { alternatives: compactAlternatives(alternatives), dropped: [...new Set(dropped)], attachments: attached.map((a) => a.attachment), responseSide };
  }
}
