import type { PasswordHash } from './password-hash.ts';

/**
 * What the gateway holds for one UsernameToken user. Each scheme needs different material, and
 * a user has only what the schemes it uses need:
 * - PasswordText: a slow salted hash (`passwordHash`); the gateway never stores the password.
 * - PasswordDigest: the plaintext shared secret (`digestSecret`). The digest is
 *   SHA-1(nonce + created + password), so the verifier must know the password itself: anyone who
 *   reads the gateway's secret store can impersonate the user. That is the price of the digest
 *   scheme (it keeps the password off the wire without TLS); keep such secrets in env/file
 *   references with tight permissions, and prefer X.509 or PasswordText over TLS for new clients.
 */
export interface StoredCredential {
  readonly username: string;
  readonly passwordHash: PasswordHash | undefined;
  readonly digestSecret: string | undefined;
}

/** Where UsernameToken users come from (a file today; a directory or database later). */
export interface CredentialStore {
  lookup(username: string): Promise<StoredCredential | undefined>;
  /** A hash with the cost of this store's real ones, verified for unknown users (timing). */
  readonly dummyPasswordHash: PasswordHash;
}
