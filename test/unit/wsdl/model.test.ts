import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWsdl } from '../../../src/wsdl/load.ts';
import type { WsdlModel, WsdlOperation, WsdlPort } from '../../../src/wsdl/types.ts';
import { FIXTURES, INTEROP_WSDL, TempDirs, pingService, problemsOf, wsdl } from './helpers.ts';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

const fixture = (dir: string, file: string) => loadWsdl(join(FIXTURES, dir, file), { root: join(FIXTURES, dir) });
const brokenProblems = (dir: string) => problemsOf(() => loadWsdl(join(FIXTURES, 'broken', dir, 'service.wsdl'), { root: join(FIXTURES, 'broken', dir) }));
const inline = (text: string) => {
  const dir = tmp.make({ 's.wsdl': text });
  return { file: join(dir, 's.wsdl'), load: () => loadWsdl(join(dir, 's.wsdl'), { root: dir }) };
};
const ports = (model: WsdlModel): WsdlPort[] => model.services.flatMap((s) => [...s.ports]);
const op = (port: WsdlPort | undefined, name: string): WsdlOperation | undefined => port?.operations.find((o) => o.name === name);

describe('model: the interop ClaimsService WSDL (WS-Policy present and ignored)', () => {
  const model = loadWsdl(join(INTEROP_WSDL, 'ClaimsService.wsdl'), { root: INTEROP_WSDL });
  const CLM = 'http://insurer.example/schemas/claims/2019/06';
  const ACTION = 'http://insurer.example/ws/claims/2019/06/ClaimsPortType';

  it('has one SOAP 1.1 and one SOAP 1.2 port with the addresses as written', () => {
    expect(model.services.map((s) => s.name)).toEqual([{ ns: 'http://insurer.example/ws/claims/2019/06', local: 'ClaimsService' }]);
    expect(ports(model).map((p) => [p.name, p.soapVersion, p.binding.local, p.address])).toEqual([
      ['ClaimsSoap11Port', '1.1', 'ClaimsSoap11Binding', 'http://localhost:8080/ClaimsService/soap11'],
      ['ClaimsSoap12Port', '1.2', 'ClaimsSoap12Binding', 'http://localhost:8080/ClaimsService/soap12'],
    ]);
  });

  it.each(['SubmitClaim', 'GetClaimStatus', 'ListPolicies'])('%s: soapAction, wsam:Action and body QNames on both ports', (name) => {
    for (const port of ports(model)) {
      expect(port.operations.map((o) => o.name)).toEqual(['SubmitClaim', 'GetClaimStatus', 'ListPolicies']);
      expect(op(port, name)).toEqual({
        name,
        soapAction: `${ACTION}/${name}Request`,
        style: 'document',
        inputBody: [{ ns: CLM, local: `${name}Request` }],
        outputBody: [{ ns: CLM, local: `${name}Response` }],
        inputAction: `${ACTION}/${name}Request`,
        oneWay: false,
      });
    }
  });
});

describe('model: document/literal wrapped', () => {
  const model = fixture('doclit-wrapped', 'OrderService.wsdl');
  const ORD = 'http://shop.example/schemas/orders/2021';

  it('keeps the SOAP 1.1 and SOAP 1.2 ports and skips the HTTP GET port', () => {
    expect(ports(model).map((p) => [p.name, p.soapVersion])).toEqual([['OrderSoap11Port', '1.1'], ['OrderSoap12Port', '1.2']]);
  });

  it('reads wrapper elements, wsaw:Action, one-way operations and the default document style', () => {
    const soap12 = ports(model)[1];
    expect(op(soap12, 'PlaceOrder')).toEqual({
      name: 'PlaceOrder',
      soapAction: 'urn:PlaceOrder',
      style: 'document',
      inputBody: [{ ns: ORD, local: 'PlaceOrder' }],
      outputBody: [{ ns: ORD, local: 'PlaceOrderResponse' }],
      inputAction: 'http://shop.example/ws/orders/2021/OrderPortType/PlaceOrderRequest',
      oneWay: false,
    });
    expect(op(soap12, 'GetOrder')?.inputAction).toBeUndefined();
    expect(op(soap12, 'CancelOrder')).toMatchObject({ oneWay: true, outputBody: [], inputBody: [{ ns: ORD, local: 'CancelOrder' }] });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.services[0]?.ports)).toBe(true);
    expect(Object.isFrozen(ports(model)[0]?.operations[0])).toBe(true);
  });
});

