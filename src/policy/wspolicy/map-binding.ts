import type { AlgorithmSuiteRequirement, LayoutKind } from '../model.ts';
import { ALGORITHM_SUITES, RECORDED_SUITE_OPTIONS, REFUSED_SUITE_OPTIONS, RSA15_SUITES } from './algorithm-suites.ts';
import { invalid, nestedOf, pathOf, refuse, unknown } from './draft.ts';
import type { MapContext } from './draft.ts';
import { mapTokenHolder } from './map-tokens.ts';
import { isSp } from './namespaces.ts';
import type { NormalAssertion } from './normalize.ts';

const LAYOUTS: ReadonlySet<string> = new Set(['Strict', 'Lax', 'LaxTsFirst', 'LaxTsLast']);

function mapAlgorithmSuite(ctx: MapContext, a: NormalAssertion, path: string): void {
  let suite: AlgorithmSuiteRequirement | undefined;
  for (const n of nestedOf(a)) {
    const p = pathOf(path, n);
    const def = isSp(n.ns) ? ALGORITHM_SUITES.get(n.local) : undefined;
    if (def !== undefined) suite = { assertion: p, name: n.local, ...def };
    else if (isSp(n.ns) && RSA15_SUITES.has(n.local)) refuse(ctx, n, p, 'the suite transports keys with RSA-1_5 (PKCS#1 v1.5, Bleichenbacher), which the gateway never accepts; use the suite without Rsa15');
    else if (isSp(n.ns) && REFUSED_SUITE_OPTIONS.has(n.local)) refuse(ctx, n, p, REFUSED_SUITE_OPTIONS.get(n.local) as string);
    else if (isSp(n.ns) && RECORDED_SUITE_OPTIONS.has(n.local)) ctx.draft.recorded.push({ assertion: p, note: RECORDED_SUITE_OPTIONS.get(n.local) as string });
    else unknown(ctx, n, p);
  }
  if (suite === undefined) {
    if (!ctx.draft.invalid) invalid(ctx, a, path, 'names no algorithm suite the gateway knows');
    return;
  }
  ctx.draft.suite = suite;
}

function mapLayout(ctx: MapContext, a: NormalAssertion, path: string): void {
  for (const n of nestedOf(a)) {
    const p = pathOf(path, n);
    if (isSp(n.ns) && LAYOUTS.has(n.local)) ctx.draft.layout = { assertion: p, layout: n.local as LayoutKind };
    else unknown(ctx, n, p);
  }
}

/** AlgorithmSuite, Layout and IncludeTimestamp: what both bindings may hold. True when `n` was one of them. */
function mapCommon(ctx: MapContext, n: NormalAssertion, p: string): boolean {
  if (!isSp(n.ns)) return false;
  if (n.local === 'AlgorithmSuite') mapAlgorithmSuite(ctx, n, p);
  else if (n.local === 'Layout') mapLayout(ctx, n, p);
  else if (n.local === 'IncludeTimestamp') ctx.draft.includeTimestamp = p;
  else return false;
  return true;
}

function setBinding(ctx: MapContext, a: NormalAssertion, path: string, kind: 'asymmetric' | 'transport'): boolean {
  if (ctx.draft.binding !== undefined) {
    invalid(ctx, a, path, `a second security binding in one alternative (already ${ctx.draft.binding.assertion}); attach one binding per operation`);
    return false;
  }
  ctx.draft.binding = { kind, assertion: path };
  return true;
}

/** sp:AsymmetricBinding: X.509 signature by the initiator, encryption to the recipient (the gateway). */
export function mapAsymmetricBinding(ctx: MapContext, a: NormalAssertion, path: string): void {
  if (!setBinding(ctx, a, path, 'asymmetric')) return;
  const d = ctx.draft;
  d.recorded.push({ assertion: `${path} (protection order)`, note: 'sign-then-encrypt and encrypt-then-sign are both accepted: the Body is judged signed and encrypted by node identity either way' });
  for (const n of nestedOf(a)) {
    const p = pathOf(path, n);
    if (mapCommon(ctx, n, p)) continue;
    if (!isSp(n.ns)) unknown(ctx, n, p);
    else if (n.local === 'InitiatorToken' || n.local === 'InitiatorSignatureToken') d.signer = mapTokenHolder(ctx, n, p);
    else if (n.local === 'RecipientToken' || n.local === 'RecipientEncryptionToken') d.recipient = mapTokenHolder(ctx, n, p);
    else if (n.local === 'InitiatorEncryptionToken' || n.local === 'RecipientSignatureToken') d.recorded.push({ assertion: p, note: 'response side: not enforced (responses are forwarded as the backend sends them)' });
    else if (n.local === 'EncryptBeforeSigning') d.recorded.push({ assertion: p, note: 'the protection order is not checked: both orders are accepted' });
    else if (n.local === 'EncryptSignature') refuse(ctx, n, p, 'the gateway does not decrypt an encrypted ds:Signature inside wsse:Security, so no message could satisfy it');
    else if (n.local === 'ProtectTokens') d.protectTokens = p;
    else if (n.local === 'OnlySignEntireHeadersAndBody') d.onlySignEntireHeadersAndBody = p;
    else unknown(ctx, n, p);
  }
  if (d.signer === undefined && !d.invalid) invalid(ctx, a, path, 'has no sp:InitiatorToken: the gateway needs to know which X.509 token signs requests');
  if (d.suite === undefined && !d.invalid) invalid(ctx, a, path, 'has no sp:AlgorithmSuite (WS-SecurityPolicy requires one)');
  if (d.protectTokens !== undefined && d.signer?.inclusion === 'never') {
    invalid(ctx, a, path, 'sp:ProtectTokens with an InitiatorToken that is never included cannot be satisfied: the signature can only cover a BinarySecurityToken in the message');
  }
}

/** sp:TransportBinding with sp:HttpsToken: protection by TLS. */
export function mapTransportBinding(ctx: MapContext, a: NormalAssertion, path: string): void {
  if (!setBinding(ctx, a, path, 'transport')) return;
  for (const n of nestedOf(a)) {
    const p = pathOf(path, n);
    if (mapCommon(ctx, n, p)) continue;
    if (isSp(n.ns) && n.local === 'TransportToken') mapTransportToken(ctx, n, p);
    else unknown(ctx, n, p);
  }
  if (ctx.draft.transport === undefined && !ctx.draft.invalid) invalid(ctx, a, path, 'has no sp:TransportToken/sp:HttpsToken');
}

function mapTransportToken(ctx: MapContext, a: NormalAssertion, path: string): void {
  for (const t of nestedOf(a)) {
    const p = pathOf(path, t);
    if (!(isSp(t.ns) && t.local === 'HttpsToken')) {
      if (isSp(t.ns)) refuse(ctx, t, p, 'the gateway\'s only transport token is sp:HttpsToken');
      else unknown(ctx, t, p);
      continue;
    }
    // WS-SecurityPolicy 1.1 writes RequireClientCertificate as an attribute, 1.2 as a nested assertion.
    let clientCertificate = ['true', '1'].includes((t.el.getAttribute('RequireClientCertificate') ?? '').trim());
    for (const n of nestedOf(t)) {
      const np = pathOf(p, n);
      if (isSp(n.ns) && n.local === 'RequireClientCertificate') clientCertificate = true;
      else if (isSp(n.ns) && (n.local === 'HttpBasicAuthentication' || n.local === 'HttpDigestAuthentication')) refuse(ctx, n, np, 'HTTP authentication is not checked by the gateway');
      else unknown(ctx, n, np);
    }
    ctx.draft.transport = { assertion: p, clientCertificate };
  }
}
