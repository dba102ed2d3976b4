import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWsdl } from '../../../src/wsdl/load.ts';
import { FIXTURES, TempDirs, pingService, problemsOf } from './helpers.ts';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

const fixture = (dir: string, file: string) => loadWsdl(join(FIXTURES, dir, file), { root: join(FIXTURES, dir) });
/** Problems of broken/<dir>/service.wsdl, the service directory being broken/<dir>. */
const brokenProblems = (dir: string) => problemsOf(() => loadWsdl(join(FIXTURES, 'broken', dir, 'service.wsdl'), { root: join(FIXTURES, 'broken', dir) }));

describe('loadWsdl: the WSDL set on disk', () => {
  it('follows xsd:import out of wsdl:types and the xsd:include inside the imported schema', () => {
    const model = fixture('doclit-wrapped', 'OrderService.wsdl');
    expect(model.mainPath).toBe(join(FIXTURES, 'doclit-wrapped/OrderService.wsdl'));
    expect(model.targetNamespace).toBe('http://shop.example/ws/orders/2021');
    expect(model.documents.map((d) => [d.kind, d.index, d.path])).toEqual([
      ['wsdl', 0, join(FIXTURES, 'doclit-wrapped/OrderService.wsdl')],
      ['xsd', 0, join(FIXTURES, 'doclit-wrapped/schemas/orders.xsd')],
      ['xsd', 1, join(FIXTURES, 'doclit-wrapped/schemas/common-types.xsd')],
    ]);
    expect([...(model.documents[0]?.references ?? [])]).toEqual([['schemas/orders.xsd', { kind: 'xsd', index: 0 }]]);
    expect([...(model.documents[1]?.references ?? [])]).toEqual([['common-types.xsd', { kind: 'xsd', index: 1 }]]);
    expect(model.documents[2]?.doc.documentElement?.localName).toBe('schema');
  });

  it('loads each file once through wsdl:import and xsd:import cycles and repeated imports', () => {
    const model = fixture('cyclic-imports', 'Echo.wsdl');
    expect(model.documents.map((d) => `${d.kind}${d.index}:${d.path.slice(d.path.lastIndexOf('/') + 1)}`)).toEqual([
      'wsdl0:Echo.wsdl',
      'wsdl1:EchoAbstract.wsdl',
      'xsd0:a.xsd',
      'xsd1:b.xsd',
    ]);
    // 'a.xsd' and './a.xsd' are one file.
    expect(model.documents[0]?.references.get('./a.xsd')).toEqual({ kind: 'xsd', index: 0 });
    expect(model.documents[1]?.references.get('Echo.wsdl')).toEqual({ kind: 'wsdl', index: 0 });
    expect(model.services[0]?.ports[0]?.operations[0]?.inputBody).toEqual([{ ns: 'urn:echo:a', local: 'Echo' }]);
  });

  it('merges a wsdl:import of another namespace by QName and allows ../ that stays inside the service directory', () => {
    const model = fixture('split-import', 'StockQuoteService.wsdl');
    expect(model.documents.map((d) => [d.kind, d.index])).toEqual([['wsdl', 0], ['wsdl', 1], ['xsd', 0]]);
    expect(model.documents[1]?.references.get('../schemas/quote.xsd')).toEqual({ kind: 'xsd', index: 0 });
    const ports = model.services[0]?.ports ?? [];
    expect(ports.map((p) => [p.name, p.soapVersion])).toEqual([['StockQuotePort', '1.1'], ['StockQuoteSoap12Port', '1.2']]);
    expect(ports[0]?.operations[0]).toEqual({
      name: 'GetLastTradePrice',
      soapAction: 'http://stock.example/GetLastTradePrice',
      style: 'document',
      inputBody: [{ ns: 'http://stock.example/schemas/quote', local: 'TradePriceRequest' }],
      outputBody: [{ ns: 'http://stock.example/schemas/quote', local: 'TradePrice' }],
      inputAction: 'http://stock.example/GetLastTradePrice',
      oneWay: false,
    });
  });

  it('follows xsd:redefine and an xsd:import without schemaLocation names only a namespace', () => {
    const dir = tmp.make({
      's.wsdl': pingService({
        types: `<wsdl:types><xsd:schema targetNamespace="urn:t:types">
  <xsd:import namespace="http://www.w3.org/XML/1998/namespace"/>
  <xsd:redefine schemaLocation="base%20types.xsd"/>
</xsd:schema></wsdl:types>`,
      }),
      'base types.xsd': '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t:types"/>',
    });
    const model = loadWsdl(join(dir, 's.wsdl'), { root: dir });
    expect(model.documents.map((d) => [d.kind, d.index, d.path])).toEqual([
      ['wsdl', 0, join(dir, 's.wsdl')],
      ['xsd', 0, join(dir, 'base types.xsd')],
    ]);
    expect(model.documents[0]?.references.get('base%20types.xsd')).toEqual({ kind: 'xsd', index: 0 });
  });

  it('decodes UTF-16 (byte order mark) and ISO-8859-1 (declared) files', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pingService().replace('UTF-8', 'UTF-16'), 'utf16le')]);
    const a = tmp.make({ 's.wsdl': utf16 });
    expect(loadWsdl(join(a, 's.wsdl'), { root: a }).services[0]?.ports[0]?.operations[0]?.name).toBe('Ping');

    const latin1 = Buffer.from(pingService().replace('UTF-8', 'ISO-8859-1').replace('<wsdl:portType name="PT">', '<wsdl:portType name="PT"><wsdl:documentation>Gebühr</wsdl:documentation>'), 'latin1');
    const b = tmp.make({ 's.wsdl': latin1 });
    const doc = loadWsdl(join(b, 's.wsdl'), { root: b }).documents[0]?.doc;
    expect(doc?.getElementsByTagNameNS('http://schemas.xmlsoap.org/wsdl/', 'documentation')[0]?.textContent).toBe('Gebühr');
  });
});