describe('model: document/literal bare', () => {
  const port = ports(fixture('doclit-bare', 'PaymentService.wsdl'))[0];
  const PAY = 'http://pay.example/schemas/payments';

  it('lists every body part in message order and leaves out the part bound to soap:header', () => {
    expect(op(port, 'Authorize')?.inputBody).toEqual([
      { ns: PAY, local: 'Payment' },
      { ns: PAY, local: 'Card' },
    ]);
  });

  it('resolves a part prefix declared on its message element, and an output element not named after the operation', () => {
    expect(op(port, 'Authorize')?.outputBody).toEqual([{ ns: PAY, local: 'Authorization' }]);
  });

  it('takes only the parts named by soap:body/@parts', () => {
    expect(op(port, 'Refund')?.inputBody).toEqual([{ ns: PAY, local: 'Refund' }]);
  });

  it('allows two operations with one input element when their soapActions differ', () => {
    expect(op(port, 'Capture')?.inputBody).toEqual(op(port, 'Void')?.inputBody);
    expect([op(port, 'Capture')?.soapAction, op(port, 'Void')?.soapAction]).toEqual([
      'http://pay.example/ws/payments/Capture',
      'http://pay.example/ws/payments/Void',
    ]);
  });
});

describe('model: rpc/literal', () => {
  const port = ports(fixture('rpc-literal', 'WeatherService.wsdl'))[0];

  it('names the wrappers {soap:body/@namespace}operation and operation + Response', () => {
    expect(op(port, 'GetForecast')).toEqual({
      name: 'GetForecast',
      soapAction: '',
      style: 'rpc',
      inputBody: [{ ns: 'http://weather.example/rpc', local: 'GetForecast' }],
      outputBody: [{ ns: 'http://weather.example/rpc/out', local: 'GetForecastResponse' }],
      oneWay: false,
    });
    expect(op(port, 'Ping')?.inputBody).toEqual([{ ns: 'http://weather.example/rpc', local: 'Ping' }]);
  });

  it("lets soap:operation/@style override the binding's style", () => {
    expect(op(port, 'GetStations')).toMatchObject({
      style: 'document',
      inputBody: [{ ns: 'http://weather.example/types', local: 'ListStations' }],
      outputBody: [{ ns: 'http://weather.example/types', local: 'StationList' }],
    });
  });
});

