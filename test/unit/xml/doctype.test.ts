import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml, parseXmlText, defaultXmlLimits } from '../../../src/xml/parse.ts';
import { outcome, soap11, utf16be, utf16le, utf8 } from './xml-test-helpers.ts';

const L = defaultXmlLimits;
const envelope = soap11('<m:Ping xmlns:m="urn:m">&x;</m:Ping>');

describe('DOCTYPE: any document type declaration is refused, nothing expanded or fetched', () => {
  it.each([
    ['harmless DOCTYPE', `<!DOCTYPE soap:Envelope>${soap11('<m:Ping xmlns:m="urn:m"/>')}`],
    ['XXE: SYSTEM entity to file:///etc/hostname', `<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/hostname">]>${envelope}`],
    ['parameter entity to an external DTD', `<!DOCTYPE e [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;]>${envelope}`],
    [
      'billion laughs',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
      ).join('')}]>${soap11('<m:Ping xmlns:m="urn:m">&lol9;</m:Ping>')}`,
    ],
    [
      'quadratic blowup (one 50 KB entity referenced 50,000 times)',
      `<!DOCTYPE e [<!ENTITY x "${'a'.repeat(50_000)}">]>${soap11(`<m:Ping xmlns:m="urn:m">${'&x;'.repeat(50_000)}</m:Ping>`)}`,
    ],
    ['after the XML declaration, a PI-free prolog and whitespace', `<?xml version="1.0"?>\n\n<!DOCTYPE a SYSTEM "a.dtd">\n<a/>`],
    ['unterminated (never reaches its ">")', `<!DOCTYPE a [<!ENTITY x "${'y'.repeat(1000)}`],
    ['inside the root element', '<a><!DOCTYPE a></a>'],
    ['after the root element', '<a/><!DOCTYPE a>'],
  ])('%s → GW_ERR_XML_DOCTYPE', (_name, xml) => {
    expect(outcome(() => parseXml(utf8(xml), 'utf-8', L))).toBe('GW_ERR_XML_DOCTYPE');
  });

  it('a DOCTYPE after a comment in the prolog is refused even when comments are allowed', () => {
    const xml = '<!-- c --><!DOCTYPE a><a/>';
    expect(outcome(() => parseXml(utf8(xml), undefined, { ...L, allowComments: true }))).toBe('GW_ERR_XML_DOCTYPE');
  });

  it('a DOCTYPE behind a leading U+FEFF in already-decoded text is refused', () => {
    expect(outcome(() => parseXmlText('\ufeff<!DOCTYPE a><a/>', L))).toBe('GW_ERR_XML_DOCTYPE');
  });

  it.each([
    ['UTF-16LE', utf16le],
    ['UTF-16BE', utf16be],
  ] as const)('a DOCTYPE in a %s document is found after decoding (a byte scan for "<!DOCTYPE" misses it)', (_n, encode) => {
    const bytes = encode(`<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a [<!ENTITY x "y">]>${envelope}`);
    expect(Buffer.from(bytes).includes('<!DOCTYPE')).toBe(false);
    expect(outcome(() => parseXml(bytes, 'utf-16', L))).toBe('GW_ERR_XML_DOCTYPE');
  });
});

describe('DOCTYPE: a PUBLIC external DTD on a loopback canary is never fetched', () => {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end('<!ENTITY x "fetched">');
  });
  let canary = '';

  beforeAll(async () => {
    // The corpus canary port; any free port if something else holds it (the assertion is the same).
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    await listen(18_999).catch(() => listen(0));
    canary = `http://127.0.0.1:${(server.address() as AddressInfo).port}/canary/`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('UTF-16 document with <!DOCTYPE ... PUBLIC "..." "http://127.0.0.1:18999/canary/..."> → GW_ERR_XML_DOCTYPE, no request', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-16"?>\n' +
      `<!DOCTYPE soap:Envelope PUBLIC "-//Example//DTD Envelope 1.0//EN" "${canary}envelope.dtd">\n` +
      envelope;
    expect(outcome(() => parseXml(utf16le(xml), 'utf-16', L))).toBe('GW_ERR_XML_DOCTYPE');
    expect(outcome(() => parseXml(utf16be(xml), undefined, L))).toBe('GW_ERR_XML_DOCTYPE');
    // Give a stray asynchronous fetch time to arrive before asserting there was none.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toEqual([]);
  });
});
