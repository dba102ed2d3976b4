import { join } from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWsdl } from '../../../src/wsdl/load.ts';
import { publishDocument } from '../../../src/wsdl/publish.ts';
import type { WsdlModel } from '../../../src/wsdl/types.ts';
import { FIXTURES, TempDirs, pingService } from './helpers.ts';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

const fixture = (dir: string, file: string) => loadWsdl(join(FIXTURES, dir, file), { root: join(FIXTURES, dir) });
const serialize = (model: WsdlModel) => model.documents.map((d) => new XMLSerializer().serializeToString(d.doc));
const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SELF = 'https://gw.example/orders';

describe('publishDocument', () => {
  const orders = fixture('doclit-wrapped', 'OrderService.wsdl');
  const exposed = new Map([['OrderSoap11Port', 'https://gw.example/orders/soap11']]);

  it('gives exposed ports the gateway address and removes the others: the backend address never leaks', () => {
    const out = publishDocument(orders, 'wsdl', 0, { selfUrl: SELF, portAddresses: exposed }) ?? '';
    const ports = Array.from(parse(out).getElementsByTagNameNS(WSDL, 'port'));
    expect(ports.map((p) => p.getAttribute('name'))).toEqual(['OrderSoap11Port']);
    expect(out).toContain('<soap:address location="https://gw.example/orders/soap11"/>');
    expect(out).not.toContain('orders-backend.internal');
  });

  it('points xsd:import and xsd:include at ?xsd=N', () => {
    const wsdl = publishDocument(orders, 'wsdl', 0, { selfUrl: SELF, portAddresses: exposed }) ?? '';
    expect(wsdl).toContain(`schemaLocation="${SELF}?xsd=0"`);
    const xsd = publishDocument(orders, 'xsd', 0, { selfUrl: SELF, portAddresses: exposed }) ?? '';
    expect(xsd).toContain(`<xs:include schemaLocation="${SELF}?xsd=1"/>`);
    expect(xsd).not.toContain('common-types.xsd');
  });

  it('points wsdl:import at ?wsdl=N and the imported WSDL\'s schema import at ?xsd=N', () => {
    const split = fixture('split-import', 'StockQuoteService.wsdl');
    const opts = { selfUrl: 'https://gw/q', portAddresses: new Map([['StockQuotePort', 'https://gw/q']]) };
    const main = publishDocument(split, 'wsdl', 0, opts) ?? '';
    expect(main).toContain('<wsdl:import namespace="http://stock.example/interface" location="https://gw/q?wsdl=1"/>');
    expect(main).not.toContain('StockQuoteSoap12Port');
    const abstract = publishDocument(split, 'wsdl', 1, opts) ?? '';
    expect(abstract).toContain('schemaLocation="https://gw/q?xsd=0"');
  });

  it('rewrites every spelling of one file, and cyclic imports, to the same index', () => {
    const echo = fixture('cyclic-imports', 'Echo.wsdl');
    const opts = { selfUrl: 'https://gw/echo', portAddresses: new Map([['EchoPort', 'https://gw/echo']]) };
    const main = publishDocument(echo, 'wsdl', 0, opts) ?? '';
    expect(main.match(/schemaLocation="https:\/\/gw\/echo\?xsd=0"/g)).toHaveLength(2);
    expect(main).toContain('<xsd:import namespace="http://www.w3.org/XML/1998/namespace"/>');
    expect(publishDocument(echo, 'wsdl', 1, opts)).toContain('location="https://gw/echo?wsdl=0"');
    expect(publishDocument(echo, 'xsd', 1, opts)).toContain('schemaLocation="https://gw/echo?xsd=0"');
  });

  it('leaves the model untouched', () => {
    const before = serialize(orders);
    publishDocument(orders, 'wsdl', 0, { selfUrl: SELF, portAddresses: exposed });
    publishDocument(orders, 'xsd', 0, { selfUrl: SELF, portAddresses: new Map() });
    expect(serialize(orders)).toEqual(before);
    expect(before[0]).toContain('http://orders-backend.internal:8080/orders/soap12');
    expect(orders.services[0]?.ports[0]?.address).toBe('http://orders-backend.internal:8080/orders/soap11');
  });

  it('keeps the rest of the document as written', () => {
    const out = publishDocument(orders, 'wsdl', 0, { selfUrl: SELF, portAddresses: exposed }) ?? '';
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- Order intake')).toBe(true);
    expect(out).toContain('<documentation>Places an order; answers with the order number.</documentation>');
    expect(out).toContain('wsaw:Action="http://shop.example/ws/orders/2021/OrderPortType/PlaceOrderRequest"');
  });

  it('answers undefined for an index or kind the model does not have', () => {
    const opts = { selfUrl: SELF, portAddresses: exposed };
    expect(publishDocument(orders, 'wsdl', 1, opts)).toBeUndefined();
    expect(publishDocument(orders, 'xsd', 2, opts)).toBeUndefined();
    expect(publishDocument(orders, 'xsd', -1, opts)).toBeUndefined();
  });

  it("also replaces a WCF wsa:EndpointReference address and declares UTF-8 for a file that wasn't", () => {
    const text = pingService({
      service: `<wsdl:service name="S">
    <wsdl:port name="P" binding="tns:B">
      <soap:address location="http://backend.internal/ping"/>
      <wsa10:EndpointReference xmlns:wsa10="http://www.w3.org/2005/08/addressing"><wsa10:Address>http://backend.internal/ping</wsa10:Address></wsa10:EndpointReference>
    </wsdl:port>
  </wsdl:service>`,
    }).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    const dir = tmp.make({ 's.wsdl': Buffer.from(text, 'latin1') });
    const model = loadWsdl(join(dir, 's.wsdl'), { root: dir });
    const out = publishDocument(model, 'wsdl', 0, { selfUrl: 'https://gw/ping', portAddresses: new Map([['P', 'https://gw/ping']]) }) ?? '';
    expect(out).not.toContain('backend.internal');
    expect(out).toContain('<wsa10:Address>https://gw/ping</wsa10:Address>');
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });
});
