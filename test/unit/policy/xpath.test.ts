import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { parseElementPath, selectElements } from '../../../src/policy/xpath.ts';

const doc = new DOMParser().parseFromString('<s:E xmlns:s="urn:s" xmlns:o="urn:o"><s:H><o:Card>1</o:Card></s:H><s:B><o:Order><o:Card>2</o:Card></o:Order><Card>3</Card></s:B></s:E>', 'text/xml');
const ns: Readonly<Record<string, string>> = { s: 'urn:s', o: 'urn:o' };
const select = (xpath: string): string[] => {
  const p = parseElementPath(xpath, (prefix) => ns[prefix] ?? null);
  if (!p.ok) throw new Error(p.message);
  return selectElements(doc, p).map((e) => e.textContent ?? '');
};

describe('the XPath subset of SignedElements / EncryptedElements', () => {
  it('an absolute path selects from the document element, child by child', () => {
    expect(select('/s:E/s:B/o:Order/o:Card')).toEqual(['2']);
    expect(select('/s:E/s:B/o:Card')).toEqual([]);
    expect(select('/o:E/s:B')).toEqual([]);
  });

  it('a leading // finds the first name at any depth, in document order', () => {
    expect(select('//o:Card')).toEqual(['1', '2']);
    expect(select('//s:B/o:Order/o:Card')).toEqual(['2']);
  });

  it('an unprefixed name is in no namespace (XPath 1.0), never the default namespace', () => {
    expect(select('//Card')).toEqual(['3']);
  });

  it.each(['s:E/s:B', '/s:E//o:Card', '/s:E/s:B[1]', '/s:E/@Id', '/s:E/*', '/s:E/text()', '/s:E | /s:B', '/q:E'])('refuses %s', (xpath) => {
    expect(parseElementPath(xpath, (prefix) => ns[prefix] ?? null).ok).toBe(false);
  });
});
