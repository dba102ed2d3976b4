/**
 * The `authorization` section: what the schema cannot say (a rule holds exactly one of `anyOf`,
 * `allOf`, `match`; nested rules; `name` only and always with `saml.attribute`; exactly one of
 * `equals`/`in`), and the frozen rules.
 */
import type { ConfigProblem } from './problems.ts';
import { authzFields } from './schema.ts';
import type { AuthorizationConfig, AuthzField, AuthzMatch, AuthzRule } from './types.ts';
import { isRec, problemAt, type Rec } from './checks.ts';
import type { SourceFile } from './yaml-locate.ts';

const ruleKinds = ['anyOf', 'allOf', 'match'] as const;
const matchKeys = new Set(['field', 'name', 'equals', 'in']);
const isField = (v: unknown): v is AuthzField => typeof v === 'string' && (authzFields as readonly string[]).includes(v);

/**
 * Problems of one rule at `pointer`. `nested` rules are not covered by the schema, so their shape
 * (unknown keys, types) is checked here too; top-level rules only get the checks the schema lacks.
 */
function ruleProblems(src: SourceFile, pointer: string, rule: unknown, nested: boolean): ConfigProblem[] {
  if (!isRec(rule)) return nested ? [problemAt(src, pointer, 'a rule must be an object with one of anyOf, allOf or match')] : [];
  const out: ConfigProblem[] = [];
  if (nested) {
    for (const key of Object.keys(rule)) {
      if (!(ruleKinds as readonly string[]).includes(key)) out.push(problemAt(src, `${pointer}/${key}`, `unknown rule key '${key}': a rule is one of anyOf, allOf or match`));
    }
  }
  const kinds = ruleKinds.filter((k) => k in rule);
  if (kinds.length === 0) out.push(problemAt(src, pointer, 'a rule needs one of anyOf, allOf or match'));
  if (kinds.length > 1) out.push(problemAt(src, pointer, `a rule holds exactly one of anyOf, allOf or match, not ${kinds.join(' and ')}: nest them (e.g. allOf: [{match: ...}, {anyOf: [...]}])`));
  for (const kind of ['anyOf', 'allOf'] as const) {
    if (!(kind in rule)) continue;
    const list = rule[kind];
    if (!Array.isArray(list)) {
      if (nested) out.push(problemAt(src, `${pointer}/${kind}`, `${kind} must be a list of rules`));
      continue;
    }
    if (list.length === 0 && nested) out.push(problemAt(src, `${pointer}/${kind}`, `${kind} needs at least one rule`));
    list.forEach((r: unknown, i) => out.push(...ruleProblems(src, `${pointer}/${kind}/${i}`, r, true)));
  }
  if ('match' in rule) out.push(...matchProblems(src, `${pointer}/match`, rule['match'], nested));
  return out;
}

function matchProblems(src: SourceFile, pointer: string, match: unknown, nested: boolean): ConfigProblem[] {
  if (!isRec(match)) return nested ? [problemAt(src, pointer, 'match must be an object with field and equals or in')] : [];
  const out: ConfigProblem[] = [];
  if (nested) out.push(...matchShapeProblems(src, pointer, match));
  const field = match['field'];
  if (field === 'saml.attribute' && match['name'] === undefined) out.push(problemAt(src, pointer, 'field saml.attribute needs the attribute name (name: ...)'));
  if (field !== 'saml.attribute' && match['name'] !== undefined) out.push(problemAt(src, `${pointer}/name`, 'name is only for field saml.attribute'));
  const has = ['equals', 'in'].filter((k) => k in match);
  if (has.length !== 1) out.push(problemAt(src, pointer, has.length === 0 ? 'match needs equals or in' : 'match holds exactly one of equals or in, not both'));
  return out;
}

/** What the schema checks for a top-level match, for a nested one. */
function matchShapeProblems(src: SourceFile, pointer: string, match: Rec): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const key of Object.keys(match)) if (!matchKeys.has(key)) out.push(problemAt(src, `${pointer}/${key}`, `unknown match key '${key}': use field, name, equals or in`));
  if (!isField(match['field'])) out.push(problemAt(src, `${pointer}/field`, `match.field must be one of ${authzFields.join(', ')}`));
  if ('name' in match && (typeof match['name'] !== 'string' || match['name'] === '')) out.push(problemAt(src, `${pointer}/name`, 'name must be a non-empty string'));
  if ('equals' in match && typeof match['equals'] !== 'string') out.push(problemAt(src, `${pointer}/equals`, 'equals must be a string'));
  if ('in' in match) {
    const list = match['in'];
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) out.push(problemAt(src, `${pointer}/in`, 'in must be a non-empty list of strings'));
  }
  return out;
}

/** Checks of the `authorization` section the schema cannot express; runs on invalid data too. */
export function checkAuthorization(src: SourceFile): ConfigProblem[] {
  const data = src.data;
  if (!isRec(data) || !isRec(data['authorization']) || !isRec(data['authorization']['operations'])) return [];
  return Object.entries(data['authorization']['operations']).flatMap(([op, rule]) => ruleProblems(src, `/authorization/operations/${op.replace(/~/g, '~0').replace(/\//g, '~1')}`, rule, false));
}

function buildRule(rule: AuthzRule): AuthzRule {
  if ('anyOf' in rule) return { anyOf: rule.anyOf.map(buildRule) };
  if ('allOf' in rule) return { allOf: rule.allOf.map(buildRule) };
  const m: AuthzMatch = rule.match;
  return {
    match: {
      field: m.field,
      ...(m.name !== undefined ? { name: m.name } : {}),
      ...(m.equals !== undefined ? { equals: m.equals } : {}),
      ...(m.in !== undefined ? { in: [...m.in] } : {}),
    },
  };
}

/** The validated section (every rule checked by checkAuthorization), copied. */
export function buildAuthorization(doc: AuthorizationConfig): AuthorizationConfig {
  return { operations: Object.fromEntries(Object.entries(doc.operations).map(([op, rule]) => [op, buildRule(rule)])) };
}
