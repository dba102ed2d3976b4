import { DOMParser, type Element } from '@xmldom/xmldom';
import { diag, XmlDocument, XsdValidator } from 'libxml2-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMemoryDocuments } from '../../../src/validation/input-provider.ts';
import { readablePath, resolveNodePath } from '../../../src/validation/node-path.ts';
import { XMLSerializer } from '@xmldom/xmldom';
import { serializeStandalone, standaloneCopy } from '../../../src/validation/standalone.ts';
import { SchemaValidator, shortMessage } from '../../../src/validation/validator.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema';
const schema = `<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:t" xmlns:t="urn:t" elementFormDefault="qualified">
  <xsd:element name="Order"><xsd:complexType><xsd:sequence>
    <xsd:element name="Qty" type="xsd:int" maxOccurs="unbounded"/>
    <xsd:element name="Price"><xsd:complexType><xsd:simpleContent><xsd:extension base="xsd:decimal"><xsd:attribute name="currency" type="xsd:string" use="required"/></xsd:extension></xsd:simpleContent></xsd:complexType></xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>`;

function compile(): SchemaValidator {
  const run = withMemoryDocuments(new Map(), () => {
    const entry = XmlDocument.fromString(schema, { url: 'wsgate-schema:/t.xsd' });
    return new SchemaValidator(XsdValidator.fromDoc(entry), entry);
  });
  if (!run.ok) throw run.error as Error;
  return run.value;
}

function bodyChild(xml: string): Element {
  const doc = new DOMParser().parseFromString(`<s:Envelope xmlns:s="urn:s" xmlns:t="urn:t"><s:Body>${xml}</s:Body></s:Envelope>`, 'text/xml');
  const body = doc.documentElement?.firstChild as Element;
  return body.firstChild as Element;
}

describe('SchemaValidator', () => {
  let v: SchemaValidator;
  beforeAll(() => {
    v = compile();
  });
  afterAll(() => v.dispose());

  it('validates a Body child whose prefix is declared only on the Envelope', () => {
    expect(v.validate([bodyChild('<t:Order><t:Qty>1</t:Qty><t:Price currency="EUR">2.50</t:Price></t:Order>')], 5)).toEqual({ total: 0, violations: [] });
  });

  it('names repeated elements by position and reports in document order, bounded by max', () => {
    const r = v.validate([bodyChild('<t:Order><t:Qty>1</t:Qty><t:Qty>x</t:Qty><t:Qty>y</t:Qty><t:Price>z</t:Price></t:Order>')], 2);
    expect(r.total).toBe(4);
    expect(r.violations.map((x) => x.path)).toEqual(['/t:Order/t:Qty[2]', '/t:Order/t:Qty[3]']);
  });

  it('frees every wasm document it parses, valid or not, and when libxml2 throws', () => {
    const entry = XmlDocument.create();
    const failing = new SchemaValidator({ validate: () => { throw new Error('internal'); } } as unknown as XsdValidator, entry);
    diag.configure({ enabled: true });
    try {
      v.validate([bodyChild('<t:Order><t:Qty>1</t:Qty><t:Price currency="EUR">1</t:Price></t:Order>')], 5);
      v.validate([bodyChild('<t:Order><t:Qty>no</t:Qty></t:Order>')], 5);
      expect(() => failing.validate([bodyChild('<t:Order/>')], 5)).toThrow('internal');
      const live = (diag.report() as Record<string, { totalInstances: number } | undefined>)['XmlDocument'];
      expect(live?.totalInstances ?? 0).toBe(0);
    } finally {
      diag.configure({ enabled: false });
      entry.dispose();
    }
  });
});

describe('violation paths and messages', () => {
  it('resolves libxml2 node paths, including * for default-namespace elements and attributes', () => {
    const root = standaloneCopy(bodyChild('<Order xmlns="urn:t"><Qty>1</Qty><Qty>2</Qty><Price currency="x">3</Price></Order>'));
    expect(readablePath(root, resolveNodePath(root, '/*/*[2]') ?? { element: root })).toBe('/Order/Qty[2]');
    expect(readablePath(root, resolveNodePath(root, '/*/*[3]/@currency') ?? { element: root })).toBe('/Order/Price/@currency');
    expect(resolveNodePath(root, '/*/*[9]')).toBeUndefined();
  });

  it('keeps messages on one line and bounded', () => {
    expect(shortMessage('a\n  b\t c\n')).toBe('a b c');
    expect(shortMessage('x'.repeat(1000))).toHaveLength(240);
  });
});

describe('serializing a Body child as a document of its own', () => {
  const ser = new XMLSerializer();
  const reparse = (text: string): Element => {
    const errors: string[] = [];
    const el = new DOMParser({ onError: (level, msg) => errors.push(`${level}: ${msg}`) }).parseFromString(text, 'text/xml').documentElement;
    expect(errors).toEqual([]);
    if (el === null) throw new Error('no element');
    return el;
  };

  it('declares prefixes that only values use (xsi:type="q:T"), once, next to the ones xmldom writes', () => {
    const doc = new DOMParser().parseFromString('<s:E xmlns:s="urn:s" xmlns:q="urn:q" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:B><t:X xmlns:t="urn:t" a="1&gt;2"><t:Y xsi:type="q:T"/></t:X></s:B></s:E>', 'text/xml');
    const x = doc.getElementsByTagNameNS('urn:t', 'X')[0];
    if (x === undefined) throw new Error('no X');
    const text = serializeStandalone(x, ser);
    const el = reparse(text);
    expect(el.lookupNamespaceURI('q')).toBe('urn:q');
    expect(el.lookupNamespaceURI('s')).toBe('urn:s');
    expect(el.getAttribute('a')).toBe('1>2');
    expect(text.match(/xmlns:t=/g)).toHaveLength(1);
  });

  it('keeps an unprefixed element in its own namespace, and a default namespace from the Envelope', () => {
    const doc = new DOMParser().parseFromString('<E xmlns="urn:d"><B><X><Y/></X></B></E>', 'text/xml');
    const x = doc.getElementsByTagNameNS('urn:d', 'X')[0];
    if (x === undefined) throw new Error('no X');
    const el = reparse(serializeStandalone(x, ser));
    expect(el.namespaceURI).toBe('urn:d');
    expect((el.firstChild as Element).namespaceURI).toBe('urn:d');
  });
});

