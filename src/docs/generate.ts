/**
 * Renders the documentation that must never drift from the code: the configuration reference
 * (from the JSON Schemas) and the error table (from the error catalogue). `write.ts` writes them;
 * a unit test fails when the committed files differ from what is rendered here.
 */
import { gatewaySchema, serviceSchema } from '../config/schema.ts';
import type { SchemaNode } from '../config/schema.ts';
import { errorCatalogue, errorCodes, httpStatusFor } from '../errors.ts';
import type { ErrorDef, FaultKind } from '../errors.ts';

/** The generated files, relative to the repository root. */
export const generatedDocs: readonly { readonly path: string; readonly render: () => string }[] = [
  { path: 'docs/config-reference.md', render: renderConfigReference },
  { path: 'docs/errors.md', render: renderErrorTable },
];

const banner = (source: string): string =>
  `<!-- Generated from ${source} by \`node --import tsx src/docs/write.ts\`. Do not edit by hand. -->`;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function sizeOf(n: number, key: string): string {
  if (!/Bytes$/.test(key) || n < 1024 || n % 1024 !== 0) return '';
  return n % (1024 * 1024) === 0 ? ` (${n / (1024 * 1024)} MiB)` : ` (${n / 1024} KiB)`;
}

const withBytes = (n: number, key: string): string => `${n}${sizeOf(n, key)}`;

function typeOf(node: SchemaNode): string {
  if (node.enum !== undefined) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  switch (node.type) {
    case 'object':
      return node.secret === true ? 'secret reference' : 'mapping';
    case 'array':
      return node.items === undefined ? 'list' : `list of ${typeOf(node.items)}`;
    case undefined:
      return 'any';
    default:
      return node.type;
  }
}

function defaultOf(node: SchemaNode, key: string, required: boolean): string {
  if (required) return '**required**';
  const d = node.default;
  if (d === undefined) return '—';
  if (typeof d === 'object' && d !== null && !Array.isArray(d)) return '';
  if (typeof d === 'number') return `\`${d}\`${sizeOf(d, key)}`;
  return `\`${JSON.stringify(d).replace(/^"|"$/g, '')}\``;
}

function constraintsOf(node: SchemaNode, key: string): string[] {
  const out: string[] = [];
  if (node.mustBe !== undefined && node.type !== 'object') out.push(`Must be ${node.mustBe}.`);
  if (node.minimum !== undefined && node.maximum !== undefined) {
    out.push(`From ${withBytes(node.minimum, key)} to ${withBytes(node.maximum, key)}.`);
  } else if (node.minimum !== undefined) {
    out.push(`At least ${withBytes(node.minimum, key)}.`);
  }
  if (node.minItems !== undefined && node.minItems > 0) out.push(`At least ${node.minItems} entr${node.minItems === 1 ? 'y' : 'ies'}.`);
  if (node.uniqueItems === true) out.push('No duplicates.');
  if (node.items?.mustBe !== undefined && node.items.type !== 'object') out.push(`Each entry: ${node.items.mustBe}.`);
  return out;
}

function rows(node: SchemaNode, prefix: string): string[] {
  const out: string[] = [];
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const key = `${prefix}${name}`;
    const description = [child.description ?? '', ...constraintsOf(child, name)].filter((s) => s !== '').join(' ');
    out.push(`| \`${key}\` | ${typeOf(child)} | ${defaultOf(child, name, required.has(name))} | ${cell(description)} |`);
    if (child.properties !== undefined) out.push(...rows(child, `${key}.`));
    if (child.items?.properties !== undefined) out.push(...rows(child.items, `${key}[].`));
  }
  return out;
}

function schemaSection(heading: string, schema: SchemaNode): string {
  return [
    `## ${heading}`,
    '',
    schema.description ?? '',
    '',
    '| Key | Type | Default | Description |',
    '|---|---|---|---|',
    ...rows(schema, ''),
    '',
  ].join('\n');
}

export function renderConfigReference(): string {
  return [
    banner('src/config/schema.ts'),
    '',
    '# Configuration reference',
    '',
    'wsgate reads one **gateway file** (given with `--config`) and one **service file** per service directory it lists.',
    'Both are YAML, or JSON when the name ends in `.json`. Every problem in every file is reported at start-up, with',
    'file, line and key, and the gateway does not start until all are fixed:',
    '',
    '- An unknown key is an error (with a suggestion when it looks like a typo of a known key).',
    '- Secrets are never written inline: `passphrase` takes `{file: path}` or `{env: VARIABLE}`.',
    '- Referenced files (TLS material, WSDL) must exist; a WSDL must lie inside its service directory.',
    '- `tls` needs `cert` + `key` or `pfx`; `clientCa` and `clientAuth` `optional`/`require` go together.',
    '- Service names and public port paths are unique across all services; the admin port differs from the listen port.',
    '',
    'Start-up warnings (the gateway still starts): files under a directory marked `TEST-ONLY` (demo key material),',
    '`workers` above 1 (throttles and replay detection are per worker), `limits` raised above their defaults,',
    'an admin listener on a non-loopback address, plain HTTP on a non-loopback address, and secret files that other',
    'users can read.',
    '',
    schemaSection('Gateway file', gatewaySchema),
    schemaSection('Service file (`service.yaml`)', serviceSchema),
  ].join('\n');
}

const soap11Fault: Readonly<Record<FaultKind, string>> = {
  sender: 'Client',
  receiver: 'Server',
  versionMismatch: 'VersionMismatch',
  mustUnderstand: 'MustUnderstand',
};

const soap12Fault: Readonly<Record<FaultKind, string>> = {
  sender: 'Sender',
  receiver: 'Receiver',
  versionMismatch: 'VersionMismatch',
  mustUnderstand: 'MustUnderstand',
};

export function renderErrorTable(): string {
  const lines = errorCodes.map((code) => {
    const def: ErrorDef = errorCatalogue[code];
    const shown = def.publicAs === undefined ? def.message : `${errorCatalogue[def.publicAs].message} (shown as \`${def.publicAs}\`)`;
    const s11 = `\`${soap11Fault[def.fault]}\` ${httpStatusFor(code, '1.1')}`;
    const s12 = `\`${soap12Fault[def.fault]}\` ${httpStatusFor(code, '1.2')}`;
    return `| \`${code}\` | ${s11} | ${s12} | ${cell(shown)} | ${cell(def.when)} |`;
  });
  return [
    banner('src/errors.ts'),
    '',
    '# Error codes',
    '',
    `Every request the gateway rejects carries one of these ${errorCodes.length} codes. The client receives a SOAP fault`,
    'in the SOAP version of its request, with the code, the client message below and a correlation id; the precise',
    'reason goes only to the log and the audit record.',
    '',
    'HTTP status: SOAP 1.1 answers every fault with 500 and SOAP 1.2 answers `Sender` faults with 400 and the others',
    'with 500 (SOAP 1.1 §6.2, SOAP 1.2 part 2 §7.5.2), except for conditions that are HTTP-level (size, media type,',
    'routing, timeouts, backend reachability), which use their own status in both versions.',
    '',
    '| Code | SOAP 1.1 faultcode, HTTP | SOAP 1.2 Code, HTTP | Client message | When |',
    '|---|---|---|---|---|',
    ...lines,
    '',
  ].join('\n');
}
