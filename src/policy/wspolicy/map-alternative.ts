import type { SecurityRequirements, SignedPart } from '../../config/types.ts';
import type { RequirementOrigins, SupportingContainer } from '../model.ts';
import { newDraft, pathOf, refuse, unknown } from './draft.ts';
import type { Draft, MapContext } from './draft.ts';
import { mapAsymmetricBinding, mapTransportBinding } from './map-binding.ts';
import { mapElements, mapParts } from './map-parts.ts';
import { mapSupportingTokens } from './map-tokens.ts';
import { WSAM, WSAW, isSp } from './namespaces.ts';
import type { NormalAlternative, NormalAssertion } from './normalize.ts';
import type { PolicyProblems } from './problems.ts';

export type MappedAlternative = { readonly kind: 'ok'; readonly requirements: SecurityRequirements } | { readonly kind: 'dropped'; readonly reason: string } | { readonly kind: 'invalid' };

const SUPPORTING: ReadonlySet<string> = new Set(['SupportingTokens', 'SignedSupportingTokens', 'EndorsingSupportingTokens', 'SignedEndorsingSupportingTokens']);

const REFUSED_TOP: ReadonlyMap<string, string> = new Map([
  ['SymmetricBinding', 'the gateway verifies X.509 signatures (AsymmetricBinding) or relies on TLS (TransportBinding); symmetric-key bindings (WS-SecureConversation, Kerberos, derived keys) cannot be enforced'],
  ['ContentEncryptedElements', 'content-only encryption of selected elements is not checked; use sp:EncryptedElements or sp:EncryptedParts'],
  ['RequiredElements', 'presence of selected header elements is not checked by the gateway'],
  ['RequiredParts', 'presence of selected headers is not checked by the gateway'],
  ['EncryptedSupportingTokens', 'the gateway does not decrypt tokens inside the Security header'],
  ['SignedEncryptedSupportingTokens', 'the gateway does not decrypt tokens inside the Security header'],
  ['EndorsingEncryptedSupportingTokens', 'the gateway does not decrypt tokens inside the Security header'],
  ['SignedEndorsingEncryptedSupportingTokens', 'the gateway does not decrypt tokens inside the Security header'],
]);

function mapWss(ctx: MapContext, a: NormalAssertion, path: string): void {
  const options: string[] = [];
  for (const n of a.nested ?? []) {
    const p = pathOf(path, n);
    if (!isSp(n.ns)) unknown(ctx, n, p);
    else if (n.local === 'RequireSignatureConfirmation') ctx.draft.recorded.push({ assertion: p, note: 'response side: the gateway adds no SignatureConfirmation; responses are forwarded as the backend sends them' });
    else if (/^MustSupport/.test(n.local)) options.push(n.local);
    else unknown(ctx, n, p);
  }
  const listed = options.length > 0 ? ` (${options.join(', ')})` : '';
  ctx.draft.recorded.push({ assertion: path, note: `WS-Security ${a.local === 'Wss10' ? '1.0' : '1.1'} options${listed}: capabilities of the recipient; the gateway accepts the reference forms it supports and refuses the others when used` });
}

function mapTopLevel(ctx: MapContext, a: NormalAssertion): void {
  const path = pathOf('', a);
  if (a.ns === WSAM && a.local === 'Addressing') {
    ctx.draft.addressing ??= path;
    for (const n of a.nested ?? []) ctx.draft.recorded.push({ assertion: pathOf(path, n), note: 'response addressing: not enforced' });
    return;
  }
  if (a.ns === WSAW && a.local === 'UsingAddressing') {
    ctx.draft.addressing ??= path;
    return;
  }
  if (!isSp(a.ns)) return unknown(ctx, a, path);
  if (a.local === 'AsymmetricBinding') mapAsymmetricBinding(ctx, a, path);
  else if (a.local === 'TransportBinding') mapTransportBinding(ctx, a, path);
  else if (a.local === 'SignedParts') mapParts(ctx, a, path, 'signed');
  else if (a.local === 'EncryptedParts') mapParts(ctx, a, path, 'encrypted');
  else if (a.local === 'SignedElements') mapElements(ctx, a, path, 'signed');
  else if (a.local === 'EncryptedElements') mapElements(ctx, a, path, 'encrypted');
  else if (SUPPORTING.has(a.local)) mapSupportingTokens(ctx, a, path, a.local as SupportingContainer);
  else if (a.local === 'Wss10' || a.local === 'Wss11') mapWss(ctx, a, path);
  else if (a.local === 'Trust10' || a.local === 'Trust13') ctx.draft.recorded.push({ assertion: path, note: 'ignored: WS-Trust options concern issued tokens, which the gateway does not accept' });
  else if (REFUSED_TOP.has(a.local)) refuse(ctx, a, path, REFUSED_TOP.get(a.local) as string);
  else unknown(ctx, a, path);
}

