import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLSerializer } from '@xmldom/xmldom';
import type { Document } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors.ts';
import { fastScanToDom } from '../../../src/xml/fast-scan.ts';
import { defaultXmlLimits } from '../../../src/xml/parse.ts';
import { saxesScanToDom } from '../../../src/xml/prescan.ts';
import type { XmlLimits } from '../../../src/xml/types.ts';
import { dumpNode, xmlFiles } from '../../support/dom-dump.ts';
import { repoRoot } from '../../support/ports.ts';

/**
 * fast-scan.ts may only ever accept what the saxes scan accepts, and must then build the same
 * Document (every node, attribute, namespace, link and childNodes index) and the same stats.
 * Checked on every XML fixture, on hand-written edge cases and on 8,000 seeded random mutations
 * of the fixtures (the mutations mostly break documents: the fast path must give up on those).
 */

type Verdict = { kind: 'gave-up' | 'refused' } | { kind: 'same' } | { kind: 'DIFFERENT'; why: string };

/** Compares the fast path with saxes on one text. */
function compare(text: string, limits: XmlLimits): Verdict {
  const fast = fastScanToDom(text, limits);
  let slow: { stats: unknown; doc: Document } | undefined;
  try {
    slow = saxesScanToDom(text, limits);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
  }
  if (fast === undefined) return { kind: slow === undefined ? 'refused' : 'gave-up' };
  if (slow === undefined) return { kind: 'DIFFERENT', why: 'fast path accepted what saxes refuses' };
  if (JSON.stringify(fast.stats) !== JSON.stringify(slow.stats)) return { kind: 'DIFFERENT', why: `stats ${JSON.stringify(fast.stats)} vs ${JSON.stringify(slow.stats)}` };
  const a = JSON.stringify(dumpNode(fast.doc));
  const b = JSON.stringify(dumpNode(slow.doc));
  if (a !== b) return { kind: 'DIFFERENT', why: 'DOM differs' };
  const s = new XMLSerializer();
  if (s.serializeToString(fast.doc) !== s.serializeToString(slow.doc)) return { kind: 'DIFFERENT', why: 'serialisation differs' };
  return { kind: 'same' };
}

const fixtures = [...xmlFiles(join(repoRoot, 'test')), ...xmlFiles(join(repoRoot, 'bench', 'fixtures'))].map((f) => ({ f, text: readFileSync(f, 'utf8') }));
const L = defaultXmlLimits;

