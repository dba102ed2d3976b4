import { XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import type { ServiceAuditConfig } from '../config/types.ts';
import { NS_WSSE } from '../xml/ns.ts';
import { defaultXmlLimits, parseXml } from '../xml/parse.ts';
import type { XmlLimits } from '../xml/types.ts';

export const REDACTED = '[redacted]';

interface Step {
  readonly ns: string;
  readonly local: string;
  /** `//` before this step: any descendant. */
  readonly deep: boolean;
}

interface XmlPath {
  readonly steps: readonly Step[];
  readonly attribute: string | undefined;
}

/** Parses the documented path subset (`/a:x/b:y`, `//a:x`, optional `/@attr`); prefixes from `namespaces`. */
export function compileXmlPath(path: string, namespaces: Readonly<Record<string, string>>): XmlPath {
  const m = /^(.*?)(?:\/@([A-Za-z_][\w.-]*))?$/.exec(path) as RegExpExecArray;
  const steps: Step[] = [];
  const re = /(\/\/?)([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)/gy;
  const body = m[1] ?? '';
  let hit: RegExpExecArray | null;
  let consumed = 0;
  while ((hit = re.exec(body)) !== null) {
    const prefix = hit[2] as string;
    const ns = namespaces[prefix];
    if (ns === undefined) throw new Error(`prefix '${prefix}' of '${path}' is not declared in redact.namespaces`);
    steps.push({ ns, local: hit[3] as string, deep: hit[1] === '//' });
    consumed = re.lastIndex;
  }
  if (consumed !== body.length || steps.length === 0) throw new Error(`'${path}' is not a supported redaction path`);
  return { steps, attribute: m[2] };
}

const parentElement = (el: Element): Element | null => (el.parentNode?.nodeType === 1 ? (el.parentNode as Element) : null);

/** Does `el` match step `i` with steps 0..i-1 matching its ancestors as the path says? */
function matchAt(el: Element, steps: readonly Step[], i: number): boolean {
  const step = steps[i] as Step;
  if (el.namespaceURI !== step.ns || el.localName !== step.local) return false;
  if (i === 0) return step.deep || parentElement(el) === null;
  if (!step.deep) {
    const p = parentElement(el);
    return p !== null && matchAt(p, steps, i - 1);
  }
  for (let a = parentElement(el); a !== null; a = parentElement(a)) if (matchAt(a, steps, i - 1)) return true;
  return false;
}

function matches(el: Element, path: XmlPath): boolean {
  return matchAt(el, path.steps, path.steps.length - 1);
}

function* elementsOf(root: Element): Generator<Element> {
  yield root;
  for (let n = root.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) yield* elementsOf(n as Element);
}

/** Removes every wsse:Security header (tokens, passwords, assertions, keys) and applies the redaction paths. */
export function redactXml(doc: Document, paths: readonly XmlPath[]): void {
  const root = doc.documentElement;
  if (root === null) return;
  for (const el of [...elementsOf(root)]) {
    if (el.namespaceURI === NS_WSSE && el.localName === 'Security') {
      el.parentNode?.removeChild(el);
      continue;
    }
  }
  for (const el of [...elementsOf(root)]) {
    for (const p of paths) {
      if (!matches(el, p)) continue;
      if (p.attribute !== undefined) {
        if (el.hasAttribute(p.attribute)) el.setAttribute(p.attribute, REDACTED);
      } else {
        while (el.firstChild) el.removeChild(el.firstChild);
        el.appendChild(doc.createTextNode(REDACTED));
      }
    }
  }
}

/** Replaces the named fields (`a.b`, `list[].c`) of a JSON value. */
export function redactJson(value: unknown, paths: readonly string[]): unknown {
  const apply = (v: unknown, parts: readonly string[]): unknown => {
    if (parts.length === 0) return REDACTED;
    const [head, ...rest] = parts as [string, ...string[]];
    const isList = head.endsWith('[]');
    const key = isList ? head.slice(0, -2) : head;
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !(key in v)) return v;
    const obj = { ...(v as Record<string, unknown>) };
    const child = obj[key];
    obj[key] = isList && Array.isArray(child) ? child.map((c) => apply(c, rest)) : isList ? child : apply(child, rest);
    return obj;
  };
  return paths.reduce((acc, p) => apply(acc, p.split('.')), value);
}

export interface PayloadCapture {
  capture(body: Buffer | string, contentType: string | undefined): string | null;
}

/** The capture of one service: parse with the hardened parser, redact, serialise, cut at maxBytes. */
export function payloadCapture(cfg: ServiceAuditConfig['capture'], limits: XmlLimits = defaultXmlLimits): PayloadCapture {
  const xmlPaths = cfg.redact.xml.map((p) => compileXmlPath(p, cfg.redact.namespaces));
  const cut = (s: string): string => (Buffer.byteLength(s) <= cfg.maxBytes ? s : `${Buffer.from(s).subarray(0, cfg.maxBytes).toString('utf8')}…[cut at ${cfg.maxBytes} bytes]`);
  return {
    capture(body, contentType) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const ct = (contentType ?? '').toLowerCase();
      if (ct.includes('json')) {
        try {
          return cut(JSON.stringify(redactJson(JSON.parse(bytes.toString('utf8')), cfg.redact.json)));
        } catch {
          return '[not captured: invalid JSON]';
        }
      }
      try {
        const { doc } = parseXml(bytes, undefined, limits);
        redactXml(doc, xmlPaths);
        return cut(new XMLSerializer().serializeToString(doc));
      } catch {
        // Never keep what could not be parsed: it cannot be redacted.
        return '[not captured: not well-formed XML within limits]';
      }
    },
  };
}
