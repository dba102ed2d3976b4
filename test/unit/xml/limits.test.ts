import { describe, expect, it } from 'vitest';
import { parseXmlText, defaultXmlLimits } from '../../../src/xml/parse.ts';
import { prescanXml } from '../../../src/xml/prescan.ts';
import { outcome, rejection } from './xml-test-helpers.ts';

const L = defaultXmlLimits;
const parse = (xml: string) => parseXmlText(xml, L);

function nested(depth: number): string {
  return '<a>'.repeat(depth) + '</a>'.repeat(depth);
}

function withAttributes(count: number, name = (i: number) => `a${i}`): string {
  const parts = ['<e'];
  for (let i = 0; i < count; i++) parts.push(` ${name(i)}="v"`);
  parts.push('/>');
  return parts.join('');
}

function withNamespaces(count: number): string {
  const parts = ['<e'];
  for (let i = 0; i < count; i++) parts.push(` xmlns:p${i}="urn:p${i}"`);
  parts.push('/>');
  return parts.join('');
}

describe('depth: GW_ERR_XML_LIMIT_DEPTH', () => {
  it('depth 64 is accepted', () => {
    expect(parse(nested(64)).stats.maxDepth).toBe(64);
  });

  it('depth 65 is refused with the precise reason', () => {
    const err = rejection(() => parse(nested(65)));
    expect(err.code).toBe('GW_ERR_XML_LIMIT_DEPTH');
    expect(err.reason).toBe('element depth 65 exceeds maxDepth 64 at line 1 col 196');
  });

  it('a 10,000-deep document is refused at depth 65 (the pass stops there)', () => {
    const err = rejection(() => parse(nested(10_000)));
    expect(err.code).toBe('GW_ERR_XML_LIMIT_DEPTH');
    expect(err.reason).toMatch(/^element depth 65 /);
  });

  it('a 10,000-deep document that is also unclosed is refused for depth, before any end-of-input check', () => {
    expect(outcome(() => parse('<a>'.repeat(10_000)))).toBe('GW_ERR_XML_LIMIT_DEPTH');
  });
});

describe('attributes: GW_ERR_XML_LIMIT_ATTRIBUTES', () => {
  it('64 attributes plus namespace declarations are accepted (xmlns does not count)', () => {
    const xml = withAttributes(64).replace('<e', '<e xmlns="urn:d" xmlns:x="urn:x"');
    expect(outcome(() => parse(xml))).toBe('accepted');
  });

  it('65 attributes are refused', () => {
    expect(outcome(() => parse(withAttributes(65)))).toBe('GW_ERR_XML_LIMIT_ATTRIBUTES');
  });

  it('100,000 attributes on one element are refused at the 65th, before the start tag ends', () => {
    const err = rejection(() => parse(withAttributes(100_000)));
    expect(err.code).toBe('GW_ERR_XML_LIMIT_ATTRIBUTES');
    expect(err.reason).toMatch(/^attribute 65 on one element exceeds maxAttributes 64 /);
  });

  it('100,000 duplicate attributes are refused for the count too', () => {
    expect(outcome(() => parse(withAttributes(100_000, () => 'a')))).toBe('GW_ERR_XML_LIMIT_ATTRIBUTES');
  });

  it('the count is per element', () => {
    const xml = `<r>${withAttributes(64)}${withAttributes(64)}</r>`;
    expect(outcome(() => parse(xml))).toBe('accepted');
  });
});

describe('namespace declarations: GW_ERR_XML_LIMIT_NAMESPACES', () => {
  it('32 declarations are accepted', () => {
    expect(outcome(() => parse(withNamespaces(32)))).toBe('accepted');
  });

  it('33 declarations are refused', () => {
    expect(outcome(() => parse(withNamespaces(33)))).toBe('GW_ERR_XML_LIMIT_NAMESPACES');
  });

  it('the default namespace declaration counts', () => {
    expect(outcome(() => parse(withNamespaces(32).replace('<e', '<e xmlns="urn:d"')))).toBe('GW_ERR_XML_LIMIT_NAMESPACES');
  });
});

