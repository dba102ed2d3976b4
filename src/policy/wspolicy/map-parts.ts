import { childElements } from '../../xml/ns.ts';
import type { ElementRequirement, HeaderRequirement } from '../model.ts';
import { parseElementPath } from '../xpath.ts';
import { invalid, refuse } from './draft.ts';
import type { MapContext } from './draft.ts';
import { isSp } from './namespaces.ts';
import type { NormalAssertion } from './normalize.ts';

/**
 * sp:SignedParts / sp:EncryptedParts: sp:Body, sp:Header (Namespace, optional Name). Empty
 * SignedParts means the Body and every header for the ultimate receiver; empty EncryptedParts
 * means the Body (WS-SecurityPolicy 1.2 §5.1). sp:Attachments is refused (no SOAP attachments).
 */
export function mapParts(ctx: MapContext, a: NormalAssertion, path: string, kind: 'signed' | 'encrypted'): void {
  const d = ctx.draft;
  const headers: HeaderRequirement[] = [];
  let body = false;
  const params = childElements(a.el).filter((c) => isSp(c.namespaceURI ?? ''));
  for (const c of params) {
    if (c.localName === 'Body') body = true;
    else if (c.localName === 'Header') {
      const ns = c.getAttribute('Namespace');
      if (!ns) invalid(ctx, a, `${path}/sp:Header`, 'sp:Header needs a Namespace attribute');
      else {
        const name = c.getAttribute('Name') || undefined;
        headers.push({ assertion: `${path}/sp:Header{${ns}}${name ?? '*'}`, ns, local: name });
      }
    } else if (c.localName === 'Attachments') refuse(ctx, a, `${path}/sp:Attachments`, 'SOAP attachments are not supported by the gateway');
    else invalid(ctx, a, `${path}/sp:${c.localName ?? ''}`, 'is not a part WS-SecurityPolicy defines');
  }
  if (params.length === 0) {
    body = true;
    if (kind === 'signed') headers.push({ assertion: `${path} (empty: every header)`, ns: undefined, local: undefined });
  }
  if (kind === 'signed') {
    if (body) d.signedBody ??= `${path}/sp:Body`;
    d.signedHeaders.push(...headers);
  } else {
    if (body) d.encryptedBody ??= `${path}/sp:Body`;
    d.encryptedHeaders.push(...headers);
  }
}

/** sp:SignedElements / sp:EncryptedElements: XPath 1.0 expressions of the documented subset (src/policy/xpath.ts). */
export function mapElements(ctx: MapContext, a: NormalAssertion, path: string, kind: 'signed' | 'encrypted'): void {
  const version = a.el.getAttribute('XPathVersion');
  if (version && version !== '1.0' && version !== 'http://www.w3.org/TR/1999/REC-xpath-19991116') {
    refuse(ctx, a, path, `XPathVersion '${version}': only XPath 1.0 paths are read`);
    return;
  }
  const out: ElementRequirement[] = [];
  for (const c of childElements(a.el)) {
    if (!(isSp(c.namespaceURI ?? '') && c.localName === 'XPath')) {
      refuse(ctx, a, `${path}/${c.localName ?? ''}`, 'only sp:XPath children are read');
      continue;
    }
    const xpath = (c.textContent ?? '').trim();
    const parsed = parseElementPath(xpath, (prefix) => c.lookupNamespaceURI(prefix));
    if (!parsed.ok) refuse(ctx, a, `${path}/sp:XPath`, `${parsed.message}; supported: '/p:A/q:B' or '//q:B' with declared prefixes`);
    else out.push({ assertion: `${path}/sp:XPath[${xpath}]`, xpath, anywhere: parsed.anywhere, steps: parsed.steps });
  }
  if (out.length === 0 && !ctx.draft.invalid) invalid(ctx, a, path, 'holds no sp:XPath');
  (kind === 'signed' ? ctx.draft.signedElements : ctx.draft.encryptedElements).push(...out);
}
