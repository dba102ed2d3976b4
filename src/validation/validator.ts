import { XMLSerializer } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { ParseOption, XmlDocument, XmlValidateError, type ErrorDetail, type XsdValidator } from 'libxml2-wasm';
import { readablePath, resolveNodePath } from './node-path.ts';
import { serializeStandalone } from './standalone.ts';
import type { ValidationResult, Violation } from './types.ts';

/**
 * How libxml2 parses what it validates: no network (NONET; the input provider refuses every load
 * anyway), no external DTD or entity (NO_XXE), and none of NOENT/DTDLOAD/DTDATTR/DTDVALID/XINCLUDE.
 * The text is our own serialization of a DOM the hardened parser built, so it has no DOCTYPE.
 */
export const INSTANCE_PARSE_OPTIONS: ParseOption = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

/** libxml2 xmlErrorLevel: 1 is a warning, 2 an error, 3 fatal. */
const XML_ERR_ERROR = 2;
const MAX_MESSAGE = 240;

export function shortMessage(message: string): string {
  const one = message.replace(/\s+/g, ' ').trim();
  return one.length <= MAX_MESSAGE ? one : `${one.slice(0, MAX_MESSAGE - 1)}…`;
}

/** Paths keep their end (the element in question) when they are cut. */
function shortPath(path: string): string {
  return path.length <= MAX_MESSAGE ? path : `…${path.slice(path.length - MAX_MESSAGE + 1)}`;
}

function toViolation(root: Element, detail: ErrorDetail): Violation {
  const ref = detail.xpath === undefined ? undefined : resolveNodePath(root, detail.xpath);
  return { path: shortPath(ref !== undefined ? readablePath(root, ref) : (detail.xpath ?? '')), message: shortMessage(detail.message) };
}

/** A service's compiled schema set (one libxml2 XsdValidator). Lives as long as the service; `dispose` frees its wasm memory. */
export class SchemaValidator {
  readonly #xsd: XsdValidator;
  readonly #entry: XmlDocument;
  readonly #serializer = new XMLSerializer();

  constructor(xsd: XsdValidator, entry: XmlDocument) {
    this.#xsd = xsd;
    this.#entry = entry;
  }

  /**
   * Validates each element as a document of its own against its global element declaration: the
   * element is serialized with the namespace declarations in scope, parsed by libxml2 and
   * validated; its wasm document is freed whatever happens. Returns the first `max` violations and
   * the total. libxml2 failures other than invalidity (internal errors) are thrown.
   */
  validate(elements: readonly Element[], max: number): ValidationResult {
    const violations: Violation[] = [];
    let total = 0;
    for (const element of elements) {
      const doc = XmlDocument.fromString(serializeStandalone(element, this.#serializer), { option: INSTANCE_PARSE_OPTIONS });
      try {
        this.#xsd.validate(doc);
      } catch (err) {
        if (!(err instanceof XmlValidateError)) throw err;
        const errors = err.details.filter((d) => d.level >= XML_ERR_ERROR);
        // Invalid without an error-level message is still invalid (fail closed).
        if (errors.length === 0) errors.push({ message: 'not valid against the schema', level: XML_ERR_ERROR, line: 0, col: 0 });
        for (const detail of errors) {
          total++;
          if (violations.length < max) violations.push(toViolation(element, detail));
        }
      } finally {
        doc.dispose();
      }
    }
    return { total, violations };
  }

  dispose(): void {
    this.#xsd.dispose();
    this.#entry.dispose();
  }
}
