import type { Document } from '@xmldom/xmldom';
import type { SaxesAttributeNSIncomplete, SaxesTagNS } from 'saxes';
import { DomBuilder } from './dom-builder.ts';
import { NS_XML, NS_XMLNS } from './ns.ts';
import type { ParsedXml, XmlLimits } from './types.ts';

/**
 * The common case of the strict scan (prescan.ts), without saxes: a well-formed document made of
 * an optional canonical XML declaration, elements with ASCII names, quoted attributes, text with
 * the five predefined entities and character references, and nothing else. It feeds the same
 * DomBuilder the same calls the saxes scan makes for such a document, so the DOM and the stats are
 * the same (test/unit/xml/fast-scan.test.ts compares them on every fixture and on mutated
 * documents).
 *
 * It decides nothing on its own: whatever falls outside that subset, breaks a well-formedness or
 * namespace rule, or reaches a limit makes it give up (`undefined`), and the caller runs the
 * saxes scan from the start, which accepts or refuses the document and reports the reason and the
 * position. It only accepts what saxes accepts; giving up is always safe. Comments, CDATA
 * sections, processing instructions, DOCTYPEs, non-ASCII names, a leading BOM and characters
 * outside XML 1.0's Char production (controls, U+FFFE/U+FFFF, any surrogate) all go to saxes.
 */

type Stats = ParsedXml['stats'];

// [A-Za-z_] may start an NCName here; [A-Za-z0-9._-] may follow (a subset of XML names).
const NAME_START = new Uint8Array(128);
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  NAME_START[c] = letter ? 1 : 0;
  NAME_CHAR[c] = letter || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d ? 1 : 0;
}

const TAB = 0x09;
const LF = 0x0a;
const SPACE = 0x20;
const DQUOTE = 0x22;
const AMP = 0x26;
const SQUOTE = 0x27;
const SLASH = 0x2f;
const COLON = 0x3a;
const LT = 0x3c;
const EQ = 0x3d;
const GT = 0x3e;

// Outside XML 1.0 Char (CR aside: normalised below), a surrogate (pairs are valid, but left to saxes),
// or NEL / LS (refused before any scan by prescan.ts; left to saxes if this were called alone).
// (Written as the complement of what is allowed: [\x00-\x08\x0B\x0C\x0E-\x1F\x85\u2028\uD800-\uDFFF\uFFFE\uFFFF].)
const UNUSUAL_CHAR = /[^\t\n\r\x20-\x84\x86-\u2027\u2029-\uD7FF\uE000-\uFFFD]/;
// The declaration in its usual spellings (saxes allows the same and more; anything else is left to it).
const XML_DECL = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.0"|'1\.0')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;
const NOT_SPACE = /[^ \t\n]/;

/** Thrown inside the scan to give up; never leaves this module. */
const GIVE_UP = Symbol('give up');

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB;
}

/** What saxes' nsPairCheck accepts: xml only to its namespace, xmlns never, neither namespace to anything else. */
function validBinding(prefix: string, uri: string): boolean {
  if (prefix === 'xml') return uri === NS_XML;
  if (prefix === 'xmlns') return false;
  return uri !== NS_XML && uri !== NS_XMLNS;
}

/** The Char production of XML 1.0 for a character reference's code point. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** `&…;` at s[amp] (saxes' parseEntity): the replacement and where the reference ends, or give up. */
function entityAt(s: string, amp: number): [string, number] {
  const semi = s.indexOf(';', amp + 1);
  if (semi === -1 || semi - amp > 10) throw GIVE_UP;
  const name = s.slice(amp + 1, semi);
  switch (name) {
    case 'amp':
      return ['&', semi + 1];
    case 'lt':
      return ['<', semi + 1];
    case 'gt':
      return ['>', semi + 1];
    case 'quot':
      return ['"', semi + 1];
    case 'apos':
      return ["'", semi + 1];
    default: {
      // Only what saxes' own patterns accept: #[0-9]+ or #x[0-9a-fA-F]+ (a lower-case x).
      const cp = /^#[0-9]{1,7}$/.test(name) ? Number.parseInt(name.slice(1), 10) : /^#x[0-9a-fA-F]{1,6}$/.test(name) ? Number.parseInt(name.slice(2), 16) : Number.NaN;
      if (!isXmlChar(cp)) throw GIVE_UP;
      return [String.fromCodePoint(cp), semi + 1];
    }
  }
}

