import { XMLSerializer } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import type { ConfigProblem } from '../config/problems.ts';
import { attr, childElements, lineOf, locationPath } from '../wsdl/dom.ts';
import { WSDL_NS, XSD_NS } from '../wsdl/namespaces.ts';
import type { WsdlDocument } from '../wsdl/types.ts';
import { standaloneCopy } from './standalone.ts';

/** Scheme of the names libxml2 reads the schema set by (served from memory, src/validation/input-provider.ts). */
const BASE = 'wsgate-schema:/';
/** Target namespace of the synthetic entry schema; it declares nothing itself. */
const ENTRY_NS = 'urn:wsgate:schema-validation:entry';

/** One xsd:schema of the WSDL set: inline in wsdl:types, or the root of an imported/included XSD file. */
export interface SchemaSource {
  /** The name libxml2 knows it by. */
  readonly url: string;
  /** The file it was loaded from (absolute). */
  readonly file: string;
  /** The xsd:schema element as loaded (not modified). */
  readonly schema: Element;
  /** '' for a schema without targetNamespace. */
  readonly targetNamespace: string;
}

/** Everything libxml2 needs to compile the WSDL's schemas, in memory. */
export interface SchemaSet {
  readonly entryUrl: string;
  readonly entry: string;
  /** Every document libxml2 may read, by name. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly sources: ReadonlyMap<string, SchemaSource>;
  /** Global element declarations of the set, as Clark names `{ns}local`. */
  readonly globalElements: ReadonlySet<string>;
}

type Relation = 'import' | 'include' | 'redefine';

