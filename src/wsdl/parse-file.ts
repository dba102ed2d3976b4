import { readFileSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import type { Document } from '@xmldom/xmldom';
import type { ProblemList } from './problem-list.ts';

/**
 * Reads and parses one WSDL/XSD file. Every parser complaint (xmldom reports malformed input as
 * warnings and errors, and throws on fatal ones) becomes a problem; a DOCTYPE is refused outright
 * (nothing is expanded or fetched). Returns undefined when the file is unusable.
 */
export function parseWsdlFile(file: string, problems: ProblemList): Document | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    problems.inFile(file, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const text = decode(bytes);
  if (!text.ok) {
    problems.inFile(file, text.message);
    return undefined;
  }

  const complaints: { message: string; line: number | undefined }[] = [];
  const parser = new DOMParser({
    onError: (level, msg, context: unknown) => {
      complaints.push({ message: `not well-formed XML (${level}: ${msg}); fix the markup`, line: lineFrom(context) });
    },
  });
  let doc: Document | undefined;
  try {
    doc = parser.parseFromString(text.value, 'text/xml');
  } catch {
    // xmldom reports a fatal error through onError, then throws.
    if (complaints.length === 0) complaints.push({ message: 'not well-formed XML; fix the markup', line: undefined });
  }
  // The DOCTYPE is the problem to fix; the undefined-entity complaints it causes are noise.
  const doctypeLine = doc === undefined ? doctypeLineIn(text.value) : (doc.doctype?.lineNumber ?? undefined);
  if (doctypeLine !== undefined) {
    problems.inFile(file, 'a DOCTYPE is not allowed in a WSDL or XSD (no DTDs, no entities); remove it', doctypeLine);
    return undefined;
  }
  for (const c of complaints) problems.inFile(file, c.message, c.line);
  if (complaints.length > 0 || doc === undefined || doc.documentElement === null) return undefined;
  return doc;
}

function doctypeLineIn(text: string): number | undefined {
  const at = text.search(/<!DOCTYPE/);
  return at < 0 ? undefined : text.slice(0, at).split('\n').length;
}

type Decoded = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/** XML 1.0 §4.3.3 / Appendix F: a byte order mark, else the encoding declaration, else UTF-8. */
function decode(bytes: Buffer): Decoded {
  let label = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [label, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [label, start] = ['utf-16be', 2];
  else {
    const head = bytes.subarray(0, 200).toString('latin1');
    const declared = /^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/.exec(head)?.[1];
    if (declared !== undefined) label = declared.toLowerCase();
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return { ok: false, message: `unsupported encoding '${label}'; save the file as UTF-8` };
  }
  try {
    return { ok: true, value: decoder.decode(bytes.subarray(start)) };
  } catch {
    return { ok: false, message: `the bytes are not valid ${label}; fix the encoding declaration or save the file as UTF-8` };
  }
}

function lineFrom(context: unknown): number | undefined {
  if (typeof context !== 'object' || context === null || !('locator' in context)) return undefined;
  const locator = (context as { locator?: { lineNumber?: unknown } }).locator;
  const line = locator?.lineNumber;
  return typeof line === 'number' && line > 0 ? line : undefined;
}
