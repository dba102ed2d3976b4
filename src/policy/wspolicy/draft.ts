import type { AlgorithmSuiteRequirement, ElementRequirement, HeaderRequirement, LayoutRequirement, RecordedAssertion, SupportingTokenRequirement, TransportRequirement, X509TokenRequirement } from '../model.ts';
import { SECURITY_NAMESPACES, label } from './namespaces.ts';
import type { NormalAssertion } from './normalize.ts';
import type { PolicyProblems } from './problems.ts';

/** What one alternative's assertions said, gathered before it becomes SecurityRequirements. */
export interface Draft {
  binding?: { readonly kind: 'asymmetric' | 'transport'; readonly assertion: string };
  signer?: X509TokenRequirement;
  recipient?: X509TokenRequirement;
  suite?: AlgorithmSuiteRequirement;
  layout?: LayoutRequirement;
  includeTimestamp?: string;
  onlySignEntireHeadersAndBody?: string;
  protectTokens?: string;
  transport?: TransportRequirement;
  signedBody?: string;
  encryptedBody?: string;
  readonly signedHeaders: HeaderRequirement[];
  readonly encryptedHeaders: HeaderRequirement[];
  readonly signedElements: ElementRequirement[];
  readonly encryptedElements: ElementRequirement[];
  readonly supporting: SupportingTokenRequirement[];
  addressing?: string;
  readonly recorded: RecordedAssertion[];
  /** Set when an optional assertion the gateway cannot enforce makes this alternative unusable. */
  dropped?: string;
  /** Set when a problem was reported for this alternative. */
  invalid: boolean;
}

export function newDraft(): Draft {
  return { signedHeaders: [], encryptedHeaders: [], signedElements: [], encryptedElements: [], supporting: [], recorded: [], invalid: false };
}

/** The mapping state shared by the per-family mappers. */
export interface MapContext {
  readonly problems: PolicyProblems;
  readonly draft: Draft;
}

/** `parent/sp:Local`: the path of an assertion inside the alternative, as error details name it. */
export const pathOf = (parent: string, a: NormalAssertion): string => (parent === '' ? label(a.ns, a.local) : `${parent}/${label(a.ns, a.local)}`);

const clarkOf = (a: NormalAssertion): string => `{${a.ns}}${a.local}`;

/** An assertion the gateway knows and cannot enforce: always a start-up problem. */
export function refuse(ctx: MapContext, a: NormalAssertion, path: string, why: string): void {
  ctx.problems.at(a.el, a.subject, `${path} (${clarkOf(a)}) is not supported: ${why}`);
  ctx.draft.invalid = true;
}

/** A problem with how an assertion is written (missing parts, bad values). */
export function invalid(ctx: MapContext, a: NormalAssertion, path: string, why: string): void {
  ctx.problems.at(a.el, a.subject, `${path}: ${why}`);
  ctx.draft.invalid = true;
}

/**
 * An assertion the gateway does not know. In a security namespace: a start-up problem, whatever
 * its flags. Elsewhere: wsp:Ignorable drops the assertion (recorded), wsp:Optional drops this
 * alternative (the one without it remains), and anything else is a start-up problem.
 */
export function unknown(ctx: MapContext, a: NormalAssertion, path: string): void {
  if (SECURITY_NAMESPACES.includes(a.ns)) {
    refuse(ctx, a, path, 'the gateway does not know this security assertion and will not ignore it');
    return;
  }
  if (a.ignorable) {
    ctx.draft.recorded.push({ assertion: path, note: 'wsp:Ignorable and unknown to the gateway: ignored' });
    return;
  }
  if (a.optional) {
    ctx.draft.dropped ??= `${path} is wsp:Optional and unknown to the gateway`;
    return;
  }
  ctx.problems.at(a.el, a.subject, `${path} (${clarkOf(a)}) is an assertion the gateway does not know, and it is neither wsp:Optional nor wsp:Ignorable: it cannot be enforced, so start-up stops`);
  ctx.draft.invalid = true;
}

/** The nested alternative of an assertion (empty when it has no nested policy). */
export const nestedOf = (a: NormalAssertion): readonly NormalAssertion[] => a.nested ?? [];
