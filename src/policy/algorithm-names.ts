/**
 * Algorithm URIs by short name: what service.yaml `allowAlgorithms` adds to an imported
 * AlgorithmSuite, and how `check --explain` spells a URI.
 */
import { ALG_AES128_CBC, ALG_AES128_GCM, ALG_AES256_CBC, ALG_AES256_GCM, ALG_RSA_OAEP, ALG_RSA_OAEP_MGF1P } from '../security/encryption/algorithms.ts';
import {
  DIGEST_SHA1,
  DIGEST_SHA256,
  DIGEST_SHA384,
  DIGEST_SHA512,
  SIG_ECDSA_SHA256,
  SIG_ECDSA_SHA384,
  SIG_ECDSA_SHA512,
  SIG_RSA_PSS_SHA256,
  SIG_RSA_PSS_SHA384,
  SIG_RSA_PSS_SHA512,
  SIG_RSA_SHA1,
  SIG_RSA_SHA256,
  SIG_RSA_SHA384,
  SIG_RSA_SHA512,
} from '../security/signature/algorithms.ts';
import type { AlgorithmAllowance } from './model.ts';

export type AlgorithmCategory = 'signature' | 'digest' | 'keyTransport' | 'encryption';

const ALLOWANCES: Readonly<Record<AlgorithmAllowance, { readonly category: AlgorithmCategory; readonly uri: string }>> = {
  'ecdsa-sha256': { category: 'signature', uri: SIG_ECDSA_SHA256 },
  'ecdsa-sha384': { category: 'signature', uri: SIG_ECDSA_SHA384 },
  'ecdsa-sha512': { category: 'signature', uri: SIG_ECDSA_SHA512 },
  'rsa-pss-sha256': { category: 'signature', uri: SIG_RSA_PSS_SHA256 },
  'rsa-pss-sha384': { category: 'signature', uri: SIG_RSA_PSS_SHA384 },
  'rsa-pss-sha512': { category: 'signature', uri: SIG_RSA_PSS_SHA512 },
  'rsa-sha384': { category: 'signature', uri: SIG_RSA_SHA384 },
  'rsa-sha512': { category: 'signature', uri: SIG_RSA_SHA512 },
  sha384: { category: 'digest', uri: DIGEST_SHA384 },
  sha512: { category: 'digest', uri: DIGEST_SHA512 },
  'aes128-gcm': { category: 'encryption', uri: ALG_AES128_GCM },
  'aes256-gcm': { category: 'encryption', uri: ALG_AES256_GCM },
  'rsa-oaep': { category: 'keyTransport', uri: ALG_RSA_OAEP },
};

/** The URIs the allowances add in one category. */
export function allowanceUris(names: readonly AlgorithmAllowance[], category: AlgorithmCategory): string[] {
  return names.filter((n) => ALLOWANCES[n].category === category).map((n) => ALLOWANCES[n].uri);
}

const SHORT: ReadonlyMap<string, string> = new Map([
  [SIG_RSA_SHA1, 'RSA-SHA1'],
  [SIG_RSA_SHA256, 'RSA-SHA256'],
  [SIG_RSA_SHA384, 'RSA-SHA384'],
  [SIG_RSA_SHA512, 'RSA-SHA512'],
  [SIG_RSA_PSS_SHA256, 'RSA-PSS-SHA256'],
  [SIG_RSA_PSS_SHA384, 'RSA-PSS-SHA384'],
  [SIG_RSA_PSS_SHA512, 'RSA-PSS-SHA512'],
  [SIG_ECDSA_SHA256, 'ECDSA-SHA256'],
  [SIG_ECDSA_SHA384, 'ECDSA-SHA384'],
  [SIG_ECDSA_SHA512, 'ECDSA-SHA512'],
  [DIGEST_SHA1, 'SHA-1'],
  [DIGEST_SHA256, 'SHA-256'],
  [DIGEST_SHA384, 'SHA-384'],
  [DIGEST_SHA512, 'SHA-512'],
  [ALG_RSA_OAEP_MGF1P, 'RSA-OAEP (MGF1-SHA1)'],
  [ALG_RSA_OAEP, 'RSA-OAEP (XML Encryption 1.1)'],
  [ALG_AES128_GCM, 'AES-128-GCM'],
  [ALG_AES256_GCM, 'AES-256-GCM'],
  [ALG_AES128_CBC, 'AES-128-CBC'],
  [ALG_AES256_CBC, 'AES-256-CBC'],
  ['http://www.w3.org/2001/04/xmlenc#aes192-cbc', 'AES-192-CBC'],
  ['http://www.w3.org/2001/04/xmlenc#tripledes-cbc', '3DES-CBC'],
]);

/** A short name for an algorithm URI (the URI itself when unknown). */
export function algorithmName(uri: string): string {
  return SHORT.get(uri) ?? uri;
}
