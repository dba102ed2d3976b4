import { describe, expect, it } from 'vitest';
import { ExclusiveCanonicalization } from 'xml-crypto';
import type { Element } from '@xmldom/xmldom';
import { excC14n, inScopeNamespaces } from '../../../../src/security/signature/exc-c14n.ts';
import { NS_DS, NS_WSU } from '../../../../src/xml/ns.ts';
import { domOf, loadCase, messageSignature, rawDom } from './helpers.ts';

const CASES = ['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A09', 'A10', 'A11', 'A12', 'A13', 'A14', 'A15', 'A16', 'A19'];

function prefixes(el: Element): Set<string> {
  const inc = el.getElementsByTagNameNS('http://www.w3.org/2001/10/xml-exc-c14n#', 'InclusiveNamespaces').item(0);
  const list = inc?.getAttribute('PrefixList') ?? '';
  return new Set(list.split(/\s+/).filter((p) => p !== '').map((p) => (p === '#default' ? '' : p)));
}

describe('excC14n', () => {
  it.each(CASES)('%s: SignedInfo and every referenced element canonicalize exactly as xml-crypto does on xmldom 0.9 nodes', (id) => {
    const doc = loadCase(id);
    const sig = messageSignature(doc);
    const signedInfo = sig.getElementsByTagNameNS(NS_DS, 'SignedInfo').item(0) as Element;
    const targets: [Element, Set<string>][] = [[signedInfo, prefixes(signedInfo.getElementsByTagNameNS(NS_DS, 'CanonicalizationMethod').item(0) as Element)]];
    for (const ref of Array.from(signedInfo.getElementsByTagNameNS(NS_DS, 'Reference'))) {
      const wanted = (ref.getAttribute('URI') ?? '').slice(1);
      const node = Array.from(doc.getElementsByTagName('*')).find((e) => e.getAttributeNS(NS_WSU, 'Id') === wanted || e.getAttribute('Id') === wanted);
      if (node !== undefined) targets.push([node, prefixes(ref)]);
    }
    for (const [el, inc] of targets) {
      const ours = excC14n(el, inc);
      // xml-crypto's way (signed-xml.js getCanonReferenceXml): ancestor declarations, nearest first, passed as
      // ancestorNamespaces. It mutates the element (setAttributeNS), so it runs on a second parse.
      const twin = loadCase(id);
      const same = Array.from(twin.getElementsByTagName('*'))[Array.from(doc.getElementsByTagName('*')).indexOf(el)] as Element;
      const ancestorNamespaces = [...inScopeNamespaces(same.parentNode as Element)].filter(([, u]) => u !== '').map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
      const theirs = new ExclusiveCanonicalization().process(same as never, { inclusiveNamespacesPrefixList: [...inc], ancestorNamespaces });
      expect(ours).toBe(theirs);
    }
  });

  it('renders inherited PrefixList namespaces on the apex without touching the DOM', () => {
    const doc = domOf('<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c"><a:x><y>t</y></a:x></a:r>');
    const x = doc.documentElement?.firstChild as Element;
    expect(excC14n(x, new Set(['b']))).toBe('<a:x xmlns:a="urn:a" xmlns:b="urn:b"><y>t</y></a:x>');
    expect(x.attributes.length).toBe(0);
    expect(excC14n(x)).toBe('<a:x xmlns:a="urn:a"><y>t</y></a:x>');
  });

  it('keeps a processing instruction (xml-crypto renders its data as text: <a>1<?x 0?></a> == <a>10</a>)', () => {
    const doc = rawDom('<r><amount>1<?x 0?></amount><other>10</other></r>');
    const [amount, other] = Array.from(doc.getElementsByTagName('*')).slice(1) as [Element, Element];
    expect(excC14n(amount)).toBe('<amount>1<?x 0?></amount>');
    expect(new ExclusiveCanonicalization().process(amount as never, {})).toBe('<amount>10</amount>');
    expect(excC14n(other)).toBe('<other>10</other>');
  });

  it('keeps an attribute whose name starts with "xmlns" (xml-crypto drops it from the digest)', () => {
    const doc = domOf('<r xmlnsX="evil" a="1"/>');
    const r = doc.documentElement as Element;
    expect(excC14n(r)).toBe('<r a="1" xmlnsX="evil"></r>');
    expect(new ExclusiveCanonicalization().process(r as never, {})).toBe('<r a="1"></r>');
  });

  it('undoes a rendered default namespace, escapes per C14N, sorts by code point, omits comments', () => {
    const doc = domOf('<r xmlns="urn:d" xmlns:B="urn:B" xmlns:a="urn:a" a:z="&quot;&#9;" B:y="&lt;"><e xmlns="">a&amp;b&gt;&#13;<!--c--></e></r>', true);
    expect(excC14n(doc.documentElement as Element)).toBe('<r xmlns="urn:d" xmlns:B="urn:B" xmlns:a="urn:a" B:y="&lt;" a:z="&quot;&#x9;"><e xmlns="">a&amp;b&gt;&#xD;</e></r>');
  });
});