interface Built extends SchemaSource {
  readonly bytes: Uint8Array;
  /** The XSD file's document index; undefined for a schema inline in a WSDL. */
  readonly xsdIndex: number | undefined;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** The XML namespace's attributes (xml:lang, xml:space, xml:base, xml:id), as the W3C's xml.xsd declares them. */
const XML_XSD = `<xs:schema xmlns:xs="${XSD_NS}" targetNamespace="${XML_NS}"><xs:attribute name="lang"><xs:simpleType><xs:union memberTypes="xs:language"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction></xs:simpleType></xs:union></xs:simpleType></xs:attribute><xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName"><xs:enumeration value="default"/><xs:enumeration value="preserve"/></xs:restriction></xs:simpleType></xs:attribute><xs:attribute name="base" type="xs:anyURI"/><xs:attribute name="id" type="xs:ID"/><xs:attributeGroup name="specialAttrs"><xs:attribute ref="xml:base"/><xs:attribute ref="xml:lang"/><xs:attribute ref="xml:space"/><xs:attribute ref="xml:id"/></xs:attributeGroup></xs:schema>`;

const xsdUrl = (index: number): string => `${BASE}xsd-${index}.xsd`;
const escapeAttr = (s: string): string => s.replace(/[<>&"]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : '&quot;'));

/**
 * Prepares the WSDL's schemas for libxml2: every inline wsdl:types/xsd:schema (with the namespace
 * declarations in scope in the WSDL) and every loaded XSD file, their schemaLocations rewritten to
 * the in-memory names of the documents the WSDL loader already read (`WsdlDocument.references`).
 * A schemaLocation that names no loaded document is a problem (file, element, line): nothing is
 * read from anywhere else.
 *
 * The entry is a synthetic schema importing each target namespace once. libxml2 honours only the
 * first xsd:import of a namespace, so a namespace defined by several documents (two inline schemas,
 * or an inline schema and an XSD file) is imported through a synthetic schema of that namespace
 * that xsd:includes all of them.
 */
export function buildSchemaSet(documents: readonly WsdlDocument[], problems: ConfigProblem[]): SchemaSet | undefined {
  const before = problems.length;
  const serializer = new XMLSerializer();
  const built: Built[] = [];
  const relations = new Map<number, { readonly how: Relation; readonly fromNs: string }[]>();
  let importsXmlNamespace = false;
  const relate = (index: number, how: Relation, fromNs: string): void => {
    const list = relations.get(index) ?? [];
    list.push({ how, fromNs });
    relations.set(index, list);
  };

  const add = (doc: WsdlDocument, schema: Element, url: string, xsdIndex: number | undefined): void => {
    const targetNamespace = attr(schema, 'targetNamespace') ?? '';
    const copy = standaloneCopy(schema);
    const originals = childElements(schema, XSD_NS);
    const copies = childElements(copy, XSD_NS);
    originals.forEach((el, i) => {
      const how = el.localName;
      if (how !== 'import' && how !== 'include' && how !== 'redefine') return;
      const location = attr(el, 'schemaLocation');
      if (location === undefined) {
        // A namespace-only import: resolved among the set's own schemas (the XML namespace: built in).
        if (attr(el, 'namespace') === XML_NS) importsXmlNamespace = true;
        return;
      }
      const target = doc.references.get(location);
      if (target === undefined || target.kind !== 'xsd') {
        problems.push({
          file: doc.path,
          path: locationPath(el),
          ...(lineOf(el) !== undefined ? { line: lineOf(el) } : {}),
          message: `schemaLocation '${location}' names no schema file loaded with the WSDL; schema validation compiles only the files of the service directory and fetches nothing: copy the file there and refer to it by a relative path`,
        });
        return;
      }
      copies[i]?.setAttribute('schemaLocation', xsdUrl(target.index));
      relate(target.index, how, targetNamespace);
    });
    built.push({ url, file: doc.path, schema, targetNamespace, xsdIndex, bytes: Buffer.from(serializer.serializeToString(copy), 'utf8') });
  };

  for (const doc of documents) {
    const root = doc.doc.documentElement;
    if (root === null) continue;
    if (doc.kind === 'xsd') {
      add(doc, root, xsdUrl(doc.index), doc.index);
      continue;
    }
    for (const imp of childElements(root, WSDL_NS, 'import')) {
      const target = doc.references.get(attr(imp, 'location') ?? '');
      if (target?.kind === 'xsd') relate(target.index, 'import', '');
    }
    let k = 0;
    for (const types of childElements(root, WSDL_NS, 'types')) {
      for (const schema of childElements(types, XSD_NS, 'schema')) add(doc, schema, `${BASE}wsdl-${doc.index}-types-${k++}.xsd`, undefined);
    }
  }
  if (problems.length > before) return undefined;

  // Which schemas the entry names: every inline schema; every XSD file with a target namespace that is
  // not the subject of an xsd:redefine (it would be defined twice); a no-namespace file only when
  // something imports it (an included one takes its includer's namespace: XSD 1.0 §4.2.1 chameleon).
  const groups = new Map<string, Built[]>();
  for (const b of built) {
    const rel = b.xsdIndex === undefined ? [] : (relations.get(b.xsdIndex) ?? []);
    if (rel.some((r) => r.how === 'redefine')) continue;
    if (b.xsdIndex !== undefined && b.targetNamespace === '' && !rel.some((r) => r.how === 'import')) continue;
    const group = groups.get(b.targetNamespace) ?? [];
    group.push(b);
    groups.set(b.targetNamespace, group);
  }

  const files = new Map<string, Uint8Array>(built.map((b) => [b.url, b.bytes]));
  const imports: string[] = [];
  let n = 0;
  for (const [ns, group] of groups) {
    let location = group[0]?.url ?? '';
    if (group.length > 1) {
      location = `${BASE}namespace-${n++}.xsd`;
      const includes = group.map((b) => `<xsd:include schemaLocation="${escapeAttr(b.url)}"/>`).join('');
      const tns = ns === '' ? '' : ` targetNamespace="${escapeAttr(ns)}"`;
      files.set(location, Buffer.from(`<xsd:schema xmlns:xsd="${XSD_NS}"${tns}>${includes}</xsd:schema>`, 'utf8'));
    }
    imports.push(`<xsd:import${ns === '' ? '' : ` namespace="${escapeAttr(ns)}"`} schemaLocation="${escapeAttr(location)}"/>`);
  }
  if (importsXmlNamespace && !groups.has(XML_NS)) {
    files.set(`${BASE}xml.xsd`, Buffer.from(XML_XSD, 'utf8'));
    imports.push(`<xsd:import namespace="${XML_NS}" schemaLocation="${BASE}xml.xsd"/>`);
  }

  const globalElements = new Set<string>();
  for (const b of built) {
    const rel = b.xsdIndex === undefined ? [] : (relations.get(b.xsdIndex) ?? []);
    const namespaces = b.targetNamespace !== '' ? [b.targetNamespace] : [...new Set(rel.map((r) => (r.how === 'import' ? '' : r.fromNs))), ...(b.xsdIndex === undefined ? [''] : [])];
    for (const el of childElements(b.schema, XSD_NS, 'element')) {
      const name = attr(el, 'name');
      if (name !== undefined) for (const ns of namespaces) globalElements.add(`{${ns}}${name}`);
    }
  }

  return {
    entryUrl: `${BASE}entry.xsd`,
    entry: `<xsd:schema xmlns:xsd="${XSD_NS}" targetNamespace="${ENTRY_NS}">${imports.join('')}</xsd:schema>`,
    files,
    sources: new Map(built.map((b) => [b.url, { url: b.url, file: b.file, schema: b.schema, targetNamespace: b.targetNamespace }])),
    globalElements,
  };
}
