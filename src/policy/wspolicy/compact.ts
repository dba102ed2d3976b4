import type { SecurityRequirements } from '../../config/types.ts';
import type { X509ReferenceStyle, X509TokenRequirement } from '../model.ts';

/** The alternative with its token reference styles blanked: alternatives equal under this key differ only there. */
function keyOf(r: SecurityRequirements): string {
  const blank = (t: X509TokenRequirement | undefined): X509TokenRequirement | undefined => (t === undefined ? undefined : { ...t, references: [] });
  return JSON.stringify({ ...r, signer: blank(r.signer), recipient: blank(r.recipient) });
}

function unite(a: X509TokenRequirement | undefined, b: X509TokenRequirement | undefined): X509TokenRequirement | undefined {
  if (a === undefined || b === undefined) return a;
  // An empty list means any style: it absorbs the others.
  const references: X509ReferenceStyle[] = a.references.length === 0 || b.references.length === 0 ? [] : [...new Set([...a.references, ...b.references])];
  return { ...a, references };
}

/**
 * A wsp:ExactlyOne of reference styles inside an sp:X509Token multiplies the alternatives (three
 * styles for the initiator × three for the recipient = nine). Alternatives that differ only in
 * those styles are judged as one whose token accepts any of the styles: the same messages pass,
 * except that two signatures (or two EncryptedKeys) of one message may each use another listed
 * style. Everything else about the alternatives must be identical for them to be joined.
 */
export function compactAlternatives(alternatives: readonly SecurityRequirements[]): SecurityRequirements[] {
  const groups = new Map<string, SecurityRequirements>();
  for (const alt of alternatives) {
    const key = keyOf(alt);
    const seen = groups.get(key);
    groups.set(key, seen === undefined ? alt : { ...seen, ...(seen.signer ? { signer: unite(seen.signer, alt.signer) } : {}), ...(seen.recipient ? { recipient: unite(seen.recipient, alt.recipient) } : {}) });
  }
  return [...groups.values()];
}
