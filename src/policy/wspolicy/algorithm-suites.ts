/**
 * WS-SecurityPolicy 1.2 §6.1 algorithm suites, as URIs. One deliberate reading: the spec names
 * RSA-SHA1 as the asymmetric signature of every suite, including the *Sha256 ones; the gateway
 * reads a *Sha256 suite as RSA-SHA256 *or* RSA-SHA1 (the spec's letter), and RSA-SHA1 still
 * needs the service's `legacy: [rsa-sha1]` like everywhere else. Suites with RSA-1_5 key
 * transport (*Rsa15) are refused at start-up: the gateway never accepts RSA-1_5.
 */
import { ALG_AES128_CBC, ALG_AES256_CBC, ALG_RSA_OAEP_MGF1P } from '../../security/encryption/algorithms.ts';
import { DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256 } from '../../security/signature/algorithms.ts';

const AES192_CBC = 'http://www.w3.org/2001/04/xmlenc#aes192-cbc';
const TRIPLEDES_CBC = 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc';

export interface SuiteDefinition {
  readonly signature: readonly string[];
  readonly digest: readonly string[];
  readonly keyTransport: readonly string[];
  readonly encryption: readonly string[];
  readonly minRsaBits: number;
  readonly maxRsaBits: number;
}

function suite(digest: 'sha1' | 'sha256', encryption: string): SuiteDefinition {
  return {
    signature: digest === 'sha256' ? [SIG_RSA_SHA256, SIG_RSA_SHA1] : [SIG_RSA_SHA1],
    digest: [digest === 'sha256' ? DIGEST_SHA256 : DIGEST_SHA1],
    keyTransport: [ALG_RSA_OAEP_MGF1P],
    encryption: [encryption],
    minRsaBits: 1024,
    maxRsaBits: 4096,
  };
}

export const ALGORITHM_SUITES: ReadonlyMap<string, SuiteDefinition> = new Map([
  ['Basic256', suite('sha1', ALG_AES256_CBC)],
  ['Basic192', suite('sha1', AES192_CBC)],
  ['Basic128', suite('sha1', ALG_AES128_CBC)],
  ['TripleDes', suite('sha1', TRIPLEDES_CBC)],
  ['Basic256Sha256', suite('sha256', ALG_AES256_CBC)],
  ['Basic192Sha256', suite('sha256', AES192_CBC)],
  ['Basic128Sha256', suite('sha256', ALG_AES128_CBC)],
  ['TripleDesSha256', suite('sha256', TRIPLEDES_CBC)],
]);

/** The *Rsa15 suites: RSA-1_5 key transport (Bleichenbacher), never accepted. */
export const RSA15_SUITES: ReadonlySet<string> = new Set([
  'Basic256Rsa15',
  'Basic192Rsa15',
  'Basic128Rsa15',
  'TripleDesRsa15',
  'Basic256Sha256Rsa15',
  'Basic192Sha256Rsa15',
  'Basic128Sha256Rsa15',
  'TripleDesSha256Rsa15',
]);

/** Suite modifiers that allow a transform the gateway's verifier refuses anyway: accepted and recorded. */
export const RECORDED_SUITE_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['STRTransform10', 'allows the STR-Transform; the gateway refuses it in signatures (stricter)'],
  ['XPath10', 'allows XPath transforms; the gateway refuses them in signatures (stricter)'],
  ['XPathFilter20', 'allows XPath Filter 2.0 transforms; the gateway refuses them in signatures (stricter)'],
  ['AbsXPath', 'allows absolute XPath transforms; the gateway refuses them in signatures (stricter)'],
]);

/** Suite modifiers that require what the gateway cannot verify: refused at start-up. */
export const REFUSED_SUITE_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['InclusiveC14N', 'requires inclusive C14N; the gateway verifies exclusive C14N only'],
  ['InclusiveC14N11', 'requires inclusive C14N 1.1; the gateway verifies exclusive C14N only'],
  ['SOAPNormalization10', 'requires the SOAP normalization transform, which the gateway does not implement'],
]);
