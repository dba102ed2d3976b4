export { processEncryptedKey, processEncryptedDataWithKeyRef } from './encrypted-key.ts';
export {
  defaultEncryptionPolicy,
  withLegacyCbc,
  ALG_RSA_OAEP_MGF1P,
  ALG_RSA_OAEP,
  ALG_AES128_GCM,
  ALG_AES256_GCM,
  ALG_AES128_CBC,
  ALG_AES256_CBC,
} from './algorithms.ts';
export type { EncryptionAlgorithmPolicy, DecryptContext } from './types.ts';
