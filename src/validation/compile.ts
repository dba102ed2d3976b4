import type { Element } from '@xmldom/xmldom';
import { XmlDocument, XmlLibError, XsdValidator } from 'libxml2-wasm';
import type { ConfigProblem } from '../config/problems.ts';
import { lineOf, locationPath } from '../wsdl/dom.ts';
import type { WsdlModel } from '../wsdl/types.ts';
import { withMemoryDocuments } from './input-provider.ts';
import { resolveNodePath } from './node-path.ts';
import { buildSchemaSet, type SchemaSet } from './schema-set.ts';
import { INSTANCE_PARSE_OPTIONS, SchemaValidator, shortMessage } from './validator.ts';

export interface CompiledSchemas {
  readonly validator: SchemaValidator;
  /** Global element declarations, as Clark names. */
  readonly globalElements: ReadonlySet<string>;
}

/** libxml2's names of the in-memory documents, as the files they came from (for start-up messages). */
function withFileNames(message: string, set: SchemaSet): string {
  let out = message;
  for (const source of set.sources.values()) out = out.split(source.url).join(source.file);
  return shortMessage(out);
}

function problemAt(file: string, el: Element | undefined, message: string): ConfigProblem {
  const line = el === undefined ? undefined : lineOf(el);
  return { file, path: el === undefined ? '' : locationPath(el), ...(line !== undefined ? { line } : {}), message };
}

/**
 * Compiles the WSDL's XML Schemas (inline wsdl:types schemas and the XSD files the WSDL loader
 * read) into one libxml2 validator, reading nothing but those in-memory documents. Every compile
 * error becomes a problem naming the schema file (and element, when libxml2 says which); undefined
 * when there are problems.
 */
export function compileSchemas(wsdl: WsdlModel, problems: ConfigProblem[]): CompiledSchemas | undefined {
  const set = buildSchemaSet(wsdl.documents, problems);
  if (set === undefined) return undefined;
  if (set.sources.size === 0) {
    problems.push({ file: wsdl.mainPath, path: '/definitions/types', message: 'the WSDL has no XML Schema (no wsdl:types/xsd:schema): there is nothing to validate messages against; turn `validation` off' });
    return undefined;
  }
  const run = withMemoryDocuments(set.files, () => {
    const entry = XmlDocument.fromString(set.entry, { url: set.entryUrl, option: INSTANCE_PARSE_OPTIONS });
    try {
      return new SchemaValidator(XsdValidator.fromDoc(entry), entry);
    } catch (err) {
      entry.dispose();
      throw err;
    }
  });
  for (const name of new Set(run.refused)) {
    problems.push({ file: wsdl.mainPath, path: '', message: `compiling the WSDL's schemas asked for '${withFileNames(name, set)}', which is not one of the documents loaded with the WSDL; nothing is fetched` });
  }
  if (run.ok && run.refused.length === 0) return { validator: run.value, globalElements: set.globalElements };
  if (run.ok) {
    run.value.dispose();
    return undefined;
  }
  const details = run.error instanceof XmlLibError ? run.error.details.filter((d) => d.level >= 2) : [];
  if (details.length === 0) {
    const why = run.error instanceof Error ? run.error.message : String(run.error);
    problems.push({ file: wsdl.mainPath, path: '', message: `the WSDL's XML Schemas do not compile: ${withFileNames(why, set) || 'libxml2 gave no reason'}` });
  }
  for (const d of details) {
    const source = d.file === undefined ? undefined : set.sources.get(d.file);
    const el = source === undefined || d.xpath === undefined ? undefined : resolveNodePath(source.schema, d.xpath)?.element;
    problems.push(problemAt(source?.file ?? wsdl.mainPath, el, `XML Schema error: ${withFileNames(d.message, set)}`));
  }
  return undefined;
}
