import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import type { ConfigProblem } from '../../../src/config/problems.ts';
import type { SecurityRequirements } from '../../../src/config/types.ts';
import type { MessageView } from '../../../src/policy/message-view.ts';
import type { MappedAlternative } from '../../../src/policy/wspolicy/map-alternative.ts';
import { mapAlternative } from '../../../src/policy/wspolicy/map-alternative.ts';
import { normalize } from '../../../src/policy/wspolicy/normalize.ts';
import type { NormalAlternative } from '../../../src/policy/wspolicy/normalize.ts';
import { PolicyProblems } from '../../../src/policy/wspolicy/problems.ts';
import { PolicyReader } from '../../../src/policy/wspolicy/read.ts';
import { WsdlPolicyImporter } from '../../../src/policy/wspolicy/import.ts';
import type { ImportedOperation } from '../../../src/policy/wspolicy/import.ts';
import type { SecurityFacts } from '../../../src/security/types.ts';
import { readEnvelope } from '../../../src/soap/envelope.ts';
import { loadWsdl } from '../../../src/wsdl/load.ts';

export const WSP15 = 'http://www.w3.org/ns/ws-policy';
export const WSP12 = 'http://schemas.xmlsoap.org/ws/2004/09/policy';
export const SP12 = 'http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702';
export const SP11 = 'http://schemas.xmlsoap.org/ws/2005/07/securitypolicy';
export const SP13 = 'http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200802';
export const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

/** A wsp:Policy element around `body`, with the usual prefixes declared (wsp = `wsp` namespace, sp = `sp` namespace). */
export function policyXml(body: string, ns: { wsp?: string; sp?: string } = {}): string {
  return `<wsp:Policy xmlns:wsp="${ns.wsp ?? WSP15}" xmlns:sp="${ns.sp ?? SP12}" xmlns:sp13="${SP13}" xmlns:wsu="${WSU}" xmlns:x="urn:example:other">${body}</wsp:Policy>`;
}

export interface Mapped {
  readonly alternatives: NormalAlternative[];
  readonly mapped: MappedAlternative[];
  readonly problems: readonly ConfigProblem[];
}

/** Reads, normalises and maps one policy document, as the importer does for one attachment. */
export function mapPolicy(xml: string): Mapped {
  const doc: Document = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement as Element;
  const problems = new PolicyProblems(new Map([[doc, '/virtual/policy.xml']]));
  const subject = { el: root, binding: 'TestBinding', operation: 'Op' };
  const alternatives = normalize(new PolicyReader(problems).policy(root, subject), subject);
  const mapped = alternatives.map((a) => mapAlternative(a, problems));
  return { alternatives, mapped, problems: problems.list() };
}

/** The requirements of the one alternative a policy maps to (fails when it does not map cleanly). */
export function onlyRequirements(xml: string): SecurityRequirements {
  const m = mapPolicy(xml);
  if (m.problems.length > 0) throw new Error(m.problems.map((p) => p.message).join('\n'));
  const ok = m.mapped.filter((x): x is Extract<MappedAlternative, { kind: 'ok' }> => x.kind === 'ok');
  if (ok.length !== 1 || ok[0] === undefined) throw new Error(`expected one alternative, got ${m.mapped.length}`);
  return ok[0].requirements;
}

/** The names of the assertions of each normalised alternative (`local` names, nested in brackets). */
export function shapeOf(alts: readonly NormalAlternative[]): string[] {
  const one = (a: NormalAlternative): string => a.map((x) => (x.nested === undefined ? x.local : `${x.local}[${one(x.nested)}]`)).join(' ');
  return alts.map(one);
}

/**
 * A one-operation WSDL (binding `EchoBinding`, operation `Echo`) written to a temporary directory,
 * with `definitions` (top-level policies), `binding`, `operation` and `input` attachments, loaded
 * and imported; `wsp` is the WS-Policy namespace its prefix stands for.
 */
export function importEcho(parts: { definitions?: string; binding?: string; operation?: string; input?: string; inputAttributes?: string; output?: string; wsp?: string }): { operation: ImportedOperation | undefined; problems: readonly ConfigProblem[]; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-wsp-'));
  const file = join(dir, 'Echo.wsdl');
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="Echo" targetNamespace="urn:echo" xmlns:tns="urn:echo" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:wsp="${parts.wsp ?? WSP15}" xmlns:wsu="${WSU}" xmlns:sp="${SP12}">
${parts.definitions ?? ''}
  <wsdl:types><xsd:schema targetNamespace="urn:echo"><xsd:element name="Echo" type="xsd:string"/><xsd:element name="EchoResponse" type="xsd:string"/></xsd:schema></wsdl:types>
  <wsdl:message name="EchoIn"><wsdl:part name="p" element="tns:Echo"/></wsdl:message>
  <wsdl:message name="EchoOut"><wsdl:part name="p" element="tns:EchoResponse"/></wsdl:message>
  <wsdl:portType name="EchoPortType"><wsdl:operation name="Echo"><wsdl:input message="tns:EchoIn"/><wsdl:output message="tns:EchoOut"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="EchoBinding" type="tns:EchoPortType">
${parts.binding ?? ''}
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Echo">
${parts.operation ?? ''}
      <soap:operation soapAction="urn:echo:Echo"/>
      <wsdl:input ${parts.inputAttributes ?? ''}>
${parts.input ?? ''}
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output>${parts.output ?? ''}<soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="EchoService"><wsdl:port name="EchoPort" binding="tns:EchoBinding"><soap:address location="http://localhost/echo"/></wsdl:port></wsdl:service>
</wsdl:definitions>
`,
  );
  const wsdl = loadWsdl(file, { root: dir });
  const port = wsdl.services[0]?.ports[0];
  if (port === undefined) throw new Error('no port');
  const importer = new WsdlPolicyImporter(wsdl);
  const imported = importer.binding(port);
  return { operation: imported?.operations.get('Echo'), problems: importer.problems, file };
}

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A parsed SOAP 1.1 envelope: `header` and `body` are inner XML (prefixes s, wsse, wsu, ds, a declared). */
export function envelopeOf(header: string, body = '<e:Echo xmlns:e="urn:echo">hi</e:Echo>'): ReturnType<typeof readEnvelope> {
  const xml = `<s:Envelope xmlns:s="${SOAP11}" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="${WSU}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  return readEnvelope(new DOMParser().parseFromString(xml, 'text/xml'), '1.1');
}

/** Facts with nothing in them; tests fill what they judge. */
export function emptyFacts(over: Partial<SecurityFacts> = {}): SecurityFacts {
  return { header: undefined, results: [], timestamp: undefined, signatures: [], signedElements: new Set(), decryptions: [], usernameTokens: [], samlAssertions: [], legacyUsed: [], ...over };
}

export function viewOf(envelope: ReturnType<typeof readEnvelope>, facts: SecurityFacts, transport?: MessageView['transport']): MessageView {
  return { facts, envelope, transport };
}
