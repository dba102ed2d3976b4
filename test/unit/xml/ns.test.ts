import { describe, expect, it } from 'vitest';
import { parseXmlText, defaultXmlLimits } from '../../../src/xml/parse.ts';
import { childElements, clark, firstChildElement, isElement, localNameOf } from '../../../src/xml/ns.ts';

const { doc } = parseXmlText(
  '<r xmlns:p="urn:p"> text <p:a/><!--c--><b/><p:b/><![CDATA[x]]></r>',
  { ...defaultXmlLimits, allowComments: true },
);
const root = doc.documentElement;
if (root === null) throw new Error('no root');

describe('ns helpers', () => {
  it('childElements skips text, comments and CDATA, in document order', () => {
    expect(childElements(root).map(clark)).toEqual(['{urn:p}a', 'b', '{urn:p}b']);
  });

  it('firstChildElement, optionally by namespace and local name', () => {
    expect(clark(firstChildElement(root) ?? root)).toBe('{urn:p}a');
    expect(clark(firstChildElement(root, '', 'b') ?? root)).toBe('b');
    expect(clark(firstChildElement(root, 'urn:p', 'b') ?? root)).toBe('{urn:p}b');
    expect(firstChildElement(root, 'urn:other')).toBeUndefined();
  });

  it('isElement, localNameOf, clark (no namespace → bare local name)', () => {
    expect(isElement(root)).toBe(true);
    expect(isElement(root.firstChild)).toBe(false);
    expect(isElement(null)).toBe(false);
    expect(localNameOf(childElements(root)[0] ?? root)).toBe('a');
    expect(clark(root)).toBe('r');
  });
});