describe('model: WSDLs the gateway cannot serve', () => {
  it('a message the portType names but nobody defines is reported at the portType input', () => {
    expect(brokenProblems('missing-message')).toEqual([
      {
        file: join(FIXTURES, 'broken/missing-message/service.wsdl'),
        path: "/definitions/portType[@name='BrokenPortType']/operation[@name='Ping']/input",
        line: 11,
        message: expect.stringMatching(/message="tns:PingRequest" names wsdl:message \{urn:broken\}PingRequest, which is not defined/) as unknown,
      },
    ]);
  });

  it('use="encoded" is refused: literal only (WS-I BP R2706)', () => {
    expect(brokenProblems('encoded-use')).toEqual([
      expect.objectContaining({
        path: "/definitions/binding[@name='BrokenBinding']/operation[@name='Ping']/input/body",
        line: 21,
        message: expect.stringMatching(/SOAP encoding is not supported, only literal/) as unknown,
      }),
    ]);
  });

  it('two problems in one file are both reported', () => {
    const problems = brokenProblems('two-problems');
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["/definitions/message[@name='PingIn']/part[@name='p']", 8],
      ["/definitions/binding[@name='BrokenBinding']/operation[@name='Pong']", 23],
    ]);
    expect(problems[0]?.message).toMatch(/part 'p' uses type=; a document\/literal message part needs element=/);
    expect(problems[1]?.message).toMatch(/the binding has operation 'Pong' but portType \{urn:broken\}BrokenPortType does not/);
  });

  it('two operations with one input element and empty soapActions cannot be dispatched', () => {
    const problems = brokenProblems('ambiguous-dispatch');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe("/definitions/binding[@name='BrokenBinding']/operation[@name='UpdateOrder']");
    expect(problems[0]?.message).toMatch(/operations 'CreateOrder' and 'UpdateOrder' both take \{urn:broken:types\}Order/);
  });

  it('two operations with one input element and the same soapAction cannot be dispatched', () => {
    const t = inline(
      pingService({
        portType: `<wsdl:portType name="PT">
    <wsdl:operation name="Ping"><wsdl:input message="tns:PingIn"/><wsdl:output message="tns:PingOut"/></wsdl:operation>
    <wsdl:operation name="Ping2"><wsdl:input message="tns:PingIn"/><wsdl:output message="tns:PingOut"/></wsdl:operation>
  </wsdl:portType>`,
        binding: `<wsdl:binding name="B" type="tns:PT">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping"><soap:operation soapAction="urn:same"/><wsdl:input><soap:body/></wsdl:input><wsdl:output><soap:body/></wsdl:output></wsdl:operation>
    <wsdl:operation name="Ping2"><soap:operation soapAction="urn:same"/><wsdl:input><soap:body/></wsdl:input><wsdl:output><soap:body/></wsdl:output></wsdl:operation>
  </wsdl:binding>`,
      }),
    );
    expect(problemsOf(t.load).map((p) => p.message)).toEqual([expect.stringMatching(/'Ping' and 'Ping2' both take \{urn:t:types\}Ping/)]);
  });

  it('a port whose binding is neither SOAP 1.1 nor 1.2 is refused', () => {
    expect(brokenProblems('non-soap-binding')).toEqual([
      expect.objectContaining({ path: "/definitions/binding[@name='BrokenBinding']", line: 16, message: expect.stringMatching(/neither SOAP 1\.1.*nor SOAP 1\.2/) as unknown }),
    ]);
  });

  it('a port naming an undefined binding, and a prefix that is not declared, are refused', () => {
    const t = inline(
      pingService({
        service: `<wsdl:service name="S">
    <wsdl:port name="P" binding="tns:Nope"><soap:address location="http://x/"/></wsdl:port>
    <wsdl:port name="Q" binding="zz:B"><soap:address location="http://x/"/></wsdl:port>
  </wsdl:service>`,
      }),
    );
    expect(problemsOf(t.load).map((p) => [p.path, p.message])).toEqual([
      ["/definitions/service[@name='S']/port[@name='P']", expect.stringMatching(/binding="tns:Nope" names wsdl:binding \{urn:t\}Nope, which is not defined/)],
      ["/definitions/service[@name='S']/port[@name='Q']", expect.stringMatching(/prefix 'zz' of 'zz:B' is not declared/)],
    ]);
  });

  it('a portType operation left out of the binding is refused (WS-I BP R2718)', () => {
    const t = inline(
      pingService({
        portType: `<wsdl:portType name="PT">
    <wsdl:operation name="Ping"><wsdl:input message="tns:PingIn"/><wsdl:output message="tns:PingOut"/></wsdl:operation>
    <wsdl:operation name="Unbound"><wsdl:input message="tns:PingIn"/></wsdl:operation>
  </wsdl:portType>`,
      }),
    );
    expect(problemsOf(t.load).map((p) => p.message)).toEqual([expect.stringMatching(/operation 'Unbound' of the portType .* is not bound.*R2718/)]);
  });

  it('an rpc/literal soap:body without namespace is refused (WS-I BP R2717)', () => {
    const t = inline(
      pingService({
        binding: `<wsdl:binding name="B" type="tns:PT">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping">
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal" namespace="urn:t"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`,
      }),
    );
    expect(problemsOf(t.load)).toEqual([
      expect.objectContaining({ path: "/definitions/binding[@name='B']/operation[@name='Ping']/input/body", message: expect.stringMatching(/needs a namespace attribute.*R2717/) as unknown }),
    ]);
  });

  it('a notification operation (output only) is refused (WS-I BP R2303)', () => {
    const t = inline(
      pingService({
        portType: `<wsdl:portType name="PT">
    <wsdl:operation name="Ping"><wsdl:output message="tns:PingOut"/></wsdl:operation>
  </wsdl:portType>`,
        binding: `<wsdl:binding name="B" type="tns:PT">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping"><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>`,
      }),
    );
    expect(problemsOf(t.load).map((p) => p.message)).toEqual([expect.stringMatching(/notification or solicit-response.*R2303/)]);
  });

  it('a soap:body/@parts naming a missing part, and a soap:header naming a missing part, are refused', () => {
    const t = inline(
      pingService({
        binding: `<wsdl:binding name="B" type="tns:PT">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping">
      <wsdl:input><soap:header message="tns:PingIn" part="auth" use="literal"/><soap:body parts="p q" use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`,
      }),
    );
    expect(problemsOf(t.load).map((p) => p.message)).toEqual([
      "message {urn:t}PingIn has no part 'auth'",
      "parts lists 'q' but message {urn:t}PingIn has no such part",
    ]);
  });

  it('a definition repeated across an imported WSDL of the same namespace is refused', () => {
    const dir = tmp.make({
      's.wsdl': pingService({ types: '<wsdl:import namespace="urn:t" location="more.wsdl"/>' }),
      'more.wsdl': wsdl('<wsdl:message name="PingIn"><wsdl:part name="p" element="el:Other"/></wsdl:message>'),
    });
    const problems = problemsOf(() => loadWsdl(join(dir, 's.wsdl'), { root: dir }));
    expect(problems).toEqual([
      expect.objectContaining({ file: join(dir, 'more.wsdl'), message: expect.stringMatching(/wsdl:message \{urn:t\}PingIn is defined twice \(first at .*s\.wsdl:\d+\)/) as unknown }),
    ]);
  });

  it('a SOAP binding over a non-HTTP transport is refused (WS-I BP R2702)', () => {
    const t = inline(pingService().replace('transport="http://schemas.xmlsoap.org/soap/http"', 'transport="http://www.w3.org/2010/soapjms/"'));
    expect(problemsOf(t.load).map((p) => p.message)).toEqual([expect.stringMatching(/is not SOAP over HTTP/)]);
  });

  it('a SOAP port without an address is refused', () => {
    const t = inline(pingService({ service: '<wsdl:service name="S"><wsdl:port name="P" binding="tns:B"/></wsdl:service>' }));
    expect(problemsOf(t.load).map((p) => p.message)).toEqual([expect.stringMatching(/the port has no soap:address location/)]);
  });
});
