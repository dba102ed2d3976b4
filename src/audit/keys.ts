import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The key that signs checkpoints (Ed25519), and the id records carry: SHA-256 of its SPKI DER. */
export interface AuditSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  readonly publicPem: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function publicKeyFromPem(pem: string | Buffer): { readonly key: KeyObject; readonly keyId: string } {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`audit public key must be Ed25519, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return { key, keyId: keyIdOf(key) };
}

export function signingKeyFromPem(pem: string | Buffer, passphrase?: string): AuditSigningKey {
  const privateKey = createPrivateKey(passphrase !== undefined ? { key: pem, passphrase } : pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`audit signing key must be Ed25519, got ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * Reads the signing key, or creates one (mode 0600) when `create` is set and the file does not
 * exist yet; the public half is written beside it as `<file>.pub.pem` for verifiers.
 */
export function loadOrCreateSigningKey(file: string, opts: { readonly create: boolean; readonly passphrase?: string }): { readonly key: AuditSigningKey; readonly created: boolean } {
  if (!existsSync(file)) {
    if (!opts.create) throw new Error(`audit signing key ${file} does not exist`);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    const key = signingKeyFromPem(readFileSync(file));
    writeFileSync(`${file}.pub.pem`, key.publicPem, { mode: 0o644 });
    return { key, created: true };
  }
  return { key: signingKeyFromPem(readFileSync(file), opts.passphrase), created: false };
}
