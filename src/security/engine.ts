import type { Element } from '@xmldom/xmldom';
import type { Clock } from '../clock.ts';
import { GatewayError } from '../errors.ts';
import type { CompiledPort } from '../service/compiled.ts';
import type { Envelope } from '../soap/envelope.ts';
import { MustUnderstandError, mustUnderstand, targetsGateway } from '../soap/must-understand.ts';
import { SOAP12_ROLE_ULTIMATE, SOAP_ENV_NS } from '../soap/namespaces.ts';
import { NS_DS, NS_SAML1, NS_SAML2, NS_WSSE, NS_WSSE11, NS_WSU, NS_XENC, childElements } from '../xml/ns.ts';
import { processEncryptedDataWithKeyRef, processEncryptedKey } from './encryption/index.ts';
import type { DecryptContext } from './encryption/index.ts';
import { IdIndex } from './id-index.ts';
import { processTimestamp } from './processors/timestamp.ts';
import { processUsernameToken } from './processors/username-token.ts';
import { processBinarySecurityToken, verifyMessageSignature } from './processors/signature.ts';
import type { SecurityRuntime } from './runtime.ts';
import { bindConfirmations, processSamlAssertion } from './saml/index.ts';
import type { DecryptionResult, ProcessingResult, SamlAssertionResult, SecurityFacts, SignatureResult, TimestampResult, UsernameTokenResult } from './types.ts';

/** Mutable state of one Security header walk; the Id index is rebuilt after every decryption. */
export interface EngineState {
  idIndex: IdIndex;
  timestampSeen: boolean;
  readonly results: ProcessingResult[];
  readonly legacyUsed: Set<string>;
}

/**
 * The Security header meant for the gateway: the one without actor/role (or with the configured
 * one). Headers for other actors/roles are never processed and never satisfy anything.
 * WSS 1.1 §6.1: at most one per actor/role.
 */
export function selectSecurityHeader(env: Envelope, actor: string | undefined): Element | undefined {
  const ns = SOAP_ENV_NS[env.version];
  const attr = env.version === '1.1' ? 'actor' : 'role';
  const ours = env.headerBlocks.filter((h) => {
    if (h.namespaceURI !== NS_WSSE || h.localName !== 'Security') return false;
    const target = h.hasAttributeNS(ns, attr) ? (h.getAttributeNS(ns, attr) ?? '') : '';
    const normalized = target === SOAP12_ROLE_ULTIMATE ? '' : target;
    return normalized === (actor ?? '');
  });
  if (ours.length > 1) throw new GatewayError('GW_ERR_SEC_HEADER_DUPLICATE', `${ours.length} wsse:Security headers for actor/role ${JSON.stringify(actor ?? '(none)')}`);
  return ours[0];
}

/**
 * A mandatory Security header targeted at the gateway (e.g. actor "next") that is not the one it
 * processes was not understood: a MustUnderstand fault, never a silent drop.
 */
function refuseUnprocessedMandatorySecurity(env: Envelope, port: CompiledPort, processed: Element | undefined): void {
  for (const h of env.headerBlocks) {
    if (h === processed || h.namespaceURI !== NS_WSSE || h.localName !== 'Security') continue;
    if (mustUnderstand(env, h) && targetsGateway(env, h, port)) throw new MustUnderstandError([{ ns: NS_WSSE, local: 'Security' }]);
  }
}

function facts(header: Element | undefined, state: EngineState): SecurityFacts {
  const signatures = state.results.filter((r): r is SignatureResult => r.kind === 'signature');
  const signedElements = new Set<Element>();
  for (const s of signatures) for (const ref of s.references) signedElements.add(ref.node);
  return {
    header,
    results: state.results,
    timestamp: state.results.find((r): r is TimestampResult => r.kind === 'timestamp'),
    signatures,
    signedElements,
    decryptions: state.results.filter((r): r is DecryptionResult => r.kind === 'decryption'),
    usernameTokens: state.results.filter((r): r is UsernameTokenResult => r.kind === 'usernameToken'),
    samlAssertions: state.results.filter((r): r is SamlAssertionResult => r.kind === 'samlAssertion'),
    legacyUsed: [...state.legacyUsed],
  };
}

const key = (el: Element): string => `{${el.namespaceURI ?? ''}}${el.localName ?? ''}`;
const TIMESTAMP = `{${NS_WSU}}Timestamp`;
const BST = `{${NS_WSSE}}BinarySecurityToken`;
const USERNAME_TOKEN = `{${NS_WSSE}}UsernameToken`;
const SIGNATURE = `{${NS_DS}}Signature`;
const ENCRYPTED_KEY = `{${NS_XENC}}EncryptedKey`;
const REFERENCE_LIST = `{${NS_XENC}}ReferenceList`;
const SAML2_ASSERTION = `{${NS_SAML2}}Assertion`;
const SAML1_ASSERTION = `{${NS_SAML1}}Assertion`;

function decryptContext(state: EngineState, runtime: SecurityRuntime): DecryptContext {
  if (runtime.decryption === undefined) throw new GatewayError('GW_ERR_SEC_DECRYPTION_FAILED', 'encrypted data received but the service has no decryption key');
  return { idIndex: state.idIndex, policy: runtime.encryptionPolicy, privateKey: runtime.decryption.privateKey, certificate: runtime.decryption.certificate, limits: runtime.limits };
}