describe('name length: GW_ERR_XML_LIMIT_NAME_LENGTH', () => {
  const n = (len: number) => 'n'.repeat(len);

  it('256-char element and attribute names are accepted', () => {
    expect(outcome(() => parse(`<${n(256)} ${n(256)}="1"/>`))).toBe('accepted');
  });

  it.each([
    ['element', `<${n(257)}/>`],
    ['prefixed element (qualified name counts)', `<p:${n(255)} xmlns:p="urn:p"/>`],
    ['attribute', `<e ${n(257)}="1"/>`],
    ['namespace declaration', `<e xmlns:${n(251)}="urn:p"/>`],
  ])('a 257-char %s name is refused', (_kind, xml) => {
    expect(outcome(() => parse(xml))).toBe('GW_ERR_XML_LIMIT_NAME_LENGTH');
  });
});

describe('attribute value: GW_ERR_XML_LIMIT_ATTRIBUTE_VALUE', () => {
  it('64 KiB is accepted', () => {
    expect(outcome(() => parse(`<e v="${'v'.repeat(65_536)}"/>`))).toBe('accepted');
  });

  it('64 KiB + 1 is refused', () => {
    expect(outcome(() => parse(`<e v="${'v'.repeat(65_537)}"/>`))).toBe('GW_ERR_XML_LIMIT_ATTRIBUTE_VALUE');
  });

  it('the length is counted after entity replacement', () => {
    expect(outcome(() => parse(`<e v="${'&amp;'.repeat(65_537)}"/>`))).toBe('GW_ERR_XML_LIMIT_ATTRIBUTE_VALUE');
  });
});

describe('text: GW_ERR_XML_LIMIT_TEXT', () => {
  const MiB = 1_048_576;

  it('1 MiB of text is accepted', () => {
    expect(outcome(() => parse(`<a>${'x'.repeat(MiB)}</a>`))).toBe('accepted');
  });

  it('1 MiB + 1 of text is refused', () => {
    expect(outcome(() => parse(`<a>${'x'.repeat(MiB + 1)}</a>`))).toBe('GW_ERR_XML_LIMIT_TEXT');
  });

  it('1 MiB + 1 of CDATA is refused', () => {
    expect(outcome(() => parse(`<a><![CDATA[${'x'.repeat(MiB + 1)}]]></a>`))).toBe('GW_ERR_XML_LIMIT_TEXT');
  });

  it('contiguous text and CDATA add up', () => {
    const half = 'x'.repeat(MiB / 2);
    expect(outcome(() => parse(`<a>${half}<![CDATA[${half}]]>x</a>`))).toBe('GW_ERR_XML_LIMIT_TEXT');
  });

  it('text separated by an element is two text nodes', () => {
    const big = 'x'.repeat(MiB - 1);
    expect(outcome(() => parse(`<a>${big}<b/>${big}</a>`))).toBe('accepted');
  });
});

describe('nodes: GW_ERR_XML_LIMIT_NODES', () => {
  it('20,000 nodes are accepted', () => {
    expect(parse(`<r>${'<e/>'.repeat(19_999)}</r>`).stats).toEqual({ elements: 20_000, maxDepth: 2, nodes: 20_000 });
  });

  it.each([
    ['20,001 elements', `<r>${'<e/>'.repeat(20_000)}</r>`],
    ['elements + attributes', `<r>${'<e a="1"/>'.repeat(10_000)}</r>`],
    ['elements + namespace declarations', `<r>${'<e xmlns="urn:e"/>'.repeat(10_000)}</r>`],
    ['elements + text nodes', `<r>${'x<e/>'.repeat(10_000)}</r>`],
    ['CDATA sections', `<r>${'<![CDATA[x]]>'.repeat(20_001)}</r>`],
  ])('%s → 20,001 nodes', (_name, xml) => {
    expect(outcome(() => parse(xml))).toBe('GW_ERR_XML_LIMIT_NODES');
  });

  it('allowed comments count as nodes', () => {
    const xml = `<r>${'<!---->'.repeat(20_000)}</r>`;
    expect(outcome(() => parseXmlText(xml, { ...L, allowComments: true }))).toBe('GW_ERR_XML_LIMIT_NODES');
  });
});

describe('limits come from the argument, not the defaults', () => {
  it('a service with maxDepth 3 refuses depth 4', () => {
    expect(outcome(() => prescanXml(nested(4), { ...L, maxDepth: 3 }))).toBe('GW_ERR_XML_LIMIT_DEPTH');
    expect(outcome(() => prescanXml(nested(3), { ...L, maxDepth: 3 }))).toBe('accepted');
  });
});