/** Character data with references replaced (no other change: line ends were normalised up front). */
function decodeText(s: string, amp: number): string {
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const [rep, next] = entityAt(s, amp);
    out += s.slice(from, amp) + rep;
    from = next;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** An attribute value as saxes builds it: literal tab and line feed become spaces, references are replaced as they are. */
function decodeAttribute(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === TAB || c === LF) {
      out += s.slice(from, i) + ' ';
      from = ++i;
    } else if (c === AMP) {
      const [rep, next] = entityAt(s, i);
      out += s.slice(from, i) + rep;
      from = i = next;
    } else {
      i++;
    }
  }
  return out + s.slice(from);
}

interface Attr extends SaxesAttributeNSIncomplete {
  uri: string;
}

class FastScanner {
  readonly #text: string;
  readonly #limits: XmlLimits;
  readonly #builder: DomBuilder;
  #pos = 0;
  #depth = 0;
  #maxDepth = 0;
  #elements = 0;
  #nodes = 0;
  #closedRoot = false;
  /** Where the names of the open elements are in the text, and their lengths. */
  readonly #open: number[] = [];
  readonly #openLength: number[] = [];
  /** Namespace declarations in scope, innermost last, and where each open element's own ones start. */
  readonly #nsPrefix: string[] = [];
  readonly #nsUri: string[] = [];
  readonly #nsMark: number[] = [];

  constructor(text: string, limits: XmlLimits, builder: DomBuilder) {
    this.#text = text;
    this.#limits = limits;
    this.#builder = builder;
  }

  scan(): Stats {
    const text = this.#text;
    if (text.startsWith('<?xml')) {
      const decl = XML_DECL.exec(text);
      if (decl === null) throw GIVE_UP;
      this.#builder.declaration(text);
      this.#pos = decl[0].length;
    } else {
      // saxes skips whitespace at the very start without reporting it (after a declaration it is text).
      this.#pos = this.#skipSpace(0);
    }
    for (;;) {
      const pos = this.#pos;
      const lt = text.indexOf('<', pos);
      if (lt === -1) {
        if (pos < text.length) this.#charData(text.slice(pos));
        break;
      }
      if (lt > pos) this.#charData(text.slice(pos, lt));
      const next = text.charCodeAt(lt + 1);
      if (next === SLASH) this.#closeTag(lt + 2);
      else if (next < 128 && NAME_START[next] === 1) this.#openTag(lt + 1);
      else throw GIVE_UP; // <! and <? (comment, CDATA, DOCTYPE, PI) and anything else
    }
    if (!this.#closedRoot) throw GIVE_UP;
    return { elements: this.#elements, maxDepth: this.#maxDepth, nodes: this.#nodes };
  }

  #countNode(): void {
    if (++this.#nodes > this.#limits.maxNodes) throw GIVE_UP;
  }

  #charData(s: string): void {
    if (this.#depth === 0) {
      // Outside the root only whitespace (saxes reports it as text; no limit counts it).
      if (NOT_SPACE.test(s)) throw GIVE_UP;
      this.#builder.text(s);
      return;
    }
    if (s.includes(']]>')) throw GIVE_UP;
    const amp = s.indexOf('&');
    const data = amp === -1 ? s : decodeText(s, amp);
    if (data.length > this.#limits.maxTextLength) throw GIVE_UP;
    this.#countNode();
    this.#builder.text(data);
  }

  /** A qualified name from `at` ([A-Za-z_][A-Za-z0-9._-]* with at most one colon, each part starting with [A-Za-z_]); returns its end. */
  #name(at: number): number {
    const text = this.#text;
    let i = at;
    let c = text.charCodeAt(i);
    if (!(c < 128 && NAME_START[c] === 1)) throw GIVE_UP;
    let colon = -1;
    for (;;) {
      c = text.charCodeAt(++i);
      if (c < 128 && NAME_CHAR[c] === 1) continue;
      if (c !== COLON || colon !== -1) break;
      colon = i;
      c = text.charCodeAt(i + 1);
      if (!(c < 128 && NAME_START[c] === 1)) throw GIVE_UP;
    }
    if (i - at > this.#limits.maxNameLength) throw GIVE_UP;
    return i;
  }

  #skipSpace(i: number): number {
    const text = this.#text;
    while (isSpace(text.charCodeAt(i))) i++;
    return i;
  }

  #resolve(prefix: string): string | undefined {
    const prefixes = this.#nsPrefix;
    for (let k = prefixes.length - 1; k >= 0; k--) if (prefixes[k] === prefix) return this.#nsUri[k];
    return prefix === 'xml' ? NS_XML : prefix === 'xmlns' ? NS_XMLNS : undefined;
  }

