import type { Document, Element } from '@xmldom/xmldom';
import type { ConfigProblem } from '../config/problems.ts';
import { lineOf, locationPath } from './dom.ts';

/** Collects every problem of a WSDL set; elements are located by their owner document's file. */
export class ProblemList {
  readonly #files = new Map<Document, string>();
  readonly #problems: ConfigProblem[] = [];

  register(doc: Document, file: string): void {
    this.#files.set(doc, file);
  }

  fileOf(doc: Document | null): string {
    return doc === null ? '' : (this.#files.get(doc) ?? '');
  }

  /** `file:line` of an element, for messages that point at a second place. */
  where(el: Element): string {
    const line = lineOf(el);
    return `${this.fileOf(el.ownerDocument)}${line !== undefined ? `:${line}` : ''}`;
  }

  at(el: Element, message: string): void {
    const line = lineOf(el);
    this.#problems.push({
      file: this.fileOf(el.ownerDocument),
      path: locationPath(el),
      ...(line !== undefined ? { line } : {}),
      message,
    });
  }

  inFile(file: string, message: string, line?: number): void {
    this.#problems.push({ file, path: '', ...(line !== undefined ? { line } : {}), message });
  }

  get list(): readonly ConfigProblem[] {
    return this.#problems;
  }

  get size(): number {
    return this.#problems.length;
  }
}
