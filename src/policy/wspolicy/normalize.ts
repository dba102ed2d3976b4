import type { Element } from '@xmldom/xmldom';
import type { PolicySubject } from './problems.ts';
import type { PolicyExpr } from './read.ts';

/** An assertion in normal form: its nested policy reduced to one alternative (WS-Policy 1.5 §4.3.2). */
export interface NormalAssertion {
  readonly ns: string;
  readonly local: string;
  readonly el: Element;
  /** Written with wsp:Optional="true" (this alternative is the one that keeps it). */
  readonly optional: boolean;
  readonly ignorable: boolean;
  /** The one alternative of its nested policy; undefined when the assertion has no nested policy. */
  readonly nested: NormalAlternative | undefined;
  /** The policy subject the assertion was attached to (for problem locations). */
  readonly subject: PolicySubject;
}

export type NormalAlternative = readonly NormalAssertion[];

/** Thrown when normalisation would produce more alternatives than the gateway will judge per message. */
export class TooManyAlternatives extends Error {
  override readonly name = 'TooManyAlternatives';
}

/** More than this many alternatives for one operation is refused at start-up (each message may be judged against all). */
export const MAX_ALTERNATIVES = 256;

/** The cross product of two sets of alternatives (wsp:All, and the WS-Policy merge of attachments). */
export function crossProduct(a: readonly NormalAlternative[], b: readonly NormalAlternative[]): NormalAlternative[] {
  if (a.length * b.length > MAX_ALTERNATIVES) throw new TooManyAlternatives(`${a.length} × ${b.length} alternatives`);
  const out: NormalAlternative[] = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

/**
 * The normal form of a policy expression (WS-Policy 1.5 §4.3): a list of alternatives, each a
 * list of assertions. wsp:All multiplies, wsp:ExactlyOne adds, wsp:Optional="true" gives the
 * alternative with and the one without the assertion, and an assertion whose nested policy has
 * several alternatives becomes one assertion per nested alternative. An empty wsp:ExactlyOne has
 * no alternative at all (nothing can satisfy it).
 */
export function normalize(expr: PolicyExpr, subject: PolicySubject): NormalAlternative[] {
  switch (expr.kind) {
    case 'all':
      return expr.children.reduce<NormalAlternative[]>((acc, child) => crossProduct(acc, normalize(child, subject)), [[]]);
    case 'exactlyOne': {
      const out = expr.children.flatMap((child) => normalize(child, subject));
      if (out.length > MAX_ALTERNATIVES) throw new TooManyAlternatives(`${out.length} alternatives`);
      return out;
    }
    case 'assertion': {
      const nested: (NormalAlternative | undefined)[] = expr.nested === undefined ? [undefined] : normalize(expr.nested, subject);
      const out: NormalAlternative[] = nested.map((n) => [{ ns: expr.ns, local: expr.local, el: expr.el, optional: expr.optional, ignorable: expr.ignorable, nested: n, subject }]);
      if (expr.optional) out.push([]);
      return out;
    }
  }
}
