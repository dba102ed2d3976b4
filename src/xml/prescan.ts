import { SaxesParser } from 'saxes';
import type { SaxesAttributeNSIncomplete, SaxesStartTagNS, SaxesTagNS, XMLDecl } from 'saxes';
import type { Document } from '@xmldom/xmldom';
import { GatewayError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { DomBuilder } from './dom-builder.ts';
import { fastScanToDom } from './fast-scan.ts';
import type { ParsedXml, XmlLimits } from './types.ts';

export type PrescanStats = ParsedXml['stats'];

/**
 * A streaming, strict (XML 1.0 + Namespaces) pass over decoded text that refuses DOCTYPEs, processing
 * instructions, comments (unless allowed), U+0085/U+2028 and anything over the structural limits,
 * stopping at the first violation. Nothing is expanded or fetched: saxes knows only the five
 * predefined entities, and any DOCTYPE is refused before the root element is seen.
 */
export function prescanXml(text: string, limits: XmlLimits): PrescanStats {
  rejectPrologDoctype(text);
  rejectForbiddenCharacters(text);
  return new LimitScanner(limits, undefined).scan(text);
}

/**
 * The same scan, building the DOM from its events in the same pass (see dom-builder.ts). The common
 * case goes through fast-scan.ts, which builds the same DOM without saxes or gives up; then (and for
 * every refusal, with its reason and position) the saxes scan runs from the start.
 */
export function scanToDom(text: string, limits: XmlLimits): { stats: PrescanStats; doc: Document } {
  rejectPrologDoctype(text);
  rejectForbiddenCharacters(text);
  return fastScanToDom(text, limits) ?? saxesScanToDom(text, limits);
}

/** scanToDom with saxes alone (the reference the fast path is tested against). */
export function saxesScanToDom(text: string, limits: XmlLimits): { stats: PrescanStats; doc: Document } {
  rejectPrologDoctype(text);
  rejectForbiddenCharacters(text);
  const builder = new DomBuilder();
  const stats = new LimitScanner(limits, builder).scan(text);
  builder.finish();
  return { stats, doc: builder.doc };
}

type Parser = SaxesParser<{ xmlns: true; position: true; forceXMLVersion: true; defaultXMLVersion: '1.0' }>;

class LimitScanner {
  private readonly limits: XmlLimits;
  private readonly parser: Parser;
  private depth = 0;
  private maxDepth = 0;
  private elements = 0;
  private nodes = 0;
  private attributes = 0;
  private nsDeclarations = 0;
  private textRun = 0;
  private readonly builder: DomBuilder | undefined;
  private source = '';

  constructor(limits: XmlLimits, builder: DomBuilder | undefined) {
    this.limits = limits;
    this.builder = builder;
    this.parser = new SaxesParser({ xmlns: true, position: true, forceXMLVersion: true, defaultXMLVersion: '1.0' });
    const p = this.parser;
    createHandlerSlots(p);
    p.on('xmldecl', (decl) => this.onXmlDecl(decl));
    p.on('doctype', () => this.fail('GW_ERR_XML_DOCTYPE', `DOCTYPE ${this.at()}`));
    p.on('processinginstruction', (pi) =>
      this.fail('GW_ERR_XML_PROCESSING_INSTRUCTION', `processing instruction <?${clip(pi.target)}?> ${this.at()}`),
    );
    p.on('comment', (c) => this.onComment(c));
    p.on('opentagstart', (tag) => this.onOpenTagStart(tag));
    p.on('attribute', (attr) => this.onAttribute(attr));
    if (builder !== undefined) p.on('opentag', (tag) => builder.openTag(tag as SaxesTagNS));
    p.on('closetag', () => {
      this.depth--;
      this.textRun = 0;
      this.builder?.closeTag();
    });
    p.on('text', (t) => {
      this.onCharacterData(t.length);
      this.builder?.text(t);
    });
    p.on('cdata', (t) => {
      this.onCharacterData(t.length);
      this.builder?.cdata(t);
    });
  }

  scan(text: string): PrescanStats {
    this.source = text;
    try {
      this.parser.write(text).close();
    } catch (err) {
      // Without an error handler saxes throws at its first well-formedness error.
      if (err instanceof GatewayError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new GatewayError(codeForSaxesMessage(message), `saxes: ${clip(message, 200)}`, undefined, { cause: err });
    }
    return { elements: this.elements, maxDepth: this.maxDepth, nodes: this.nodes };
  }

  private onXmlDecl(decl: XMLDecl): void {
    // SOAP 1.1/1.2 messages are XML 1.0; XML 1.1 would change line ends and allowed characters.
    if (decl.version !== '1.0') {
      this.fail('GW_ERR_XML_MALFORMED', `XML version ${JSON.stringify(clip(decl.version ?? ''))} is not 1.0 ${this.at()}`);
    }
    this.builder?.declaration(this.source);
  }

  private onComment(data: string): void {
    if (!this.limits.allowComments) this.fail('GW_ERR_XML_COMMENT', `comment ${this.at()} (allowComments is false)`);
    this.textRun = 0;
    this.countNode('comment');
    this.builder?.comment(data);
  }

  private onOpenTagStart(tag: SaxesStartTagNS): void {
    this.textRun = 0;
    this.depth++;
    if (this.depth > this.limits.maxDepth) {
      this.fail('GW_ERR_XML_LIMIT_DEPTH', `element depth ${this.depth} exceeds maxDepth ${this.limits.maxDepth} ${this.at()}`);
    }
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
    this.checkName('element', tag.name);
    this.elements++;
    this.countNode('element');
    this.attributes = 0;
    this.nsDeclarations = 0;
  }

  /** Called for each attribute as soon as its value ends, before the start tag is complete. */
  private onAttribute(attr: SaxesAttributeNSIncomplete): void {
    const { limits } = this;
    this.checkName('attribute', attr.name);
    if (attr.name === 'xmlns' || attr.prefix === 'xmlns') {
      if (++this.nsDeclarations > limits.maxNamespaceDeclarations) {
        this.fail('GW_ERR_XML_LIMIT_NAMESPACES', `namespace declaration ${this.nsDeclarations} exceeds maxNamespaceDeclarations ${limits.maxNamespaceDeclarations} ${this.at()}`);
      }
    } else if (++this.attributes > limits.maxAttributes) {
      this.fail('GW_ERR_XML_LIMIT_ATTRIBUTES', `attribute ${this.attributes} on one element exceeds maxAttributes ${limits.maxAttributes} ${this.at()}`);
    }
    if (attr.value.length > limits.maxAttributeValueLength) {
      this.fail('GW_ERR_XML_LIMIT_ATTRIBUTE_VALUE', `value of attribute ${clip(attr.name)} has ${attr.value.length} chars, exceeds maxAttributeValueLength ${limits.maxAttributeValueLength} ${this.at()}`);
    }
    this.countNode('attribute');
    this.builder?.attribute(attr);
  }

  /** Text and CDATA sections; contiguous runs form one text limit unit (one DOM node each part). */
  private onCharacterData(length: number): void {
    if (this.depth === 0) return; // whitespace outside the root: saxes refuses anything else
    this.textRun += length;
    if (this.textRun > this.limits.maxTextLength) {
      this.fail('GW_ERR_XML_LIMIT_TEXT', `text of ${this.textRun} chars exceeds maxTextLength ${this.limits.maxTextLength} ${this.at()}`);
    }
    this.countNode('text');
  }

  private checkName(kind: 'element' | 'attribute', name: string): void {
    if (name.length > this.limits.maxNameLength) {
      this.fail('GW_ERR_XML_LIMIT_NAME_LENGTH', `${kind} name of ${name.length} chars (${clip(name)}) exceeds maxNameLength ${this.limits.maxNameLength} ${this.at()}`);
    }
  }

  private countNode(kind: string): void {
    if (++this.nodes > this.limits.maxNodes) {
      this.fail('GW_ERR_XML_LIMIT_NODES', `${kind} is node ${this.nodes}, exceeds maxNodes ${this.limits.maxNodes} ${this.at()}`);
    }
  }

  private at(): string {
    return `at line ${this.parser.line} col ${this.parser.column + 1}`;
  }

  private fail(code: ErrorCode, reason: string): never {
    throw new GatewayError(code, reason, { line: this.parser.line, column: this.parser.column + 1 });
  }
}

/** The handler properties of saxes 6.0.0 that we set with `on()` (internal names, see below). */
interface SaxesHandlerSlots {
  xmldeclHandler: unknown;
  doctypeHandler: unknown;
  piHandler: unknown;
  commentHandler: unknown;
  openTagStartHandler: unknown;
  openTagHandler: unknown;
  attributeHandler: unknown;
  closeTagHandler: unknown;
  textHandler: unknown;
  cdataHandler: unknown;
}

/**
 * saxes' `on()` adds each handler as a new own property through a computed key; past six of them V8
 * turns the parser into a dictionary-mode object and the whole scan runs about 5x slower (4.7 KB
 * envelope: ~85 µs → ~500 µs). Creating the properties first with named stores keeps it fast. Only
 * speed depends on these names: if saxes renamed them, they would be unused properties.
 */
function createHandlerSlots(parser: object): void {
  const slots = parser as SaxesHandlerSlots;
  slots.xmldeclHandler = undefined;
  slots.doctypeHandler = undefined;
  slots.piHandler = undefined;
  slots.commentHandler = undefined;
  slots.openTagStartHandler = undefined;
  slots.openTagHandler = undefined;
  slots.attributeHandler = undefined;
  slots.closeTagHandler = undefined;
  slots.textHandler = undefined;
  slots.cdataHandler = undefined;
}

/**
 * saxes reports every well-formedness error through one callback with a message only. These are the
 * messages (saxes 6.0.0) that mean a DOCTYPE or a misplaced XML declaration; test/unit/xml pins them.
 */
function codeForSaxesMessage(message: string): ErrorCode {
  if (message.endsWith('inappropriately located doctype declaration.')) return 'GW_ERR_XML_DOCTYPE';
  if (
    message.endsWith('an XML declaration must be at the start of the document.') ||
    message.endsWith('the XML declaration must appear at the start of the document.') ||
    message.endsWith('processing instructions are not allowed before root.')
  ) {
    return 'GW_ERR_XML_PROCESSING_INSTRUCTION';
  }
  return 'GW_ERR_XML_MALFORMED';
}

const xmlSpace = new Set([0x20, 0x09, 0x0d, 0x0a]);

/**
 * Refuses a DOCTYPE in the prolog as soon as `<!DOCTYPE` is reached, so an unterminated or huge
 * internal subset is never read (saxes reports a DOCTYPE only at its closing `>`).
 * XML 1.0 §2.8: prolog ::= XMLDecl? Misc* (doctypedecl Misc*)?
 */
function rejectPrologDoctype(text: string): void {
  let i = 0;
  for (;;) {
    while (xmlSpace.has(text.charCodeAt(i))) i++;
    let end: number;
    if (text.startsWith('<?', i)) end = indexAfter(text, '?>', i + 2);
    else if (text.startsWith('<!--', i)) end = indexAfter(text, '-->', i + 4);
    else break;
    if (end === -1) return;
    i = end;
  }
  if (text.startsWith('<!DOCTYPE', i)) {
    const { line, column } = lineAndColumn(text, i);
    throw new GatewayError('GW_ERR_XML_DOCTYPE', `DOCTYPE at line ${line} col ${column}`, { line, column });
  }
}

function indexAfter(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at === -1 ? -1 : at + needle.length;
}

// XML 1.1 §2.11 treats NEL and LS as line ends; an XML 1.0 processor does not.
// (Two indexOf calls: ~50x faster than one character-class regex on a 1 MB body.)
function rejectForbiddenCharacters(text: string): void {
  const nel = text.indexOf('\u0085');
  const ls = text.indexOf('\u2028');
  const at = nel === -1 ? ls : ls === -1 ? nel : Math.min(nel, ls);
  if (at === -1) return;
  const { line, column } = lineAndColumn(text, at);
  const char = at === nel ? 'U+0085' : 'U+2028';
  throw new GatewayError('GW_ERR_XML_FORBIDDEN_CHARACTER', `${char} at line ${line} col ${column}`, { char, line, column });
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/** Names and parser messages can hold input of any length; the audit reason gets a bounded prefix. */
function clip(s: string, max = 64): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
