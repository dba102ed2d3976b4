/**
 * The orders service the anchors' messages are addressed to (bench/fixtures/anchors): a WSDL with
 * one document/literal SubmitOrder operation, its XSD, a stub backend answer, and a compiler that
 * builds it with the gateway's own start-up code. Shared by bench/validate.ts and
 * bench/verify-checks.ts. BENCH-ONLY.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { BackendAdapter } from '../src/backends/types.ts';
import { prepareGateway } from '../src/bootstrap.ts';
import { MemoryReplayCache } from '../src/security/replay/index.ts';
import type { ReplayCache } from '../src/security/replay/types.ts';
import type { CompiledService } from '../src/service/compiled.ts';

export const ORD = 'urn:example:orders:v1';
export const ACTION = `${ORD}/SubmitOrder`;
export const XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ord="${ORD}" targetNamespace="${ORD}" elementFormDefault="qualified">
  <xsd:simpleType name="Sku"><xsd:restriction base="xsd:string"><xsd:pattern value="SKU-[0-9]{6}"/></xsd:restriction></xsd:simpleType>
  <xsd:complexType name="Money"><xsd:simpleContent><xsd:extension base="xsd:decimal"><xsd:attribute name="currency" use="required"><xsd:simpleType><xsd:restriction base="xsd:string"><xsd:pattern value="[A-Z]{3}"/></xsd:restriction></xsd:simpleType></xsd:attribute></xsd:extension></xsd:simpleContent></xsd:complexType>
  <xsd:complexType name="Line"><xsd:sequence>
    <xsd:element name="Sku" type="ord:Sku"/><xsd:element name="Qty" type="xsd:positiveInteger"/><xsd:element name="Price" type="ord:Money"/><xsd:element name="Description" type="xsd:string"/>
  </xsd:sequence><xsd:attribute name="no" type="xsd:positiveInteger" use="required"/></xsd:complexType>
  <xsd:element name="SubmitOrder"><xsd:complexType><xsd:sequence>
    <xsd:element name="OrderId"><xsd:simpleType><xsd:restriction base="xsd:string"><xsd:pattern value="ORD-[0-9]{8}"/></xsd:restriction></xsd:simpleType></xsd:element>
    <xsd:element name="Customer"><xsd:complexType><xsd:sequence><xsd:element name="Name" type="xsd:string"/><xsd:element name="Country"><xsd:simpleType><xsd:restriction base="xsd:string"><xsd:pattern value="[A-Z]{2}"/></xsd:restriction></xsd:simpleType></xsd:element></xsd:sequence><xsd:attribute name="id" type="xsd:string" use="required"/></xsd:complexType></xsd:element>
    <xsd:element name="Lines"><xsd:complexType><xsd:sequence><xsd:element name="Line" type="ord:Line" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
  <xsd:element name="SubmitOrderResponse"><xsd:complexType><xsd:sequence><xsd:element name="OrderId" type="xsd:string"/><xsd:element name="Accepted" type="xsd:boolean"/><xsd:element name="Total" type="ord:Money"/></xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>
`;
export const WSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="urn:example:orders:wsdl" xmlns:ord="${ORD}" targetNamespace="urn:example:orders:wsdl">
  <wsdl:types><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:orders:types"><xsd:import namespace="${ORD}" schemaLocation="orders.xsd"/></xsd:schema></wsdl:types>
  <wsdl:message name="In"><wsdl:part name="p" element="ord:SubmitOrder"/></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="p" element="ord:SubmitOrderResponse"/></wsdl:message>
  <wsdl:portType name="Orders"><wsdl:operation name="SubmitOrder"><wsdl:input message="tns:In"/><wsdl:output message="tns:Out"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="OrdersSoap11" type="tns:Orders"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="SubmitOrder"><soap:operation soapAction="${ACTION}"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Orders"><wsdl:port name="OrdersSoap11" binding="tns:OrdersSoap11"><soap:address location="http://127.0.0.1:1/orders"/></wsdl:port></wsdl:service>
</wsdl:definitions>
`;
export const RESPONSE = Buffer.from(
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ord:SubmitOrderResponse xmlns:ord="${ORD}"><ord:OrderId>ORD-00001000</ord:OrderId><ord:Accepted>true</ord:Accepted><ord:Total currency="EUR">1528.20</ord:Total></ord:SubmitOrderResponse></soapenv:Body></soapenv:Envelope>`,
);

/** A backend that answers every request at once with RESPONSE. */
export const stubBackend: BackendAdapter = {
  forward: () => Promise.resolve({ status: 200, contentType: 'text/xml; charset=utf-8', body: RESPONSE, durationMs: 0 }),
  close: () => Promise.resolve(),
};

/** The orders service compiled by the gateway's start-up code, with `security` and `validation` sections as given. */
export function compileOrders(security: Record<string, unknown>, validation: Record<string, unknown> | undefined): CompiledService {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-bench-orders-'));
  try {
    const svc = join(dir, 'orders');
    mkdirSync(svc);
    writeFileSync(join(svc, 'orders.wsdl'), WSDL);
    writeFileSync(join(svc, 'orders.xsd'), XSD);
    writeFileSync(
      join(svc, 'service.yaml'),
      stringify({
        name: 'orders',
        wsdl: 'orders.wsdl',
        ports: [{ wsdlPort: 'OrdersSoap11', path: '/orders' }],
        backend: { type: 'soap', url: 'http://127.0.0.1:1/orders' },
        audit: { mode: 'off' },
        security,
        ...(validation !== undefined ? { validation } : {}),
      }),
    );
    writeFileSync(join(dir, 'gateway.yaml'), stringify({ listen: { host: '127.0.0.1', port: 0 }, services: ['orders'], audit: { sink: 'off' } }));
    const service = prepareGateway(join(dir, 'gateway.yaml'), {}).services[0];
    if (service === undefined) throw new Error('no service');
    return service;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** BENCH-ONLY: the same signed message again and again, so the replay memory is dropped before each one (its lookup + insert still run). */
export class FreshReplayCache implements ReplayCache {
  #cache = new MemoryReplayCache({ maxEntries: 1000 });
  reset(): void {
    this.#cache = new MemoryReplayCache({ maxEntries: 1000 });
  }
  checkAndRemember(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.#cache.checkAndRemember(key, expiresAt, now);
  }
  close(): Promise<void> {
    return this.#cache.close();
  }
}
