import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../../src/config/problems.ts';
import type { ServiceConfig, ValidationConfig } from '../../../src/config/types.ts';
import { compileServiceValidation } from '../../../src/validation/service.ts';
import { loadWsdl } from '../../../src/wsdl/load.ts';
import { defaultXmlLimits } from '../../../src/xml/parse.ts';
import { noSecurity } from '../../support/ports.ts';
import { pingService, TempDirs } from '../wsdl/helpers.ts';

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const types = `<wsdl:types><xsd:schema targetNamespace="urn:t:types" elementFormDefault="qualified">
  <xsd:element name="Ping" type="xsd:int"/><xsd:element name="PingResponse" type="xsd:string"/>
</xsd:schema></wsdl:types>`;

const rpcBinding = `  <wsdl:binding name="B" type="tns:PT">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping">
      <soap:operation soapAction="urn:Ping"/>
      <wsdl:input><soap:body use="literal" namespace="urn:t:rpc"/></wsdl:input>
      <wsdl:output><soap:body use="literal" namespace="urn:t:rpc"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`;
const rpcMessages = `  <wsdl:message name="PingIn"><wsdl:part name="n" type="xsd:int"/></wsdl:message>
  <wsdl:message name="PingOut"><wsdl:part name="s" type="xsd:string"/></wsdl:message>`;

function setup(wsdlText: string, validation: Partial<ValidationConfig> | undefined): { problems: ConfigProblem[]; result: ReturnType<typeof compileServiceValidation>; dir: string } {
  const dir = temp.make({ 'svc.wsdl': wsdlText });
  const wsdl = loadWsdl(join(dir, 'svc.wsdl'), { root: dir });
  const config: ServiceConfig = {
    file: join(dir, 'service.yaml'),
    dir,
    name: 'svc',
    wsdl: join(dir, 'svc.wsdl'),
    ports: [{ wsdlPort: 'P', path: '/p' }],
    backend: { type: 'soap', url: 'http://127.0.0.1:1/', connectTimeoutMs: 1000, responseTimeoutMs: 1000, maxResponseBytes: 1 << 20, connections: 1, dropHeaders: [] },
    limits: { maxBodyBytes: 1 << 20, ...defaultXmlLimits },
    passThroughHeaders: [],
    roles: [],
    security: noSecurity,
    audit: { mode: 'off', capture: { request: false, response: false, maxBytes: 65536, redact: { namespaces: {}, xml: [], json: [] } } },
    ...(validation !== undefined ? { validation: { request: 'off', response: 'off', maxViolations: 5, operations: {}, ...validation } } : {}),
  };
  const problems: ConfigProblem[] = [];
  const result = compileServiceValidation(config, wsdl, wsdl.services.flatMap((s) => s.ports.flatMap((p) => p.operations)), problems);
  return { problems, result, dir };
}

describe('per-service validation settings at start-up', () => {
  it('resolves per-operation modes over the service-wide ones', () => {
    const { problems, result } = setup(pingService({ types }), { request: 'report-only', operations: { Ping: { request: 'on', response: 'report-only' } } });
    expect(problems).toEqual([]);
    expect(result?.operations.get('Ping')).toEqual({ request: 'on', response: 'report-only' });
  });

  it('everything off compiles nothing (a schema libxml2 could not compile does not matter then)', () => {
    const broken = `<wsdl:types><xsd:schema targetNamespace="urn:t:types"><xsd:element name="Ping" type="xsd:nothing"/></xsd:schema></wsdl:types>`;
    const { problems, result } = setup(pingService({ types: broken }), { request: 'off' });
    expect(problems).toEqual([]);
    expect(result).toBeUndefined();
  });

  it('an operation name no port offers is a problem at /validation/operations/<name>', () => {
    const { problems } = setup(pingService({ types }), { operations: { Pong: { request: 'on' } } });
    expect(problems).toEqual([expect.objectContaining({ path: '/validation/operations/Pong', message: expect.stringContaining('(operations: Ping)') as string })]);
  });

  it('validation asked of an rpc/literal operation stops start-up (its wrapper is not declared by a schema)', () => {
    const { problems, result } = setup(pingService({ types, messages: rpcMessages, binding: rpcBinding }), { request: 'on' });
    expect(result).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ path: '/validation/request', message: expect.stringContaining("operation 'Ping' is rpc/literal") as string })]);
  });

  it('an rpc/literal operation turned off explicitly is fine', () => {
    const { problems, result } = setup(pingService({ types, messages: rpcMessages, binding: rpcBinding }), { request: 'on', operations: { Ping: { request: 'off' } } });
    expect(problems).toEqual([]);
    expect(result).toBeUndefined();
  });

  it('an operation element that no schema declares is a problem (every message would be refused)', () => {
    const only = `<wsdl:types><xsd:schema targetNamespace="urn:t:types"><xsd:element name="PingResponse" type="xsd:string"/></xsd:schema></wsdl:types>`;
    const { problems } = setup(pingService({ types: only }), { request: 'on' });
    expect(problems).toEqual([expect.objectContaining({ message: expect.stringContaining("the input of operation 'Ping' is element {urn:t:types}Ping") as string })]);
  });

  it('a WSDL without schemas cannot be validated', () => {
    const { problems } = setup(pingService({ types: '' }), { request: 'on' });
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('the WSDL has no XML Schema')]);
  });

  it('one-way operations ignore response validation', () => {
    const oneWay = pingService({
      types,
      portType: '  <wsdl:portType name="PT"><wsdl:operation name="Ping"><wsdl:input message="tns:PingIn"/></wsdl:operation></wsdl:portType>',
      binding: `  <wsdl:binding name="B" type="tns:PT"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping"><soap:operation soapAction="urn:Ping"/><wsdl:input><soap:body use="literal"/></wsdl:input></wsdl:operation></wsdl:binding>`,
    });
    const { problems, result } = setup(oneWay, { response: 'on' });
    expect(problems).toEqual([]);
    expect(result).toBeUndefined();
  });
});
