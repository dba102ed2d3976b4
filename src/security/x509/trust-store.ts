import { X509Certificate, createHash } from 'node:crypto';
import { parseCertificateDer } from './cert-facts.ts';
import type { CertFacts } from './cert-facts.ts';
import { crlSignedBy, parseCrls } from './crl.ts';
import type { Crl } from './crl.ts';
import { nameKey, parseDnString } from './dn.ts';
import { pemBlocks } from './pem.ts';

/** PEM texts (several certificates per text allowed) that make up the gateway's X.509 trust. */
export interface TrustStoreSources {
  /** Trust anchors: a path must end at one of these (compared by exact DER). */
  readonly anchors: readonly string[];
  /** CA certificates given to the path builder; never trusted on their own. */
  readonly intermediates: readonly string[];
  /** Known end-entity certificates that SKI / thumbprint / IssuerSerial references may name. */
  readonly known: readonly string[];
  /** CRLs: PEM text (`X509 CRL` blocks) or DER bytes; each must be signed by a CA of the store. */
  readonly crls?: readonly (string | Uint8Array)[];
}

/** A configuration problem found while building the store (start-up fails). */
export class TrustStoreError extends Error {
  override readonly name = 'TrustStoreError';
}

interface Entry {
  readonly cert: X509Certificate;
  readonly facts: CertFacts;
  readonly sha256: string;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const sha = (alg: 'sha1' | 'sha256', der: Uint8Array): string => createHash(alg).update(der).digest('base64');

function load(texts: readonly string[], list: string): Entry[] {
  const out: Entry[] = [];
  texts.forEach((text, t) => {
    let blocks: Buffer[];
    try {
      blocks = pemBlocks(text, 'CERTIFICATE');
    } catch (err) {
      throw new TrustStoreError(`${list}[${t}]: ${(err as Error).message}`, { cause: err });
    }
    if (blocks.length === 0) throw new TrustStoreError(`${list}[${t}]: no CERTIFICATE block`);
    blocks.forEach((der, b) => {
      try {
        out.push({ cert: new X509Certificate(der), facts: parseCertificateDer(der), sha256: sha('sha256', der) });
      } catch (err) {
        throw new TrustStoreError(`${list}[${t}] certificate ${b}: ${(err as Error).message}`, { cause: err });
      }
    });
  });
  return out;
}

function push<K>(map: Map<K, Entry[]>, key: K, e: Entry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [e]);
  else if (!list.some((x) => x.sha256 === e.sha256)) list.push(e);
}

/**
 * The certificates and CRLs the gateway trusts or knows, indexed for key references
 * (WSS X.509 Token Profile 1.1 §3.2) and for path building. Immutable once built.
 */
export class TrustStore {
  readonly #anchors = new Map<string, Entry>();
  readonly #bySubject = new Map<string, Entry[]>();
  readonly #bySki = new Map<string, Entry[]>();
  readonly #byThumbprint = new Map<string, Entry[]>();
  readonly #byIssuerSerial = new Map<string, Entry[]>();
  readonly #crlsByIssuer = new Map<string, Crl[]>();
  readonly #facts = new WeakMap<X509Certificate, CertFacts>();

  private constructor() {}

