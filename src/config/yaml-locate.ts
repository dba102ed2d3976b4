/**
 * Reads a YAML (or JSON) configuration file and keeps the parsed document, so that a JSON pointer
 * into the data can be mapped back to a line of the file.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { ConfigProblem } from './problems.ts';

export interface SourceFile {
  readonly file: string;
  /** The plain data, or undefined when the file could not be read or parsed. */
  readonly data: unknown;
  /** 1-based line of the node at `pointer`, or of its closest existing ancestor. */
  lineOf(pointer: string): number | undefined;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function childPointer(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function readErrorMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? 'unknown error'})`;
}

function duplicateKey(source: string, offset: number): string {
  const rest = source.slice(offset).split('\n', 1)[0] ?? '';
  const key = /^("[^"]*"|'[^']*'|.+?)\s*:(?:\s|$)/.exec(rest)?.[1] ?? rest;
  return key.replace(/^["']|["']$/g, '');
}

function yamlProblem(file: string, source: string, lines: LineCounter, err: YAMLError): ConfigProblem {
  const line = lines.linePos(err.pos[0]).line;
  let message: string;
  switch (err.code) {
    case 'DUPLICATE_KEY':
      message = `key '${duplicateKey(source, err.pos[0])}' appears twice in the same mapping`;
      break;
    case 'MULTIPLE_DOCS':
      message = "the file holds more than one YAML document ('---'): keep one";
      break;
    case 'TAG_RESOLVE_FAILED':
      message = `YAML: ${err.message} (custom tags are not supported)`;
      break;
    default:
      message = `YAML syntax error: ${err.message}`;
  }
  return { file, path: '', line, message };
}

function lineLocator(doc: Document, lines: LineCounter): (pointer: string) => number | undefined {
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lines.linePos(offset).line;
  return (pointer) => {
    let node: unknown = doc.contents;
    let line = lineAt(doc.contents?.range?.[0]);
    for (const seg of pointerSegments(pointer)) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
        if (pair === undefined) break;
        line = isScalar(pair.key) ? (lineAt(pair.key.range?.[0]) ?? line) : line;
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(seg)) {
        const item: unknown = node.items[Number(seg)];
        if (item === undefined || item === null || typeof item !== 'object' || !('range' in item)) break;
        line = lineAt((item as { range?: [number, number, number] }).range?.[0]) ?? line;
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}

export function readSourceFile(file: string): { source: SourceFile; problems: ConfigProblem[] } {
  const none = { file, data: undefined, lineOf: () => undefined };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { source: none, problems: [{ file, path: '', message: readErrorMessage(err) }] };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);

  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => yamlProblem(file, text, lines, e));
  if (extname(file).toLowerCase() === '.json' && problems.length === 0) {
    try {
      JSON.parse(text);
    } catch (err) {
      problems.push({ file, path: '', message: `JSON syntax error: ${(err as Error).message}` });
    }
  }
  if (problems.length > 0) return { source: none, problems };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { source: none, problems: [{ file, path: '', message: `YAML: ${(err as Error).message}` }] };
  }
  if (data === null || data === undefined) {
    return { source: none, problems: [{ file, path: '', message: 'the file is empty: expected a mapping of keys' }] };
  }
  return { source: { file, data, lineOf: lineLocator(doc, lines) }, problems: [] };
}
