import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { writeClaimsConfig } from '../../support/interop.ts';
import { lineContaining, problemsOf } from './helpers.ts';

describe('authorization section', () => {
  const dirs: string[] = [];
  const write = (yaml: string): string => {
    const dir = writeClaimsConfig('http://127.0.0.1:1', yaml);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('is absent by default (no authorization stage)', () => {
    expect(loadConfig(join(write(''), 'gateway.yaml')).services[0]?.authorization).toBeUndefined();
  });

  it('loads nested rules', () => {
    const dir = write(`authorization:
  operations:
    GetClaimStatus:
      anyOf:
        - {match: {field: x509.subject, equals: "CN=a"}}
        - allOf: [{match: {field: saml.attribute, name: role, in: [reader]}}, {match: {field: username, equals: u}}]
    '*': {match: {field: tls.fingerprint256, equals: "AA:BB"}}
`);
    expect(loadConfig(join(dir, 'gateway.yaml')).services[0]?.authorization).toEqual({
      operations: {
        GetClaimStatus: {
          anyOf: [{ match: { field: 'x509.subject', equals: 'CN=a' } }, { allOf: [{ match: { field: 'saml.attribute', name: 'role', in: ['reader'] } }, { match: { field: 'username', equals: 'u' } }] }],
        },
        '*': { match: { field: 'tls.fingerprint256', equals: 'AA:BB' } },
      },
    });
  });

  it('refuses an unknown field at the top level and in a nested rule, with its line', () => {
    const dir = write(`authorization:
  operations:
    GetClaimStatus: {match: {field: x509.serial, equals: "1"}}
    SubmitClaim:
      anyOf:
        - {match: {field: username, equals: u, regex: ".*"}}
        - {macth: {field: username, equals: u}}
`);
    const problems = problemsOf(join(dir, 'gateway.yaml'));
    const file = join(dir, 'claims', 'service.yaml');
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('/authorization/operations/GetClaimStatus/match/field');
    expect(paths).toContain('/authorization/operations/SubmitClaim/anyOf/0/match/regex');
    expect(paths).toContain('/authorization/operations/SubmitClaim/anyOf/1/macth');
    expect(problems.find((p) => p.path === '/authorization/operations/SubmitClaim/anyOf/1/macth')?.line).toBe(lineContaining(file, 'macth'));
  });

  it('refuses a rule with two kinds, at the rule, top level and nested', () => {
    const dir = write(`authorization:
  operations:
    GetClaimStatus:
      match: {field: username, equals: u}
      anyOf: [{match: {field: username, equals: v}}]
    SubmitClaim:
      allOf:
        - {anyOf: [{match: {field: username, equals: u}}], match: {field: username, equals: v}}
`);
    const problems = problemsOf(join(dir, 'gateway.yaml'));
    const file = join(dir, 'claims', 'service.yaml');
    const top = problems.find((p) => p.path === '/authorization/operations/GetClaimStatus');
    expect(top?.message).toMatch(/exactly one of anyOf, allOf or match/);
    expect(top?.line).toBe(lineContaining(file, 'GetClaimStatus:'));
    expect(problems.find((p) => p.path === '/authorization/operations/SubmitClaim/allOf/0')?.message).toMatch(/exactly one/);
  });

  it('refuses saml.attribute without a name, name on another field, equals with in, and an empty operations map', () => {
    const dir = write(`authorization:
  operations:
    GetClaimStatus: {match: {field: saml.attribute, equals: r}}
    SubmitClaim: {match: {field: username, name: role, equals: u, in: [v]}}
`);
    const messages = problemsOf(join(dir, 'gateway.yaml')).map((p) => `${p.path} ${p.message}`);
    expect(messages).toContain('/authorization/operations/GetClaimStatus/match field saml.attribute needs the attribute name (name: ...)');
    expect(messages).toContain('/authorization/operations/SubmitClaim/match/name name is only for field saml.attribute');
    expect(messages).toContain('/authorization/operations/SubmitClaim/match match holds exactly one of equals or in, not both');
    expect(problemsOf(join(write('authorization: {operations: {}}\n'), 'gateway.yaml')).map((p) => p.path)).toContain('/authorization/operations');
  });
});
