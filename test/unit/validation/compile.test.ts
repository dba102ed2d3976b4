import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../../src/config/problems.ts';
import { compileSchemas } from '../../../src/validation/compile.ts';
import { withMemoryDocuments } from '../../../src/validation/input-provider.ts';
import type { SchemaValidator } from '../../../src/validation/validator.ts';
import { loadWsdl } from '../../../src/wsdl/load.ts';
import type { WsdlDocument, WsdlModel } from '../../../src/wsdl/types.ts';
import { pingService, problemsOf, TempDirs, wsdl } from '../wsdl/helpers.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema';
const temp = new TempDirs();
afterEach(() => temp.cleanup());

/** A server that counts every request: nothing in schema compilation may reach it. */
let server: Server;
let hits = 0;
let base = '';
beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.end(`<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:remote"><xsd:element name="R" type="xsd:string"/></xsd:schema>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

function element(xml: string): Element {
  const el = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  if (el === null) throw new Error('no element');
  return el;
}

function compiled(dir: string, main = 'svc.wsdl'): SchemaValidator {
  const problems: ConfigProblem[] = [];
  const result = compileSchemas(loadWsdl(join(dir, main), { root: dir }), problems);
  expect(problems).toEqual([]);
  if (result === undefined) throw new Error('not compiled');
  return result.validator;
}

/** A WSDL set built in memory, bypassing the WSDL loader (which already refuses URLs). */
function modelOf(files: Readonly<Record<string, string>>, dir: string): WsdlModel {
  const documents: WsdlDocument[] = Object.entries(files).map(([name, text], index) => ({
    path: join(dir, name),
    kind: 'xsd',
    index,
    doc: new DOMParser().parseFromString(text, 'text/xml'),
    references: new Map(),
  }));
  return { mainPath: join(dir, 'svc.wsdl'), targetNamespace: 'urn:t', services: [], documents };
}

describe('compiling the WSDL schemas into one validator', () => {
  it('several inline schemas: a namespace-only xsd:import between them, a prefix declared only on wsdl:definitions, one namespace split over two schemas', () => {
    const types = `<wsdl:types>
      <xsd:schema targetNamespace="urn:a" elementFormDefault="qualified">
        <xsd:import namespace="urn:b"/>
        <xsd:element name="A" type="b:BType"/>
      </xsd:schema>
      <xsd:schema targetNamespace="urn:b" elementFormDefault="qualified">
        <xsd:complexType name="BType"><xsd:sequence><xsd:element name="N" type="xsd:int"/></xsd:sequence></xsd:complexType>
      </xsd:schema>
      <xsd:schema targetNamespace="urn:a" elementFormDefault="qualified">
        <xsd:element name="A2" type="xsd:date"/>
      </xsd:schema>
    </wsdl:types>`;
    const dir = temp.make({ 'svc.wsdl': wsdl(types, 'xmlns:b="urn:b"') });
    const v = compiled(dir);
    expect(v.validate([element('<A xmlns="urn:a"><N xmlns="urn:b">7</N></A>')], 5)).toEqual({ total: 0, violations: [] });
    expect(v.validate([element('<A2 xmlns="urn:a">2026-01-31</A2>')], 5).total).toBe(0);
    const bad = v.validate([element('<a:A xmlns:a="urn:a" xmlns:b="urn:b"><b:N>seven</b:N></a:A>')], 5);
    expect(bad.violations).toEqual([{ path: '/a:A/b:N', message: expect.stringContaining("'seven' is not a valid value of the atomic type 'xs:int'") as string }]);
  });

  it('an XSD file with xsd:include (chameleon, no targetNamespace) and xsd:import, all read from memory', () => {
    const dir = temp.make({
      'svc.wsdl': pingService({ types: `<wsdl:types><xsd:schema targetNamespace="urn:t:wrapper"><xsd:import namespace="urn:t:types" schemaLocation="xsd/types.xsd"/></xsd:schema></wsdl:types>` }),
      'xsd/types.xsd': `<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:t:types" xmlns:el="urn:t:types" elementFormDefault="qualified"><xsd:include schemaLocation="common/codes.xsd"/><xsd:element name="Ping" type="el:Code"/><xsd:element name="PingResponse" type="xsd:string"/></xsd:schema>`,
      'xsd/common/codes.xsd': `<xsd:schema xmlns:xsd="${XSD}"><xsd:simpleType name="Code"><xsd:restriction base="xsd:string"><xsd:pattern value="[A-Z]{3}"/></xsd:restriction></xsd:simpleType></xsd:schema>`,
    });
    const v = compiled(dir);
    expect(v.validate([element('<Ping xmlns="urn:t:types">ABC</Ping>')], 5).total).toBe(0);
    expect(v.validate([element('<Ping xmlns="urn:t:types">abcd</Ping>')], 5).violations[0]?.message).toContain("[facet 'pattern']");
  });

  it('a namespace-only xsd:import of the XML namespace gets the built-in xml.xsd (xml:lang)', () => {
    const types = `<wsdl:types><xsd:schema targetNamespace="urn:t:types" elementFormDefault="qualified">
      <xsd:import namespace="http://www.w3.org/XML/1998/namespace"/>
      <xsd:element name="Ping"><xsd:complexType><xsd:simpleContent><xsd:extension base="xsd:string"><xsd:attribute ref="xml:lang"/></xsd:extension></xsd:simpleContent></xsd:complexType></xsd:element>
      <xsd:element name="PingResponse" type="xsd:string"/>
    </xsd:schema></wsdl:types>`;
    const v = compiled(temp.make({ 'svc.wsdl': pingService({ types }) }));
    expect(v.validate([element('<Ping xmlns="urn:t:types" xml:lang="de-CH">x</Ping>')], 5).total).toBe(0);
    expect(v.validate([element('<Ping xmlns="urn:t:types" xml:lang="not a language">x</Ping>')], 5).total).toBe(1);
  });

  it('a schema that does not compile is a problem naming the XSD file and the line of the element', () => {
    const xsd = `<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:t:types" xmlns:el="urn:t:types">\n  <xsd:element name="Ping" type="el:Nowhere"/>\n</xsd:schema>\n`;
    const dir = temp.make({ 'svc.wsdl': pingService({ types: `<wsdl:types><xsd:schema targetNamespace="urn:x"><xsd:import namespace="urn:t:types" schemaLocation="types.xsd"/></xsd:schema></wsdl:types>` }), 'types.xsd': xsd });
    const problems: ConfigProblem[] = [];
    expect(compileSchemas(loadWsdl(join(dir, 'svc.wsdl'), { root: dir }), problems)).toBeUndefined();
    expect(problems).toContainEqual(expect.objectContaining({ file: join(dir, 'types.xsd'), line: 2, path: "/schema/element[@name='Ping']", message: expect.stringContaining('Nowhere') as string }));
  });
});