  #openTag(at: number): void {
    const text = this.#text;
    const limits = this.#limits;
    if (this.#closedRoot) throw GIVE_UP; // a second root
    let i = this.#name(at);
    const name = text.slice(at, i);
    // opentagstart
    if (++this.#depth > limits.maxDepth) throw GIVE_UP;
    if (this.#depth > this.#maxDepth) this.#maxDepth = this.#depth;
    this.#elements++;
    this.#countNode();
    this.#nsMark.push(this.#nsPrefix.length);
    const attrs: Attr[] = [];
    let declarations = 0;
    let selfClosing = false;
    for (;;) {
      let c = text.charCodeAt(i);
      if (isSpace(c)) {
        i = this.#skipSpace(i + 1);
        c = text.charCodeAt(i);
        if (c < 128 && NAME_START[c] === 1) {
          i = this.#attribute(i, attrs);
          const last = attrs[attrs.length - 1] as Attr;
          if (last.prefix === 'xmlns' || last.name === 'xmlns') {
            if (++declarations > limits.maxNamespaceDeclarations) throw GIVE_UP;
          } else if (attrs.length - declarations > limits.maxAttributes) {
            throw GIVE_UP;
          }
          if (last.value.length > limits.maxAttributeValueLength) throw GIVE_UP;
          this.#countNode();
          continue;
        }
      }
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH && text.charCodeAt(i + 1) === GT) {
        selfClosing = true;
        i += 2;
        break;
      }
      throw GIVE_UP;
    }
    this.#pos = i;
    const tag = this.#bind(name, attrs);
    const builder = this.#builder;
    for (const a of attrs) builder.attribute(a);
    builder.openTag(tag);
    if (selfClosing) {
      this.#close();
    } else {
      this.#open.push(at);
      this.#openLength.push(name.length);
    }
  }

  /** One `name = "value"` from `at`; returns the position after the closing quote. */
  #attribute(at: number, attrs: Attr[]): number {
    const text = this.#text;
    const end = this.#name(at);
    const name = text.slice(at, end);
    let i = this.#skipSpace(end);
    if (text.charCodeAt(i) !== EQ) throw GIVE_UP;
    i = this.#skipSpace(i + 1);
    const q = text.charCodeAt(i);
    if (q !== DQUOTE && q !== SQUOTE) throw GIVE_UP;
    const from = i + 1;
    let plain = true;
    for (i = from; ; i++) {
      const c = text.charCodeAt(i);
      if (c === q) break;
      if (c === LT || Number.isNaN(c)) throw GIVE_UP;
      if (c === AMP || c === TAB || c === LF) plain = false;
    }
    const raw = text.slice(from, i);
    const after = text.charCodeAt(i + 1);
    // saxes wants whitespace between attributes.
    if (!(isSpace(after) || after === GT || after === SLASH)) throw GIVE_UP;
    const colon = name.indexOf(':');
    const prefix = colon === -1 ? '' : name.slice(0, colon);
    const local = colon === -1 ? name : name.slice(colon + 1);
    const value = plain ? raw : decodeAttribute(raw);
    attrs.push({ name, prefix, local, value, uri: '' });
    if (prefix === 'xmlns' || name === 'xmlns') {
      // saxes binds the trimmed value; xmlns:p="" is not allowed in XML 1.0.
      const uri = value.trim();
      const declared = prefix === 'xmlns' ? local : '';
      if ((prefix === 'xmlns' && uri === '') || !validBinding(declared, uri)) throw GIVE_UP;
      this.#nsPrefix.push(declared);
      this.#nsUri.push(uri);
    }
    return i + 1;
  }

