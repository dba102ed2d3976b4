/**
 * One strict streaming pass (saxes, namespaces on) over a request body, so that the example backend
 * can answer like a conforming SOAP node before node-soap sees the message: node-soap itself ignores
 * the envelope namespace, mustUnderstand and DOCTYPEs, and reports malformed XML as a bare HTTP 500.
 */
import { SaxesParser } from 'saxes';

export interface QName {
  readonly ns: string;
  readonly local: string;
}

export interface HeaderBlock extends QName {
  /** mustUnderstand="1"/"true" in the envelope's namespace. */
  readonly mustUnderstand: boolean;
  /** SOAP 1.2 `role` or SOAP 1.1 `actor`, when present. */
  readonly role?: string;
}

export type EnvelopeScan =
  | { readonly ok: true; readonly root: QName; readonly headerBlocks: readonly HeaderBlock[]; readonly bodyChild?: QName }
  | { readonly ok: false; readonly problem: string };

export function scanEnvelope(text: string): EnvelopeScan {
  const parser = new SaxesParser({ xmlns: true });
  let problem: string | undefined;
  let root: QName | undefined;
  let bodyChild: QName | undefined;
  const headerBlocks: HeaderBlock[] = [];
  /** Names of the open elements, outermost first, as `ns local`. */
  const open: QName[] = [];

  parser.on('error', (err) => {
    problem ??= `malformed XML: ${err.message}`;
  });
  parser.on('doctype', () => {
    problem ??= 'a DOCTYPE is not allowed in a SOAP message';
  });
  parser.on('processinginstruction', () => {
    problem ??= 'processing instructions are not allowed in a SOAP message';
  });
  parser.on('opentag', (tag) => {
    const name: QName = { ns: tag.uri, local: tag.local };
    const parent = open[open.length - 1];
    if (open.length === 0) {
      root = name;
    } else if (open.length === 1 && parent !== undefined && parent.ns === root?.ns) {
      // a direct child of the Envelope: Header or Body
    } else if (open.length === 2 && parent !== undefined && parent.ns === root?.ns) {
      if (parent.local === 'Header') headerBlocks.push(headerBlock(name, tag.attributes, root.ns));
      if (parent.local === 'Body') bodyChild ??= name;
    }
    open.push(name);
  });
  parser.on('closetag', () => {
    open.pop();
  });

  try {
    parser.write(text.replace(/^\uFEFF/, '')).close();
  } catch (err) {
    problem ??= `malformed XML: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (problem !== undefined) return { ok: false, problem };
  if (root === undefined) return { ok: false, problem: 'no root element' };
  return { ok: true, root, headerBlocks, ...(bodyChild === undefined ? {} : { bodyChild }) };
}

function headerBlock(name: QName, attributes: Readonly<Record<string, { uri: string; local: string; value: string }>>, envNs: string): HeaderBlock {
  let mustUnderstand = false;
  let role: string | undefined;
  for (const a of Object.values(attributes)) {
    if (a.uri !== envNs) continue;
    if (a.local === 'mustUnderstand') mustUnderstand = a.value.trim() === '1' || a.value.trim() === 'true';
    if (a.local === 'role' || a.local === 'actor') role = a.value.trim();
  }
  return { ...name, mustUnderstand, ...(role === undefined ? {} : { role }) };
}
