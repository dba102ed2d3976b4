export type { CredentialStore, StoredCredential } from './types.ts';
export type { HashPasswordOptions, PasswordHash } from './password-hash.ts';
export { dummyPasswordHash, hashPassword, parsePasswordHash, verifyPassword } from './password-hash.ts';
export { FileCredentialStore } from './file-store.ts';
