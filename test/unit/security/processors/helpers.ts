import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { parseXml, defaultXmlLimits } from '../../../../src/xml/parse.ts';
import { NS_WSSE, NS_WSU } from '../../../../src/xml/ns.ts';

export const INTEROP = join(import.meta.dirname, '../../../fixtures/interop');

export function parse(xml: string): Element {
  const { doc } = parseXml(Buffer.from(xml, 'utf-8'), 'utf-8', defaultXmlLimits);
  const root = doc.documentElement;
  if (root === null) throw new Error('no root');
  return root;
}

/** The only element with that name in an interop case's request. */
export function interopElement(caseId: string, ns: string, local: string): Element {
  const manifest = JSON.parse(readFileSync(join(INTEROP, 'manifest.json'), 'utf8')) as { cases: { id: string; dir: string; file: string }[] };
  const c = manifest.cases.find((x) => x.id === caseId);
  if (c === undefined) throw new Error(`no case ${caseId}`);
  const { doc } = parseXml(readFileSync(join(INTEROP, c.dir, c.file)), 'utf-8', defaultXmlLimits);
  const found = doc.getElementsByTagNameNS(ns, local);
  const el = found.item(0);
  if (found.length !== 1 || el === null) throw new Error(`${caseId}: expected one ${local}`);
  return el;
}

export function interopClock(caseId: string): string {
  const manifest = JSON.parse(readFileSync(join(INTEROP, 'manifest.json'), 'utf8')) as { cases: { id: string; clock: string }[] };
  const c = manifest.cases.find((x) => x.id === caseId);
  if (c === undefined) throw new Error(`no case ${caseId}`);
  return c.clock;
}

export const WSU = NS_WSU;
export const WSSE = NS_WSSE;

/** Runs fn and returns the GatewayError code it threw (or 'none'). */
export async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'none';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}
