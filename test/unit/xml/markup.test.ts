import { describe, expect, it } from 'vitest';
import { parseXml, parseXmlText, defaultXmlLimits } from '../../../src/xml/parse.ts';
import { outcome, rejection, soap11, utf8 } from './xml-test-helpers.ts';

const L = defaultXmlLimits;
const parse = (xml: string, limits = L) => parseXml(utf8(xml), 'utf-8', limits);
const ping = (inner: string) => soap11(`<m:Ping xmlns:m="urn:m">${inner}</m:Ping>`);

describe('processing instructions → GW_ERR_XML_PROCESSING_INSTRUCTION', () => {
  it('the XML declaration at the very start is not a PI', () => {
    expect(outcome(() => parse(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${ping('1')}`))).toBe('accepted');
  });

  it.each([
    ['PI inside a body element', ping('<?evil data?>')],
    ['PI before the root', `<?xml-stylesheet href="a.xsl"?>${ping('1')}`],
    ['PI after the XML declaration', `<?xml version="1.0"?><?app x?>${ping('1')}`],
    ['PI after the root', `${ping('1')}<?app x?>`],
    ['<?xml ...?> not at the very start (after whitespace)', ` <?xml version="1.0"?>${ping('1')}`],
    ['<?xml ...?> not at the very start (after a newline)', `\n<?xml version="1.0"?>${ping('1')}`],
    ['<?xml ...?> inside an element', ping('<?xml version="1.0"?>')],
    ['<?xml?> with no pseudo-attributes inside an element', ping('<?xml?>')],
    ['<?XML ...?> (other case) inside an element', ping('<?XML version="1.0"?>')],
  ])('%s', (_name, xml) => {
    expect(outcome(() => parse(xml))).toBe('GW_ERR_XML_PROCESSING_INSTRUCTION');
  });
});

describe('comments', () => {
  it.each([
    ['in the body', ping('<!-- hidden -->1')],
    ['before the root', `<!-- c -->${ping('1')}`],
    ['after the root', `${ping('1')}<!-- c -->`],
    ['empty', ping('<!---->')],
  ])('%s → GW_ERR_XML_COMMENT by default', (_name, xml) => {
    expect(outcome(() => parse(xml))).toBe('GW_ERR_XML_COMMENT');
  });

  it('are kept in the DOM with allowComments', () => {
    const { doc } = parse(ping('a<!-- kept -->b'), { ...L, allowComments: true });
    const ping1 = doc.getElementsByTagNameNS('urn:m', 'Ping')[0];
    expect(ping1?.childNodes.length).toBe(3);
    expect(ping1?.childNodes[1]?.nodeValue).toBe(' kept ');
  });

  it('a malformed comment ("--" inside) is GW_ERR_XML_MALFORMED even when comments are allowed', () => {
    expect(outcome(() => parse(ping('<!-- a -- b -->'), { ...L, allowComments: true }))).toBe('GW_ERR_XML_MALFORMED');
  });
});

describe('U+0085 (NEL) and U+2028 (LS) → GW_ERR_XML_FORBIDDEN_CHARACTER', () => {
  it.each([
    ['U+2028 in text', ping('a\u2028b')],
    ['U+0085 in an attribute value', soap11('<m:Ping xmlns:m="urn:m" v="a\u0085b"/>')],
    ['U+0085 in text', ping('a\u0085b')],
    ['U+2028 in an attribute value', soap11('<m:Ping xmlns:m="urn:m" v="\u2028"/>')],
    ['U+2028 in CDATA', ping('<![CDATA[a\u2028b]]>')],
    ['U+0085 in an element name', soap11('<m:Pi\u0085ng xmlns:m="urn:m"/>')],
    ['U+2028 between attributes', soap11('<m:Ping xmlns:m="urn:m"\u2028a="1"/>')],
    ['U+2028 before the root', `\u2028${ping('1')}`],
  ])('%s', (_name, xml) => {
    expect(outcome(() => parse(xml))).toBe('GW_ERR_XML_FORBIDDEN_CHARACTER');
  });

  it('U+0085 in an allowed comment is refused too', () => {
    expect(outcome(() => parse(ping('<!-- \u0085 -->'), { ...L, allowComments: true }))).toBe(
      'GW_ERR_XML_FORBIDDEN_CHARACTER',
    );
  });

  it('the reason names the character and its position', () => {
    const err = rejection(() => parseXmlText('<a>\n  x\u2028</a>', L));
    expect(err.code).toBe('GW_ERR_XML_FORBIDDEN_CHARACTER');
    expect(err.detail).toMatchObject({ char: 'U+2028', line: 2, column: 4 });
  });
});

describe('line ends follow XML 1.0 §2.11 in the DOM', () => {
  it('CR LF and CR become LF; U+2029 stays as it is (xmldom would make it a LF by default)', () => {
    const { doc } = parseXmlText('<a>1\r\n2\r3\u20294</a>', L);
    expect(doc.documentElement?.textContent).toBe('1\n2\n3\u20294');
  });
});
