import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Document } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { defaultXmlLimits, parseXmlText } from '../../../src/xml/parse.ts';
import { dumpNode, xmlFiles } from '../../support/dom-dump.ts';
import { repoRoot } from '../../support/ports.ts';

/**
 * (lineNumber/columnNumber are not compared: the builder sets none, see dom-builder.ts.)
 * The one-pass builder (saxes events → xmldom nodes) must build the same Document that xmldom's
 * own DOMParser built before it (with the XML 1.0 line-end option the gateway used), for every
 * document the strict scan accepts.
 */
function xmldomParse(text: string): Document {
  return new DOMParser({ normalizeLineEndings: (s: string) => s.replace(/\r\n?/g, '\n') }).parseFromString(text, 'text/xml');
}

const L = { ...defaultXmlLimits, allowComments: true, maxNodes: 1_000_000, maxTextLength: 10_000_000 };

const inline: [string, string][] = [
  ['declaration, whitespace and comments around the root', '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a -->\n<r>x</r>\n<!--b-->\n'],
  ['text, entities, char refs, CDATA and comments mixed', '<a xmlns="urn:d" xmlns:p="urn:p" p:x="1&amp;2&#9;&#10;3" y=\'q"\'>t&lt;1<![CDATA[c]]>&#xD;<![CDATA[]]>t2<!--c-->t3<p:b/><c xmlns=""/></a>'],
  ['line ends and whitespace in attribute values', '<a\r\n b="x\r\ny\tz\rw">1\r\n2\r3</a>'],
  ['xml: prefix and namespace undeclaration', '<a xml:lang="en" xmlns:q="urn:q"><q:b xmlns:q="urn:q2" q:c="1"/></a>'],
  ['non-BMP and U+FFFD characters, U+2029', '<a b="𝄞\uFFFD">é𝄞\u2029</a>'],
];

describe('dom-builder: the same Document as xmldom DOMParser', () => {
  it.each(inline)('%s', (_name, text) => {
    const ours = parseXmlText(text, L).doc;
    expect(dumpNode(ours)).toEqual(dumpNode(xmldomParse(text)));
    expect(new XMLSerializer().serializeToString(ours)).toBe(new XMLSerializer().serializeToString(xmldomParse(text)));
  });

  it('attribute lists and namespace maps behave as xmldom built them (index, _nsMap, _inc)', () => {
    const text = '<a xmlns="urn:d" xmlns:p="urn:p" p:x="1" y="2" xml:lang="en"><p:b p:x="3" xmlns:q="urn:q" q:z="4"/></a>';
    const docs = [parseXmlText(text, L).doc, xmldomParse(text)];
    const after = docs.map((doc) => {
      const els = Array.from(doc.getElementsByTagName('*'));
      const out: string[] = [];
      for (const el of els) {
        out.push(`${el.nodeName}: ${String(el.lookupNamespaceURI('p'))} ${String(el.lookupNamespaceURI('q'))} ${String(el.lookupNamespaceURI(null))} ${String(el.lookupPrefix('urn:p'))}`);
        // Replacing each attribute through the (namespace, localName) index (setAttributeNode →
        // setNamedItem) and by name: no duplicate appears.
        for (const a of Array.from(el.attributes)) {
          const twin = doc.createAttributeNS(a.namespaceURI, a.name);
          twin.value = `${a.value}!`;
          el.setAttributeNode(twin);
        }
        for (const a of Array.from(el.attributes)) el.setAttributeNS(a.namespaceURI, a.name, `${a.value}?`);
        out.push(Array.from(el.attributes, (a) => `${a.name}=${a.value}`).join(' '));
        el.removeAttributeNS('urn:p', 'x');
        out.push(String(el.attributes.length));
      }
      out.push(new XMLSerializer().serializeToString(doc));
      return out;
    });
    expect(after[0]).toEqual(after[1]);
  });

  it('every XML fixture the scan accepts', () => {
    let compared = 0;
    for (const file of [...xmlFiles(join(repoRoot, 'test')), ...xmlFiles(join(repoRoot, 'bench', 'fixtures'))]) {
      const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      let ours: Document;
      try {
        ours = parseXmlText(text, L).doc;
      } catch {
        continue; // refused by the scan: a negative fixture
      }
      expect(dumpNode(ours), file).toEqual(dumpNode(xmldomParse(text)));
      const root = ours.documentElement;
      expect(root?.lookupNamespaceURI(root.prefix ?? null), file).toBe(root?.namespaceURI ?? null);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });
});
