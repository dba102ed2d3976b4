import { describe, expect, it } from 'vitest';
import { parseXml, defaultXmlLimits } from '../../../src/xml/parse.ts';
import { outcome, rejection, utf8 } from './xml-test-helpers.ts';

const parse = (xml: string) => parseXml(utf8(xml), 'utf-8', defaultXmlLimits);

describe('not well-formed → GW_ERR_XML_MALFORMED', () => {
  it.each([
    ['empty document', ''],
    ['whitespace only', ' \n\t'],
    ['a BOM only', '\ufeff'],
    ['text only', 'hello'],
    ['unclosed root', '<a>'],
    ['unclosed child', '<a><b></a>'],
    ['mismatched end tag', '<a></b>'],
    ['unterminated start tag', '<a'],
    ['end tag without start tag', '</a>'],
    ['two roots', '<a/><b/>'],
    ['trailing text after the root', '<a/>x'],
    ['text before the root', 'x<a/>'],
    ['CDATA outside the root', '<![CDATA[x]]><a/>'],
    ['undeclared element prefix', '<p:a/>'],
    ['undeclared attribute prefix', '<a q:x="1"/>'],
    ['prefix declared only on a sibling', '<r><a xmlns:p="urn:p"/><p:b/></r>'],
    ['undeclaring a prefix (XML 1.0 namespaces)', '<a xmlns:p="urn:p"><b xmlns:p=""/></a>'],
    ['xmlns prefix used for an element', '<xmlns:a/>'],
    ['xml prefix bound to another namespace', '<a xmlns:xml="urn:x"/>'],
    ['duplicate attribute', '<a x="1" x="2"/>'],
    ['duplicate expanded attribute name', '<a xmlns:p="urn:u" xmlns:q="urn:u" p:x="1" q:x="2"/>'],
    ['unquoted attribute value', '<a x=1/>'],
    ['attribute without value', '<a x/>'],
    ['"<" in an attribute value', '<a x="<"/>'],
    ['undefined entity reference', '<a>&ent;</a>'],
    ['undefined entity in an attribute', '<a x="&ent;"/>'],
    ['entity reference without ";"', '<a>&amp</a>'],
    ['bare "&"', '<a>a & b</a>'],
    ['character reference to U+0000', '<a>&#0;</a>'],
    ['character reference to a C0 control', '<a>&#x1;</a>'],
    ['character reference to a surrogate', '<a>&#xD800;</a>'],
    ['raw C0 control character', '<a>\u0001</a>'],
    ['raw NUL', '<a>\u0000</a>'],
    ['U+FFFE', '<a>\ufffe</a>'],
    ['"]]>" in text', '<a>]]></a>'],
    ['unterminated CDATA', '<a><![CDATA[x</a>'],
    ['XML version 1.1', '<?xml version="1.1"?><a/>'],
    ['XML declaration without version', '<?xml encoding="UTF-8"?><a/>'],
    ['invalid name start character', '<1a/>'],
  ])('%s', (_name, xml) => {
    expect(outcome(() => parse(xml))).toBe('GW_ERR_XML_MALFORMED');
  });

  it('the reason carries the parser message with its position', () => {
    const err = rejection(() => parse('<a>\n<b></c></a>'));
    expect(err.code).toBe('GW_ERR_XML_MALFORMED');
    expect(err.reason).toMatch(/^saxes: 2:7: .*close tag/);
  });

  it('the reason stays bounded when the parser message quotes a 100,000-char name', () => {
    const err = rejection(() => parse(`<a></${'b'.repeat(100_000)}>`));
    expect(err.code).toBe('GW_ERR_XML_MALFORMED');
    expect(err.reason.length).toBeLessThan(300);
  });
});

describe('xmldom never recovers', () => {
  it('U+FFFD sent as a character is accepted (the bytes were decoded strictly, xmldom only guesses damage)', () => {
    expect(parse('<a>\ufffd</a>').doc.documentElement?.textContent).toBe('\ufffd');
  });
  it('xmldom errors are refused, not repaired: an attribute without a value', () => {
    const err = rejection(() => parse('<a b></a>'));
    expect(err.code).toBe('GW_ERR_XML_MALFORMED');
  });
});