/** The SecurityRequirements a complete draft stands for. Under a TransportBinding, TLS protects what the parts name. */
function toRequirements(d: Draft): SecurityRequirements {
  const transport = d.binding?.kind === 'transport';
  const recorded = [...d.recorded];
  const byTls = (assertion: string | undefined): void => {
    if (assertion !== undefined) recorded.push({ assertion, note: 'protected by HTTPS (TransportBinding)' });
  };
  const signedParts: SignedPart[] = [];
  if (transport) {
    byTls(d.signedBody);
    byTls(d.encryptedBody);
    for (const x of [...d.signedHeaders, ...d.encryptedHeaders, ...d.signedElements, ...d.encryptedElements]) byTls(x.assertion);
  } else {
    if (d.signedBody !== undefined) signedParts.push('body');
    if (d.includeTimestamp !== undefined) signedParts.push('timestamp');
  }
  const messageLevel = !transport;
  const signedSomething = messageLevel && (signedParts.length > 0 || d.signedHeaders.length > 0 || d.signedElements.length > 0);
  const saml = d.supporting.find((t) => t.kind === 'saml');
  const origins: RequirementOrigins = {
    ...(signedSomething ? { signature: d.signedBody ?? d.includeTimestamp ?? d.signedHeaders[0]?.assertion ?? d.signedElements[0]?.assertion ?? d.binding?.assertion ?? 'sp:SignedParts' } : {}),
    ...(signedParts.includes('body') ? { signedBody: d.signedBody } : {}),
    ...(signedParts.includes('timestamp') ? { signedTimestamp: d.includeTimestamp } : {}),
    ...(d.includeTimestamp !== undefined ? { timestamp: d.includeTimestamp } : {}),
    ...(messageLevel && d.encryptedBody !== undefined ? { encryptedBody: d.encryptedBody } : {}),
    ...(saml !== undefined ? { saml: saml.assertion } : {}),
  };
  return {
    signature: signedSomething,
    signedParts,
    encryptedParts: messageLevel && d.encryptedBody !== undefined ? ['body'] : [],
    timestamp: d.includeTimestamp !== undefined,
    saml: saml !== undefined,
    ...(d.transport !== undefined ? { transport: d.transport } : {}),
    ...(d.signer !== undefined ? { signer: d.signer } : {}),
    ...(d.recipient !== undefined ? { recipient: d.recipient } : {}),
    ...(d.suite !== undefined ? { algorithmSuite: d.suite } : {}),
    ...(d.layout !== undefined ? { layout: d.layout } : {}),
    ...(d.onlySignEntireHeadersAndBody !== undefined ? { onlySignEntireHeadersAndBody: d.onlySignEntireHeadersAndBody } : {}),
    ...(d.protectTokens !== undefined ? { protectTokens: d.protectTokens } : {}),
    ...(messageLevel && d.signedHeaders.length > 0 ? { signedHeaders: d.signedHeaders } : {}),
    ...(messageLevel && d.encryptedHeaders.length > 0 ? { encryptedHeaders: d.encryptedHeaders } : {}),
    ...(messageLevel && d.signedElements.length > 0 ? { signedElements: d.signedElements } : {}),
    ...(messageLevel && d.encryptedElements.length > 0 ? { encryptedElements: d.encryptedElements } : {}),
    ...(d.supporting.length > 0 ? { supportingTokens: d.supporting } : {}),
    ...(d.addressing !== undefined ? { addressing: d.addressing } : {}),
    ...(recorded.length > 0 ? { recorded } : {}),
    origins,
  };
}

/** Maps one normalised alternative to the requirements model; problems go to `problems`. */
export function mapAlternative(alt: NormalAlternative, problems: PolicyProblems): MappedAlternative {
  const ctx: MapContext = { problems, draft: newDraft() };
  for (const a of alt) mapTopLevel(ctx, a);
  if (ctx.draft.invalid) return { kind: 'invalid' };
  if (ctx.draft.dropped !== undefined) return { kind: 'dropped', reason: ctx.draft.dropped };
  return { kind: 'ok', requirements: toRequirements(ctx.draft) };
}
