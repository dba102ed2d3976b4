export { verifySignature } from './verify.ts';
export { defaultSignaturePolicy, signaturePolicy, SUPPORTED_DIGEST_METHODS, SUPPORTED_SIGNATURE_METHODS } from './algorithms.ts';
export { excC14n } from './exc-c14n.ts';
export type { ResolvedSigningKey, SignatureAlgorithmPolicy, VerifiedSignature, VerifyContext } from './types.ts';