describe('loadWsdl: what the gateway refuses to read', () => {
  it('import escaping the service directory is refused', () => {
    const problems = brokenProblems('import-escapes-root/service');
    expect(problems).toEqual([
      {
        file: join(FIXTURES, 'broken/import-escapes-root/service/service.wsdl'),
        path: "/definitions/types/schema/import[@schemaLocation='../outside.xsd']",
        line: 10,
        message: expect.stringContaining("'../outside.xsd' points outside the service directory") as unknown,
      },
    ]);
  });

  it('an https schemaLocation is refused: the gateway never fetches at run time', () => {
    const problems = brokenProblems('http-import');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(10);
    expect(problems[0]?.message).toMatch(/'https:\/\/schemas\.example\.com\/common\/v1\/common\.xsd' is a URL; the gateway never fetches/);
  });

  it('absolute-path wsdl:import and file: URL xsd:include are both refused', () => {
    const problems = brokenProblems('absolute-and-file-imports');
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["/definitions/import[@location='/srv/wsdl/shared/abstract.wsdl']", 8],
      ["/definitions/types/schema/include[@schemaLocation='file:///etc/wsgate/common.xsd']", 11],
    ]);
    expect(problems[0]?.message).toMatch(/absolute path/);
    expect(problems[1]?.message).toMatch(/is a URL/);
  });

  it('a DOCTYPE in the WSDL is refused and its entity is not expanded', () => {
    const problems = brokenProblems('doctype');
    expect(problems).toEqual([
      { file: join(FIXTURES, 'broken/doctype/service.wsdl'), path: '', line: 2, message: expect.stringMatching(/DOCTYPE is not allowed/) as unknown },
    ]);
  });

  it('a DOCTYPE in an imported XSD is refused too', () => {
    const dir = tmp.make({
      's.wsdl': pingService({ types: '<wsdl:types><xsd:schema targetNamespace="urn:x"><xsd:import namespace="urn:t:types" schemaLocation="t.xsd"/></xsd:schema></wsdl:types>' }),
      't.xsd': '<?xml version="1.0"?>\n<!DOCTYPE schema SYSTEM "http://evil.example/x.dtd">\n<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"/>',
    });
    const problems = problemsOf(() => loadWsdl(join(dir, 's.wsdl'), { root: dir }));
    expect(problems.map((p) => [p.file, p.line])).toEqual([[join(dir, 't.xsd'), 2]]);
  });

  it('a WSDL that is not well-formed is reported with its line', () => {
    const problems = brokenProblems('not-well-formed');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: join(FIXTURES, 'broken/not-well-formed/service.wsdl'), path: '', line: 14 });
    expect(problems[0]?.message).toMatch(/not well-formed XML.*portType/);
  });

  it('a symbolic link leading out of the service directory is refused', () => {
    const outside = tmp.make({ 'secret.xsd': '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"/>' });
    const dir = tmp.make({
      's.wsdl': pingService({ types: '<wsdl:types><xsd:schema targetNamespace="urn:x"><xsd:include schemaLocation="linked.xsd"/></xsd:schema></wsdl:types>' }),
    });
    symlinkSync(join(outside, 'secret.xsd'), join(dir, 'linked.xsd'));
    const problems = problemsOf(() => loadWsdl(join(dir, 's.wsdl'), { root: dir }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/'linked\.xsd' is a link to .*outside the service directory/);
  });

  it('a missing imported file is reported at the import', () => {
    const dir = tmp.make({ 's.wsdl': pingService({ types: '<wsdl:types>\n<xsd:schema targetNamespace="urn:x">\n<xsd:import namespace="urn:y" schemaLocation="gone.xsd"/></xsd:schema></wsdl:types>' }) });
    const problems = problemsOf(() => loadWsdl(join(dir, 's.wsdl'), { root: dir }));
    expect(problems).toEqual([
      { file: join(dir, 's.wsdl'), path: "/definitions/types/schema/import[@schemaLocation='gone.xsd']", line: 7, message: expect.stringMatching(/'gone\.xsd' does not exist/) as unknown },
    ]);
  });

  it('a main WSDL outside its service directory is refused', () => {
    const dir = tmp.make({ 'svc/readme.txt': '', 's.wsdl': pingService() });
    const problems = problemsOf(() => loadWsdl(join(dir, 's.wsdl'), { root: join(dir, 'svc') }));
    expect(problems[0]?.message).toMatch(/must be inside its service directory/);
  });

  it('a schema include that names a WSDL, and a file that is neither WSDL nor XSD, are refused', () => {
    const dir = tmp.make({
      's.wsdl': pingService({
        types: `<wsdl:types><xsd:schema targetNamespace="urn:x"><xsd:include schemaLocation="other.wsdl"/><xsd:import namespace="urn:z" schemaLocation="data.xml"/></xsd:schema></wsdl:types>`,
      }),
      'other.wsdl': '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="urn:o"/>',
      'data.xml': '<data/>',
    });
    const problems = problemsOf(() => loadWsdl(join(dir, 's.wsdl'), { root: dir }));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/expected a WSDL 1\.1 wsdl:definitions or an xsd:schema root element, found \{\}data/),
      expect.stringMatching(/'other\.wsdl' is a WSDL document; a schema import or include must name an XML Schema file/),
    ]);
  });

  it('problems in several files are all listed in one ConfigError', () => {
    const dir = tmp.make({
      's.wsdl': pingService({
        types: '<wsdl:types><xsd:schema targetNamespace="urn:x"><xsd:import namespace="urn:t:types" schemaLocation="t.xsd"/></xsd:schema></wsdl:types>',
        binding: `<wsdl:binding name="B" type="tns:PT">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping">
      <wsdl:input><soap:body use="encoded" namespace="urn:t"/></wsdl:input>
      <wsdl:output><soap:body use="literal" namespace="urn:t"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`,
      }),
      't.xsd': '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n<xsd:element name="a">\n</xsd:schema>',
    });
    const problems = problemsOf(() => loadWsdl(join(dir, 's.wsdl'), { root: dir }));
    expect(problems.map((p) => p.file)).toEqual([join(dir, 't.xsd'), join(dir, 's.wsdl')]);
    expect(problems[1]?.message).toMatch(/SOAP encoding is not supported, only literal/);
  });
});