function recordDecryptions(done: readonly DecryptionResult[], env: Envelope, state: EngineState, runtime: SecurityRuntime): void {
  for (const d of done) {
    if (runtime.cbcAlgorithms.has(d.dataAlgorithm)) state.legacyUsed.add('aes-cbc');
    state.results.push(d);
  }
  // Decrypted content may carry Ids of its own: the index must see them (and their duplicates).
  if (done.length > 0) state.idIndex = IdIndex.build(env.doc);
}

/** EncryptedData in the Body and EncryptedHeader blocks still encrypted once the Security header is processed. */
function remainingEncrypted(env: Envelope): Element[] {
  const out: Element[] = [];
  for (const el of childElements(env.body)) if (el.namespaceURI === NS_XENC && el.localName === 'EncryptedData') out.push(el);
  const header = env.header;
  if (header) for (const el of childElements(header)) if (el.namespaceURI === NS_WSSE11 && el.localName === 'EncryptedHeader') out.push(el);
  return out;
}

/**
 * WS-Security processing (WSS4J's processSecurityHeader): every child of the gateway's Security
 * header, in document order, goes to the one processor for its QName. Anything without a
 * processor is refused (fail closed). Trust is validated inside the signature processor through
 * the runtime's validators; policy is judged afterwards, on the facts returned here.
 */
export async function processSecurity(env: Envelope, port: CompiledPort, runtime: SecurityRuntime, clock: Clock): Promise<SecurityFacts> {
  const state: EngineState = { idIndex: IdIndex.build(env.doc), timestampSeen: false, results: [], legacyUsed: new Set() };
  const header = selectSecurityHeader(env, runtime.config.actor);
  refuseUnprocessedMandatorySecurity(env, port, header);
  if (header === undefined) return facts(undefined, state);
  for (const child of childElements(header)) {
    switch (key(child)) {
      case TIMESTAMP: {
        const ts = processTimestamp(child, { clock, settings: runtime.timestamp, seen: state.timestampSeen });
        state.timestampSeen = true;
        state.results.push(ts);
        break;
      }
      case BST:
        state.results.push(processBinarySecurityToken(child));
        break;
      case USERNAME_TOKEN: {
        if (runtime.credentials === undefined || runtime.usernameToken === undefined) {
          throw new GatewayError('GW_ERR_SEC_UNSUPPORTED_ELEMENT', 'UsernameToken received but the service accepts none (security.usernameToken is not configured)');
        }
        state.results.push(await processUsernameToken(child, { clock, settings: runtime.usernameToken, store: runtime.credentials }));
        break;
      }
      case SIGNATURE:
        state.results.push(verifyMessageSignature(child, state, runtime, clock));
        break;
      case ENCRYPTED_KEY:
        recordDecryptions(processEncryptedKey(child, decryptContext(state, runtime)), env, state, runtime);
        break;
      case REFERENCE_LIST: {
        // A ReferenceList of its own (WSS 1.1 §9.3): each EncryptedData names its key in its KeyInfo.
        for (const ref of childElements(child)) {
          const uri = ref.namespaceURI === NS_XENC && ref.localName === 'DataReference' ? (ref.getAttribute('URI') ?? '') : '';
          const target = uri.startsWith('#') ? state.idIndex.get(uri.slice(1)) : undefined;
          if (target === undefined) throw new GatewayError('GW_ERR_SEC_REFERENCE_UNRESOLVED', `ReferenceList entry ${JSON.stringify(uri.slice(0, 80))} names no EncryptedData`);
          recordDecryptions([processEncryptedDataWithKeyRef(target, decryptContext(state, runtime))], env, state, runtime);
        }
        break;
      }
      case SAML2_ASSERTION:
      case SAML1_ASSERTION: {
        if (runtime.saml === undefined) throw new GatewayError('GW_ERR_SEC_UNSUPPORTED_ELEMENT', 'SAML assertion received but the service accepts none (security.saml is not configured)');
        // SAML Token Profile as POLICY R-SAML applies it: exactly one assertion per message.
        if (state.results.some((r) => r.kind === 'samlAssertion')) throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'more than one SAML assertion in the Security header');
        state.results.push(processSamlAssertion(child, { settings: runtime.saml, policy: runtime.signaturePolicy, idIndex: state.idIndex, clock }));
        break;
      }
      default:
        throw new GatewayError('GW_ERR_SEC_UNSUPPORTED_ELEMENT', `no processor for ${key(child)} in wsse:Security`, { element: key(child) });
    }
  }
  // EncryptedData that name their EncryptedKey only through their own KeyInfo (no ReferenceList).
  for (const el of remainingEncrypted(env)) recordDecryptions([processEncryptedDataWithKeyRef(el, decryptContext(state, runtime))], env, state, runtime);
  const done = facts(header, state);
  // Holder-of-key and sender-vouches, once every Signature is verified (the assertion may come first).
  bindConfirmations(done.samlAssertions, done.signatures, env.body, done.timestamp?.element, runtime.saml);
  return done;
}
