/**
 * wsdl/policy-admin (WSDL, XSDs, service.yaml, samples) and wsdl/gateway.yaml agree with each
 * other and with what the example backend assumes (src/example/contract.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { prepareGateway } from '../../../src/bootstrap.ts';
import { BACKEND_PATHS, DEMO_GATEWAY_FILE, GATEWAY_PATHS, OPERATIONS, POLICY_ADMIN_DIR, SAMPLES_DIR } from '../../../src/example/contract.ts';

const NS = {
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  soap: 'http://schemas.xmlsoap.org/wsdl/soap/',
  soap12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  wsam: 'http://www.w3.org/2007/05/addressing/metadata',
  pa: 'http://insurer.example/schemas/policyadmin/2021/03',
  env11: 'http://schemas.xmlsoap.org/soap/envelope/',
  env12: 'http://www.w3.org/2003/05/soap-envelope',
} as const;

function load(path: string): { text: string; doc: Document } {
  const text = readFileSync(path, 'utf8');
  const doc = new DOMParser({ onError: (level, msg) => { throw new Error(`${path}: ${level} ${msg}`); } }).parseFromString(text, 'text/xml');
  return { text, doc };
}
const all = (node: Document | Element, ns: string, local: string): Element[] => Array.from(node.getElementsByTagNameNS(ns, local));
const children = (node: Element, ns: string, local: string): Element[] =>
  Array.from(node.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local);
const named = (els: Element[], name: string): Element => {
  const found = els.find((e) => e.getAttribute('name') === name);
  if (found === undefined) throw new Error(`nothing named ${name}`);
  return found;
};

const wsdl = load(join(POLICY_ADMIN_DIR, 'PolicyAdministration.wsdl'));
const xsd = load(join(POLICY_ADMIN_DIR, 'PolicyAdministration.xsd'));
const common = load(join(POLICY_ADMIN_DIR, 'Common.xsd'));

describe('PolicyAdministration WSDL and schemas', () => {
  it('have no DOCTYPE and pull the schemas by xsd:import and xsd:include', () => {
    for (const f of [wsdl, xsd, common]) expect(f.text).not.toMatch(/<!DOCTYPE/i);
    const imports = all(wsdl.doc, NS.xsd, 'import');
    expect(imports.map((i) => [i.getAttribute('namespace'), i.getAttribute('schemaLocation')])).toEqual([[NS.pa, 'PolicyAdministration.xsd']]);
    expect(all(xsd.doc, NS.xsd, 'include').map((i) => i.getAttribute('schemaLocation'))).toEqual(['Common.xsd']);
    expect(common.doc.documentElement?.getAttribute('targetNamespace')).toBe(NS.pa);
  });

  it('declare a request and response element per operation and the PolicyFault', () => {
    const elements = children(xsd.doc.documentElement as Element, NS.xsd, 'element').map((e) => e.getAttribute('name'));
    for (const op of OPERATIONS) expect(elements).toEqual(expect.arrayContaining([op.inputElement, op.outputElement]));
    expect(elements).toContain('PolicyFault');
  });

  it('portType: wsam:Action on input and output, PolicyFault on every operation', () => {
    const portType = all(wsdl.doc, NS.wsdl, 'portType');
    expect(portType).toHaveLength(1);
    for (const op of OPERATIONS) {
      const o = named(children(portType[0] as Element, NS.wsdl, 'operation'), op.name);
      expect(children(o, NS.wsdl, 'input')[0]?.getAttributeNS(NS.wsam, 'Action')).toBe(op.action);
      expect(children(o, NS.wsdl, 'output')[0]?.getAttributeNS(NS.wsam, 'Action')).toBe(op.responseAction);
      expect(children(o, NS.wsdl, 'fault')[0]?.getAttribute('message')).toBe('tns:PolicyFault');
    }
  });

  it.each([['1.1', NS.soap, 'PolicyAdministrationSoap11'], ['1.2', NS.soap12, 'PolicyAdministrationSoap12']] as const)(
    'SOAP %s binding, soapAction per operation, port address at the backend',
    (version, bindingNs, portName) => {
      const port = named(all(wsdl.doc, NS.wsdl, 'port'), portName);
      expect(children(port, bindingNs, 'address')[0]?.getAttribute('location')).toBe(`http://127.0.0.1:8081${BACKEND_PATHS[version]}`);
      const bindingName = (port.getAttribute('binding') ?? '').replace(/^tns:/, '');
      const binding = named(all(wsdl.doc, NS.wsdl, 'binding'), bindingName);
      expect(children(binding, bindingNs, 'binding')[0]?.getAttribute('style')).toBe('document');
      for (const op of OPERATIONS) {
        const o = named(children(binding, NS.wsdl, 'operation'), op.name);
        expect(children(o, bindingNs, 'operation')[0]?.getAttribute('soapAction')).toBe(op.action);
        expect(all(o, bindingNs, 'body').every((b) => b.getAttribute('use') === 'literal')).toBe(true);
      }
    },
  );
});

describe('service.yaml and gateway.yaml', () => {
  const service = parseYaml(readFileSync(join(POLICY_ADMIN_DIR, 'service.yaml'), 'utf8')) as Record<string, unknown>;
  const gateway = parseYaml(readFileSync(DEMO_GATEWAY_FILE, 'utf8')) as Record<string, unknown>;

  it('service.yaml exposes both WSDL ports at the gateway paths and forwards to the backend', () => {
    expect(service).toEqual({
      name: 'policy-admin',
      wsdl: 'PolicyAdministration.wsdl',
      ports: [
        { wsdlPort: 'PolicyAdministrationSoap11', path: GATEWAY_PATHS['1.1'], backendUrl: `http://127.0.0.1:8081${BACKEND_PATHS['1.1']}` },
        { wsdlPort: 'PolicyAdministrationSoap12', path: GATEWAY_PATHS['1.2'], backendUrl: `http://127.0.0.1:8081${BACKEND_PATHS['1.2']}` },
      ],
      backend: { type: 'soap', url: `http://127.0.0.1:8081${BACKEND_PATHS['1.1']}`, connectTimeoutMs: 2000, responseTimeoutMs: 15000 },
      limits: { maxBodyBytes: 1048576 },
      security: {
        mode: 'enforce',
        trust: { anchors: ['../../certs/demo-ca.pem'] },
      },
    });
  });

  it("the gateway's own loader accepts the demo configuration; at most TEST-ONLY warnings about the demo CA", () => {
    const prepared = prepareGateway(DEMO_GATEWAY_FILE, {});
    // The trust anchor is the public demo CA (certs/ is marked TEST-ONLY): warning about it is intended.
    expect(prepared.warnings.filter((w) => w.code !== 'test-only-material')).toEqual([]);
    for (const w of prepared.warnings) expect(w.message).toContain(join('certs', 'demo-ca.pem'));
    expect(prepared.services[0]?.config.security.mode).toBe('enforce');
    const ports = prepared.services.flatMap((s) => s.ports.map((p) => [s.name, p.path, p.version, p.backendUrl.href, p.operations.length]));
    expect(ports).toEqual([
      ['policy-admin', GATEWAY_PATHS['1.1'], '1.1', `http://127.0.0.1:8081${BACKEND_PATHS['1.1']}`, 4],
      ['policy-admin', GATEWAY_PATHS['1.2'], '1.2', `http://127.0.0.1:8081${BACKEND_PATHS['1.2']}`, 4],
    ]);
  });

  it('gateway.yaml is the demo gateway', () => {
    expect(gateway).toEqual({
      listen: { host: '127.0.0.1', port: 8080 },
      admin: { enabled: true, host: '127.0.0.1', port: 9090 },
      services: ['policy-admin'],
      logging: { level: 'info' },
      audit: { sink: 'file', dir: '../var/audit' },
    });
  });
});

describe('samples', () => {
  const files = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.xml'));

  it('cover every operation in both SOAP versions, plus the unknown-policy faults', () => {
    const expected = OPERATIONS.flatMap((op) => [`${op.name}.soap11.xml`, `${op.name}.soap12.xml`]);
    expect(files.sort()).toEqual([...expected, 'GetPolicy.unknown-policy.soap11.xml', 'GetPolicy.unknown-policy.soap12.xml'].sort());
    for (const f of files) expect(existsSync(join(SAMPLES_DIR, f))).toBe(true);
  });

  it.each(readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.xml')))('%s: envelope of its version, operation element, no comments', (file) => {
    const { text, doc } = load(join(SAMPLES_DIR, file));
    expect(text).not.toContain('<!--');
    const root = doc.documentElement as Element;
    expect(root.localName).toBe('Envelope');
    expect(root.namespaceURI).toBe(file.includes('.soap11.') ? NS.env11 : NS.env12);
    const body = children(root, root.namespaceURI ?? '', 'Body')[0] as Element;
    const first = Array.from(body.childNodes).find((n): n is Element => n.nodeType === 1);
    expect(first?.namespaceURI).toBe(NS.pa);
    expect(first?.localName).toBe(file.split('.')[0]);
  });
});
