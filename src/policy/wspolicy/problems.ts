import type { Document, Element } from '@xmldom/xmldom';
import type { ConfigProblem } from '../../config/problems.ts';
import { lineOf, locationPath } from '../../wsdl/dom.ts';

/** The WSDL policy subject an assertion was found under. */
export interface PolicySubject {
  /** The wsdl:binding, binding/operation or binding/operation/input element the policy is attached to. */
  readonly el: Element;
  readonly binding: string;
  readonly operation: string | undefined;
}

interface Entry {
  readonly file: string;
  readonly line: number | undefined;
  readonly path: string;
  readonly message: string;
  readonly binding: string | undefined;
  readonly operations: Set<string>;
}

/**
 * Start-up problems of WSDL policies, located at the offending element (file and line) and at
 * the policy subject (path). A policy shared by several operations is reported once, naming them all.
 */
export class PolicyProblems {
  readonly #files: ReadonlyMap<Document, string>;
  readonly #entries = new Map<string, Entry>();

  constructor(files: ReadonlyMap<Document, string>) {
    this.#files = files;
  }

  fileOf(el: Element): string {
    return el.ownerDocument === null ? '' : (this.#files.get(el.ownerDocument) ?? '');
  }

  at(el: Element, subject: PolicySubject | undefined, message: string): void {
    const file = this.fileOf(el);
    const line = lineOf(el);
    const key = `${file}\u0000${line ?? ''}\u0000${message}\u0000${subject?.binding ?? ''}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { file, line, path: locationPath(subject?.el ?? el), message, binding: subject?.binding, operations: new Set() };
      this.#entries.set(key, entry);
    }
    if (subject?.operation !== undefined) entry.operations.add(subject.operation);
  }

  get size(): number {
    return this.#entries.size;
  }

  list(): ConfigProblem[] {
    return [...this.#entries.values()].map((e) => {
      const ops = [...e.operations];
      const where = e.binding === undefined ? '' : ` [binding ${e.binding}${ops.length > 0 ? `, operation${ops.length > 1 ? 's' : ''} ${ops.join(', ')}` : ''}]`;
      return { file: e.file, path: e.path, ...(e.line !== undefined ? { line: e.line } : {}), message: `${e.message}${where}` };
    });
  }
}