describe('nothing is fetched: no network, no file outside the WSDL set', () => {
  it('an xsd:import of an http:// schemaLocation is a start-up problem naming the file and the location, and the server is never asked', () => {
    const dir = temp.make({});
    const location = `${base}/remote.xsd`;
    const model = modelOf({ 'types.xsd': `<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:t"><xsd:import namespace="urn:remote" schemaLocation="${location}"/></xsd:schema>` }, dir);
    const problems: ConfigProblem[] = [];
    expect(compileSchemas(model, problems)).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ file: join(dir, 'types.xsd'), path: `/schema/import[@schemaLocation='${location}']`, message: expect.stringContaining(`'${location}'`) as string })]);
    expect(hits).toBe(0);
  });

  it('libxml2 itself, asked for an http:// import while compiling, gets nothing from the input provider (no request is made)', () => {
    const location = `${base}/remote.xsd`;
    const schema = `<xsd:schema xmlns:xsd="${XSD}" xmlns:r="urn:remote" targetNamespace="urn:t"><xsd:import namespace="urn:remote" schemaLocation="${location}"/><xsd:element name="E" type="r:Missing"/></xsd:schema>`;
    const run = withMemoryDocuments(new Map(), () => {
      const doc = XmlDocument.fromString(schema, { url: 'wsgate-schema:/t.xsd' });
      try {
        return XsdValidator.fromDoc(doc);
      } finally {
        doc.dispose();
      }
    });
    expect(run.ok).toBe(false);
    expect(run.refused).toContain(location);
    expect(hits).toBe(0);
  });

  it('an absolute path to a real schema file is refused, not read', () => {
    const dir = temp.make({ 'real.xsd': `<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:real"><xsd:element name="R" type="xsd:string"/></xsd:schema>` });
    const run = withMemoryDocuments(new Map(), () => {
      const doc = XmlDocument.fromString(`<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:t"><xsd:include schemaLocation="${join(dir, 'real.xsd')}"/></xsd:schema>`, { url: 'wsgate-schema:/t.xsd' });
      try {
        return XsdValidator.fromDoc(doc);
      } finally {
        doc.dispose();
      }
    });
    expect(run.ok).toBe(false);
    expect(run.refused).toEqual([join(dir, 'real.xsd')]);
  });

  it('the WSDL loader already refuses an http:// xsd:import at start-up, naming file and location', () => {
    const dir = temp.make({
      'svc.wsdl': pingService({ types: `<wsdl:types><xsd:schema targetNamespace="urn:x"><xsd:import namespace="urn:t:types" schemaLocation="types.xsd"/></xsd:schema></wsdl:types>` }),
      'types.xsd': `<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:t:types"><xsd:import namespace="urn:remote" schemaLocation="${base}/remote.xsd"/></xsd:schema>`,
    });
    const problems = problemsOf(() => loadWsdl(join(dir, 'svc.wsdl'), { root: dir }));
    expect(problems).toContainEqual(expect.objectContaining({ file: join(dir, 'types.xsd'), message: expect.stringContaining(`'${base}/remote.xsd' is a URL`) as string }));
    expect(hits).toBe(0);
  });

  it('an import outside the service directory is a start-up problem naming file and location', () => {
    const outer = temp.make({ 'other.xsd': `<xsd:schema xmlns:xsd="${XSD}" targetNamespace="urn:o"/>` });
    const dir = temp.make({
      'svc.wsdl': pingService({ types: `<wsdl:types><xsd:schema targetNamespace="urn:x"><xsd:import namespace="urn:o" schemaLocation="../${outer.split('/').pop() ?? ''}/other.xsd"/></xsd:schema></wsdl:types>` }),
    });
    writeFileSync(join(dir, 'unused.txt'), '');
    const problems = problemsOf(() => loadWsdl(join(dir, 'svc.wsdl'), { root: dir }));
    expect(problems).toContainEqual(expect.objectContaining({ file: join(dir, 'svc.wsdl'), message: expect.stringContaining('points outside the service directory') as string }));
  });
});
