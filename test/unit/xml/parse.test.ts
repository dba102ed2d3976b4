import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseXml, parseXmlText, defaultXmlLimits } from '../../../src/xml/parse.ts';
import { childElements, clark, firstChildElement, NS_SOAP11_ENV, NS_SOAP12_ENV } from '../../../src/xml/ns.ts';
import { outcome, soap11, utf16be, utf16le, utf8 } from './xml-test-helpers.ts';

const L = defaultXmlLimits;
const body = '<m:GetClaimStatus xmlns:m="urn:claims" m:id="c-1">Tom &amp; Jerry<![CDATA[<raw>]]>é𝄞</m:GetClaimStatus>';
const header = '<wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:get</wsa:Action>';
const envelope = `<?xml version="1.0" encoding="UTF-8"?>\n${soap11(body, header)}`;
const envelope16 = envelope.replace('UTF-8', 'UTF-16');

describe('parseXml: valid SOAP envelopes parse to a DOM', () => {
  it.each([
    ['UTF-8', utf8(envelope), 'utf-8', 'utf-8'],
    ['UTF-8 without charset parameter', utf8(envelope), undefined, 'utf-8'],
    ['UTF-16LE with BOM', utf16le(envelope16), 'utf-16', 'utf-16le'],
    ['UTF-16BE with BOM', utf16be(envelope16), 'utf-16', 'utf-16be'],
    ['UTF-16LE with BOM, no charset', utf16le(envelope16), undefined, 'utf-16le'],
  ] as const)('%s', (_name, bytes, charset, encoding) => {
    const parsed = parseXml(bytes, charset, L);
    expect(parsed.encoding).toBe(encoding);
    expect(parsed.text).toBe(encoding === 'utf-8' ? envelope : envelope16);
    const root = parsed.doc.documentElement;
    expect(root === null ? '' : clark(root)).toBe(`{${NS_SOAP11_ENV}}Envelope`);
    const [hdr, bodyEl] = root === null ? [] : childElements(root);
    expect(hdr === undefined ? '' : clark(hdr)).toBe(`{${NS_SOAP11_ENV}}Header`);
    const op = bodyEl === undefined ? undefined : firstChildElement(bodyEl);
    expect(op === undefined ? '' : clark(op)).toBe('{urn:claims}GetClaimStatus');
    expect(op?.textContent).toBe('Tom & Jerry<raw>é𝄞');
    expect(op?.getAttributeNS('urn:claims', 'id')).toBe('c-1');
    // 5 elements + 4 attributes (3 of them xmlns) + 4 text/CDATA nodes
    expect(parsed.stats).toEqual({ elements: 5, maxDepth: 3, nodes: 13 });
  });

  it('a SOAP 1.2 envelope with whitespace, namespaces on every level and the xml: prefix', () => {
    const xml = `<env:Envelope xmlns:env="${NS_SOAP12_ENV}">
  <env:Body xml:lang="en">
    <x:Op xmlns:x="urn:x" xmlns="urn:d"><child/></x:Op>
  </env:Body>
</env:Envelope>
`;
    const { doc } = parseXml(utf8(xml), 'utf-8', L);
    const op = doc.getElementsByTagNameNS('urn:x', 'Op')[0];
    expect(op === undefined ? '' : clark(firstChildElement(op) ?? op)).toBe('{urn:d}child');
  });

  it('parseXmlText parses already-decoded text with the same checks', () => {
    const parsed = parseXmlText(soap11(body), L);
    expect(parsed.doc.documentElement?.localName).toBe('Envelope');
    expect('encoding' in parsed).toBe(false);
    expect(outcome(() => parseXmlText('<!DOCTYPE a><a/>', L))).toBe('GW_ERR_XML_DOCTYPE');
  });

  it('defaultXmlLimits are the documented defaults and frozen', () => {
    expect(defaultXmlLimits).toEqual({
      maxDepth: 64,
      maxNodes: 20_000,
      maxAttributes: 64,
      maxNamespaceDeclarations: 32,
      maxNameLength: 256,
      maxAttributeValueLength: 65_536,
      maxTextLength: 1_048_576,
      allowComments: false,
    });
    expect(Object.isFrozen(defaultXmlLimits)).toBe(true);
  });
});

interface CorpusCase {
  readonly id: string;
  readonly dir: string;
  readonly file: string | null;
  readonly httpHeaders: Readonly<Record<string, string>>;
}

describe('interop corpus: every request parses, the XML attacks are refused', () => {
  const root = new URL('../../fixtures/interop/', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', root), 'utf8')) as { cases: CorpusCase[] };
  const xmlAttacks: Readonly<Record<string, string>> = {
    R24: 'GW_ERR_XML_DOCTYPE',
    R25: 'GW_ERR_XML_DOCTYPE',
    R26: 'GW_ERR_XML_DOCTYPE',
    R27: 'GW_ERR_XML_LIMIT_DEPTH',
  };

  // R28 is a recipe (a file built at test time past the body limit), not XML-level
  const withFile = manifest.cases.filter((c) => c.file !== null);

  it.each(withFile.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const bytes = readFileSync(new URL(`${c.dir}/${c.file ?? ''}`, root));
    const charset = /;\s*charset=([^;]+)/i.exec(c.httpHeaders['Content-Type'] ?? '')?.[1];
    expect(outcome(() => parseXml(bytes, charset, L))).toBe(xmlAttacks[id] ?? 'accepted');
  });
});