  static fromPem(src: TrustStoreSources): TrustStore {
    const store = new TrustStore();
    const anchors = load(src.anchors, 'anchors');
    const intermediates = load(src.intermediates, 'intermediates');
    const known = load(src.known, 'known');
    if (anchors.length === 0) throw new TrustStoreError('no trust anchor configured');
    for (const e of [...anchors, ...intermediates, ...known]) store.#facts.set(e.cert, e.facts);
    for (const e of anchors) {
      store.#anchors.set(e.sha256, e);
      push(store.#bySubject, e.facts.subjectKey, e);
    }
    for (const e of intermediates) push(store.#bySubject, e.facts.subjectKey, e);
    for (const e of [...intermediates, ...known]) {
      push(store.#bySki, b64(e.facts.effectiveSki), e);
      push(store.#byThumbprint, sha('sha1', e.cert.raw), e);
      push(store.#byIssuerSerial, `${e.facts.issuerKey}#${e.facts.serial}`, e);
    }
    (src.crls ?? []).forEach((input, n) => store.#addCrls(input, n, [...anchors, ...intermediates]));
    return store;
  }

  #addCrls(input: string | Uint8Array, n: number, cas: readonly Entry[]): void {
    let crls: Crl[];
    try {
      crls = parseCrls(input);
    } catch (err) {
      throw new TrustStoreError(`crls[${n}]: ${(err as Error).message}`, { cause: err });
    }
    if (crls.length === 0) throw new TrustStoreError(`crls[${n}]: no X509 CRL block`);
    for (const crl of crls) {
      const issuer = cas.find((e) => e.facts.subjectKey === crl.issuerKey && crlSignedBy(crl, e.cert));
      if (issuer === undefined) throw new TrustStoreError(`crls[${n}]: not signed by a CA of the store (or unsupported signature algorithm)`);
      if (issuer.facts.keyUsage !== undefined && !issuer.facts.keyUsage.has('cRLSign')) {
        throw new TrustStoreError(`crls[${n}]: issuer ${issuer.cert.subject.replace(/\n/g, ', ')} lacks keyUsage cRLSign`);
      }
      const list = this.#crlsByIssuer.get(issuer.sha256);
      if (list === undefined) this.#crlsByIssuer.set(issuer.sha256, [crl]);
      else list.push(crl);
    }
  }

  /** Facts read from the certificate's DER (cached for store certificates). Throws DerError when malformed. */
  facts(cert: X509Certificate): CertFacts {
    let f = this.#facts.get(cert);
    if (f === undefined) {
      f = parseCertificateDer(cert.raw);
      this.#facts.set(cert, f);
    }
    return f;
  }

  /** The configured anchor with exactly this DER, if any. */
  anchorFor(cert: X509Certificate): X509Certificate | undefined {
    const e = this.#anchors.get(sha('sha256', cert.raw));
    return e !== undefined && e.cert.raw.equals(cert.raw) ? e.cert : undefined;
  }

  get anchors(): readonly X509Certificate[] {
    return [...this.#anchors.values()].map((e) => e.cert);
  }

  /** Intermediates and anchors whose subject equals the issuer name of `cert` (path-building candidates). */
  issuerCandidates(cert: X509Certificate): readonly X509Certificate[] {
    return (this.#bySubject.get(this.facts(cert).issuerKey) ?? []).map((e) => e.cert);
  }

  /** Known and intermediate certificates with this SubjectKeyIdentifier (extension, else RFC 5280 method 1). */
  findBySki(ski: Uint8Array): readonly X509Certificate[] {
    return (this.#bySki.get(b64(ski)) ?? []).map((e) => e.cert);
  }

  /** Known and intermediate certificates whose DER has this SHA-1 digest. */
  findByThumbprintSha1(thumbprint: Uint8Array): readonly X509Certificate[] {
    return (this.#byThumbprint.get(b64(thumbprint)) ?? []).map((e) => e.cert);
  }

  /** Known and intermediate certificates with this issuer (RFC 4514 text) and serial. Throws DnSyntaxError. */
  findByIssuerSerial(issuerDn: string, serial: bigint): readonly X509Certificate[] {
    const key = `${nameKey(parseDnString(issuerDn))}#${serial}`;
    return (this.#byIssuerSerial.get(key) ?? []).map((e) => e.cert);
  }

  /** The CRLs that `issuer` signed (matched by the issuer's exact DER). */
  crlsIssuedBy(issuer: X509Certificate): readonly Crl[] {
    return this.#crlsByIssuer.get(sha('sha256', issuer.raw)) ?? [];
  }
}