describe('fast-scan: same result as the saxes scan, or gives up', () => {
  it('every XML fixture', () => {
    let fast = 0;
    for (const { f, text } of fixtures) {
      const v = compare(text, L);
      expect(v, f).not.toMatchObject({ kind: 'DIFFERENT' });
      if (v.kind === 'same') fast++;
    }
    // The fast path is the common case, not a curiosity.
    expect(fast).toBeGreaterThan(fixtures.length / 2);
  });

  it('the anchors messages go through the fast path', () => {
    for (const name of ['signed-1k.xml', 'signed-100k.xml', 'signenc-1k.xml']) {
      const text = readFileSync(join(repoRoot, 'bench', 'fixtures', 'anchors', name), 'utf8');
      expect(compare(text, L), name).toEqual({ kind: 'same' });
    }
  });

  const same: [string, string][] = [
    ['declaration and whitespace around the root', '<?xml version="1.0" encoding="UTF-8"?>\n<r>x</r>\n'],
    ['declaration with single quotes and standalone', "<?xml version='1.0' encoding='utf-8' standalone='yes'?><r/>"],
    ['declaration with spaces around =', '<?xml version = "1.0" ?>\n\n<r/>'],
    ['leading whitespace (no declaration)', '  \n<r/>'],
    ['entities and character references in text', '<a>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;&#xD;&#9;&#10;</a>'],
    ['references in attributes (not normalised) and literal whitespace (normalised)', '<a b="1&#9;2&#10;3\t4\n5&#xD;" c=\'q"\'/>'],
    ['CR LF and CR', '<a\r\n b="x\r\ny\rz">1\r\n2\r3</a>\r\n'],
    ['namespaces: default, prefixed, undeclared default, xml prefix', '<a xmlns="urn:d" xmlns:p="urn:p" p:x="1" xml:lang="en"><p:b/><c xmlns=""><d/></c></a>'],
    ['redeclared prefix', '<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2" p:c="1"/><p:d/></p:a>'],
    ['declaration after use in the same tag', '<p:a p:x="1" xmlns:p="urn:p"/>'],
    ['trimmed namespace value', '<p:a xmlns:p=" urn:p\t"/>'],
    ['xmlns:xml bound to its namespace', '<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:space="preserve"/>'],
    ['same local name in two namespaces', '<a xmlns:p="urn:p" xmlns:q="urn:q" p:x="1" q:x="2" x="3"/>'],
    ['whitespace before > and in end tags', '<a  b="1"  ><c\n/></a  >'],
    ['non-ASCII text and attribute values', '<a b="é€">ü\u00a0\u0080x</a>'],
    ['empty attribute value', '<a b=""/>'],
    ['">" and "]]" in text', '<a>a > b ]] c</a>'],
    ['Id attributes', '<a xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" wsu:Id="x"><b Id="y" ID="z" AssertionID="w" xml:id="v"/></a>'],
    ['element named xmlns', '<xmlns/>'],
  ];

  it.each(same)('handled by the fast path: %s', (_name, text) => {
    expect(compare(text, L)).toEqual({ kind: 'same' });
  });

  const refused: string[] = [
    '', ' ', 'x', '<a>', '<a></b>', '<a><b></a>', '<a/><b/>', '<a/>x', 'x<a/>', '</a>', '<a', '<a b>', '<a b=1/>', '<a b="1"c="2"/>', '<a b="<"/>',
    '<a>&ent;</a>', '<a>&amp</a>', '<a>a & b</a>', '<a>&#0;</a>', '<a>&#x1;</a>', '<a>&#xD800;</a>', '<a>&#X41;</a>', '<a>&#x110000;</a>', '<a>&;</a>',
    '<a>]]></a>', '<a>\u0001</a>', '<a>\ufffe</a>', '<p:a/>', '<a q:x="1"/>', '<a xmlns:p="urn:p"><b xmlns:p=""/></a>', '<xmlns:a/>',
    '<a xmlns:xml="urn:x"/>', '<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>', '<a xmlns="http://www.w3.org/2000/xmlns/"/>', '<a xmlns:xmlns="urn:x"/>',
    '<a x="1" x="2"/>', '<a xmlns:p="urn:u" xmlns:q="urn:u" p:x="1" q:x="2"/>', '<a:b:c xmlns:a="urn:a"/>', '<:a/>', '<a:/>', '<?xml version="1.1"?><a/>',
    '<?xml encoding="UTF-8"?><a/>', ' <?xml version="1.0"?><a/>', '<a><?pi x?></a>', '<a><!-- c --></a>', '<!DOCTYPE a><a/>',
    '<a/ >', '<a b="1"/ >', '</>', '<a></a >x', '<r><a xmlns:p="urn:p"/><p:b/></r>',
  ];

  it.each(refused)('refused by saxes, never accepted by the fast path: %j', (text) => {
    const v = compare(text, L);
    expect(v.kind === 'refused' || v.kind === 'gave-up').toBe(true);
    if (v.kind === 'gave-up') expect.fail(`saxes accepts ${JSON.stringify(text)}: not a refusal case`);
  });

  const leftToSaxes: [string, string][] = [
    ['CDATA section', '<a><![CDATA[x]]></a>'],
    ['non-ASCII name', '<é/>'],
    ['astral character (surrogate pair)', '<a>𝄞</a>'],
    ['leading BOM', '\ufeff<a/>'],
    ['local name starting with a digit', '<p:1 xmlns:p="urn:p"/>'],
    ['unusual declaration spelling', '<?xml version="1.0"  encoding="UTF-8"  ?><a/>'.replace('"1.0"', "'1.0'").replace('  ?>', '?>').replace('version=', 'version =\t')],
  ];

  it.each(leftToSaxes)('left to saxes (accepted there): %s', (_name, text) => {
    const v = compare(text, { ...L, allowComments: true });
    expect(['gave-up', 'same']).toContain(v.kind);
  });

  it('comments (allowed) are left to saxes', () => {
    expect(compare('<a><!-- c --></a>', { ...L, allowComments: true })).toEqual({ kind: 'gave-up' });
  });

  it('limits: the fast path gives up where saxes refuses, at the same counts', () => {
    const tight: XmlLimits = { ...L, maxDepth: 3, maxNodes: 12, maxAttributes: 2, maxNamespaceDeclarations: 1, maxNameLength: 8, maxAttributeValueLength: 5, maxTextLength: 6 };
    const cases = [
      '<a><b><c/></b></a>',
      '<a><b><c><d/></c></b></a>',
      '<a x="1" y="2"/>',
      '<a x="1" y="2" z="3"/>',
      '<a xmlns="urn:a" x="1" y="2"/>',
      '<a xmlns="urn:a" xmlns:p="urn:p"/>',
      '<abcdefgh/>',
      '<abcdefghi/>',
      '<a abcdefgh="1"/>',
      '<a x="12345"/>',
      '<a x="123456"/>',
      '<a x="&amp;&amp;&amp;&amp;&amp;&amp;"/>',
      '<a>123456</a>',
      '<a>1234567</a>',
      '<a>&lt;&lt;&lt;&lt;&lt;&lt;&lt;</a>',
      '<a><b/><b/><b/><b/><b/><b/><b/><b/><b/><b/><b/></a>',
      '<a><b/><b/><b/><b/><b/><b/><b/><b/><b/><b/><b/><b/></a>',
      '<a>1<b/>2<b/>3<b/>4<b/>5<b/>6</a>',
      '<a>1<b/>2<b/>3<b/>4<b/>5<b/>6<b/></a>',
    ];
    for (const text of cases) expect(compare(text, tight), text).not.toMatchObject({ kind: 'DIFFERENT' });
  });

  it('8,000 random mutations of the fixtures never differ', { timeout: 120_000 }, () => {
    // A small deterministic PRNG (mulberry32), so a failure names a reproducible case.
    let seed = 0x5eed;
    const rnd = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pieces = ['<', '>', '/', '&', ';', ':', '"', "'", '=', ' ', '\n', '\t', '\r', '!', '?', '#', 'x', 'a', '1', '-', '.', '_', ']]>', '&amp;', '&#', '&#x', 'xmlns', 'xmlns:', 'xml:', '</', '/>', 'é', '\u0001', '\ud800', '\uffff', '\u00a0'];
    const small = fixtures.filter((x) => x.text.length < 20_000).map((x) => x.text);
    small.push(...same.map(([, t]) => t));
    const counts = { same: 0, 'gave-up': 0, refused: 0 };
    for (let n = 0; n < 8_000; n++) {
      let text = small[Math.floor(rnd() * small.length)] as string;
      const edits = 1 + Math.floor(rnd() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * (text.length + 1));
        const op = rnd();
        const piece = pieces[Math.floor(rnd() * pieces.length)] as string;
        if (op < 0.4) text = text.slice(0, at) + piece + text.slice(at);
        else if (op < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 4));
        else text = text.slice(0, at) + piece + text.slice(at + piece.length);
      }
      const v = compare(text, L);
      if (v.kind === 'DIFFERENT') expect.fail(`${v.why} on ${JSON.stringify(text.slice(0, 2000))}`);
      counts[v.kind]++;
    }
    // Some mutations keep the document well-formed and in the subset: both paths are exercised.
    expect(counts.same).toBeGreaterThan(200);
    expect(counts.refused).toBeGreaterThan(2000);
  });
});