  /** saxes' processAttribsNS: the element's and attributes' namespaces, unbound prefixes and duplicate expanded names refused. */
  #bind(name: string, attrs: Attr[]): SaxesTagNS {
    const colon = name.indexOf(':');
    const prefix = colon === -1 ? '' : name.slice(0, colon);
    const local = colon === -1 ? name : name.slice(colon + 1);
    const uri = this.#resolve(prefix) ?? '';
    if (prefix !== '' && (prefix === 'xmlns' || uri === '')) throw GIVE_UP;
    for (let k = 0; k < attrs.length; k++) {
      const a = attrs[k] as Attr;
      if (a.prefix === '') {
        a.uri = a.name === 'xmlns' ? NS_XMLNS : '';
      } else {
        const bound = this.#resolve(a.prefix);
        if (bound === undefined) throw GIVE_UP;
        a.uri = bound;
      }
      for (let j = 0; j < k; j++) {
        const b = attrs[j] as Attr;
        if (a.prefix === '' ? b.prefix === '' && b.name === a.name : b.prefix !== '' && b.uri === a.uri && b.local === a.local) throw GIVE_UP;
      }
    }
    // The fields DomBuilder.openTag reads.
    return { name, prefix, local, uri } as SaxesTagNS;
  }

  #closeTag(at: number): void {
    const text = this.#text;
    const open = this.#open.pop();
    if (open === undefined) throw GIVE_UP;
    // The start tag's name is compared where it stands in the text (startsWith with a position,
    // or charCodeAt on the sliced name, is several times slower in V8).
    const n = this.#openLength.pop() as number;
    for (let k = 0; k < n; k++) if (text.charCodeAt(at + k) !== text.charCodeAt(open + k)) throw GIVE_UP;
    let i = at + n;
    if (text.charCodeAt(i) !== GT) {
      if (!isSpace(text.charCodeAt(i))) throw GIVE_UP;
      i = this.#skipSpace(i);
      if (text.charCodeAt(i) !== GT) throw GIVE_UP;
    }
    this.#pos = i + 1;
    this.#close();
  }

  /** closetag: the element's namespace declarations go out of scope. */
  #close(): void {
    const mark = this.#nsMark.pop() as number;
    if (this.#nsPrefix.length !== mark) {
      // (setting an array's length is a runtime call: only when the element declared something)
      this.#nsPrefix.length = mark;
      this.#nsUri.length = mark;
    }
    this.#depth--;
    this.#builder.closeTag();
    if (this.#depth === 0) this.#closedRoot = true;
  }
}

/**
 * The DOM and stats of `text` when it is in the subset above and within `limits`; otherwise
 * undefined, and nothing of it is kept (the caller runs the saxes scan).
 */
export function fastScanToDom(text: string, limits: XmlLimits): { stats: Stats; doc: Document } | undefined {
  if (text.charCodeAt(0) === 0xfeff || UNUSUAL_CHAR.test(text)) return undefined;
  // XML 1.0 §2.11, as saxes reads the text: CR LF and a lone CR are one LF (character references are untouched).
  const source = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const builder = new DomBuilder();
  try {
    const stats = new FastScanner(source, limits, builder).scan();
    builder.finish();
    return { stats, doc: builder.doc };
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}
