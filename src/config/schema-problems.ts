/** Turns ajv errors into problems an operator can act on: plain words, the key path, the line. */
import type { ErrorObject } from 'ajv';
import type { ConfigProblem } from './problems.ts';
import type { SchemaNode } from './schema.ts';
import { closest } from './suggest.ts';
import { childPointer, pointerSegments } from './yaml-locate.ts';
import type { SourceFile } from './yaml-locate.ts';

/** `backend.url`, `ports[0].path`; 'the file' for the root. */
export function displayPath(pointer: string): string {
  const segs = pointerSegments(pointer);
  if (segs.length === 0) return 'the file';
  return segs.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc === '' ? s : `${acc}.${s}`), '');
}

/** A value quoted for a message: shortened, and with any `user:password@` in a URL masked. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const masked = text.replace(/\/\/[^/@\s]*@/g, '//***@');
  return `'${masked.length > 60 ? `${masked.slice(0, 57)}...` : masked}'`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number with a fraction';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

const typePhrases: Readonly<Record<string, string>> = {
  object: 'a mapping of keys',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

/** Where a key is allowed elsewhere in the schema, as a dotted path of its parent ('' = top level). */
function homesOf(key: string, node: SchemaNode, at: string): string[] {
  const found: string[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const here = at === '' ? name : `${at}.${name}`;
    if (name === key) found.push(at);
    found.push(...homesOf(key, child, here));
  }
  if (node.items !== undefined) found.push(...homesOf(key, node.items, `${at}[]`));
  return found;
}

function describe(e: ErrorObject, root: SchemaNode): { pointer: string; message: string } {
  const params = e.params as Readonly<Record<string, unknown>>;
  const schema = (e.parentSchema ?? {}) as SchemaNode;
  const at = e.instancePath;
  const name = displayPath(at);
  const mustBe = schema.mustBe;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const where = at === '' ? '' : ` in ${name}`;
      const near = closest(key, Object.keys(schema.properties ?? {}));
      let hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
      if (near === undefined) {
        const home = homesOf(key, root, '')[0];
        if (home !== undefined) hint = home === '' ? ' (it belongs at the top level)' : ` (it belongs under '${home}')`;
      }
      return { pointer: childPointer(at, key), message: `unknown key '${key}'${where}${hint}` };
    }
    case 'required': {
      const pointer = childPointer(at, String(params['missingProperty']));
      return { pointer, message: `${displayPath(pointer)} is required` };
    }
    case 'type': {
      if (schema.secret === true && (typeof e.data !== 'object' || e.data === null)) {
        return { pointer: at, message: `${name} must not be written inline: use {file: ...} or {env: ...}` };
      }
      const expected = typePhrases[String(params['type'])] ?? String(params['type']);
      return { pointer: at, message: `${name} must be ${mustBe ?? expected}, not ${kindOf(e.data)}` };
    }
    case 'enum': {
      const allowed = (schema.enum ?? []).map((v) => `'${String(v)}'`).join(', ');
      const near = typeof e.data === 'string' ? closest(e.data, (schema.enum ?? []).map(String)) : undefined;
      const hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
      return { pointer: at, message: `${name} must be one of ${allowed}, not ${quote(e.data)}${hint}` };
    }
    case 'pattern':
    case 'format':
      return { pointer: at, message: `${name} must be ${mustBe ?? `in the form ${String(e.schema)}`}, not ${quote(e.data)}` };
    case 'minLength':
      return { pointer: at, message: params['limit'] === 1 ? `${name} must not be empty` : `${name} must be at least ${String(params['limit'])} characters long` };
    case 'maxLength':
      return { pointer: at, message: `${name} must be at most ${String(params['limit'])} characters long` };
    case 'minimum':
      return { pointer: at, message: `${name} must be at least ${String(params['limit'])}, not ${String(e.data)}` };
    case 'maximum':
      return { pointer: at, message: `${name} must be at most ${String(params['limit'])}, not ${String(e.data)}` };
    case 'minItems':
      return { pointer: at, message: `${name} must list at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}` };
    case 'maxItems':
      return { pointer: at, message: `${name} must list at most ${String(params['limit'])} items` };
    case 'uniqueItems': {
      const [i, j] = [Number(params['i']), Number(params['j'])];
      const later = childPointer(at, Math.max(i, j));
      return { pointer: later, message: `${displayPath(later)} repeats ${displayPath(childPointer(at, Math.min(i, j)))}: list each entry once` };
    }
    case 'minProperties':
    case 'maxProperties': {
      const keys = Object.keys(schema.properties ?? {}).join(' or ');
      if (schema.secret === true) return { pointer: at, message: `${name} must name exactly one of ${keys}` };
      return { pointer: at, message: `${name} ${e.message ?? 'is invalid'}` };
    }
    default:
      return { pointer: at, message: `${name} ${e.message ?? 'is invalid'}` };
  }
}

export function schemaProblems(src: SourceFile, errors: readonly ErrorObject[], root: SchemaNode): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  // A value of the wrong type fails its other keywords too: say only that the type is wrong.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword !== 'type' && wrongType.has(e.instancePath)) continue;
    const { pointer, message } = describe(e, root);
    const key = `${pointer}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const line = src.lineOf(pointer);
    problems.push(line === undefined ? { file: src.file, path: pointer, message } : { file: src.file, path: pointer, line, message });
  }
  return problems;
}
