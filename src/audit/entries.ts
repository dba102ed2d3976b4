import type { Json } from './canonical.ts';

/** `prev` of the first entry of a chain. */
export const GENESIS = '0'.repeat(64);

/** Fields every chained entry carries; `hash` is SHA-256 over the canonical entry without `hash` and `sig`. */
export interface ChainLink {
  readonly chain: string;
  readonly seq: number;
  readonly prev: string;
  readonly time: string;
  readonly hash: string;
}

/** The audit record of one exchange (see record.ts for how it is filled). */
export interface AuditRecordBody {
  readonly kind: 'record';
  readonly v: 1;
  readonly correlationId: string;
  /** When the gateway received the request (the entry's `time` is when it was chained). */
  readonly receivedAt: string;
  readonly instance: string;
  readonly service: string;
  readonly operation: string | null;
  readonly endpoint: string;
  readonly soapVersion: string;
  readonly action: string | null;
  readonly client: { readonly ip: string; readonly tls: { readonly fingerprint256: string; readonly subject: string; readonly issuer: string } | null };
  readonly principal: { readonly kind: string; readonly subject: string; readonly issuer: string | null; readonly application: string | null } | null;
  readonly tokens: {
    readonly signers: readonly { readonly subject: string; readonly issuer: string; readonly fingerprint256: string; readonly reference: string }[];
    readonly usernames: readonly string[];
    readonly saml: readonly { readonly issuer: string; readonly nameId: string | null; readonly confirmation: string }[];
    readonly timestamp: { readonly created: string; readonly expires: string | null } | null;
  };
  readonly algorithms: {
    readonly signature: readonly string[];
    readonly digest: readonly string[];
    readonly encryption: readonly { readonly keyTransport: string | null; readonly data: string }[];
    readonly legacy: readonly string[];
  };
  readonly signedParts: readonly string[];
  readonly encryptedParts: readonly string[];
  readonly policy: { readonly id: string; readonly hash: string; readonly mode: string } | null;
  /** `policyMode: report-only`: the violation found (the message was forwarded anyway). */
  readonly policyViolation?: { readonly code: string; readonly reason: string; readonly detail: Json };
  /** accepted: forwarded and answered 2xx; backend_fault: forwarded, backend answered a fault; rejected/failed/aborted: see fault. */
  readonly decision: 'accepted' | 'backend_fault' | 'rejected' | 'failed' | 'aborted';
  readonly fault: { readonly code: string; readonly reason: string; readonly detail: Json } | null;
  readonly authorization: { readonly allowed: boolean; readonly reason: string } | null;
  readonly backend: { readonly url: string; readonly status: number | null; readonly ms: number } | null;
  readonly status: number;
  readonly stages: readonly { readonly stage: string; readonly ms: number }[];
  readonly totalMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly requestSha256: string;
  readonly responseSha256: string;
  readonly droppedHeaders: readonly string[];
  readonly audit: { readonly mode: string };
  /** Only when the service turns payload capture on, after redaction. */
  readonly payload?: { readonly request: string | null; readonly response: string | null };
  /** Schema validation findings (report-only violations too), when the operation validates. */
  readonly validation?: Json;
  /** Legacy algorithm opt-ins the service has (also when this message did not use them). */
  readonly legacyOptIns: readonly string[];
}

export type RecordEntry = AuditRecordBody & ChainLink;

/** A signed seal over every entry up to and including the previous one. */
export interface CheckpointEntry extends ChainLink {
  readonly kind: 'checkpoint';
  /** Records in the chain so far. */
  readonly records: number;
  /** Records the gateway could not chain (best-effort queue full, or sink down) since the previous checkpoint. */
  readonly dropped: number;
  readonly reason: 'count' | 'interval' | 'shutdown' | 'recovery' | 'rotation';
  /** Written at a clean shutdown: nothing may follow it in this chain's current run. */
  readonly final: boolean;
  readonly alg: 'Ed25519';
  /** SHA-256 (hex) of the signing key's SubjectPublicKeyInfo DER. */
  readonly keyId: string;
  /** Base64 Ed25519 signature over the ASCII hex `hash`. */
  readonly sig: string;
}

/** Opens every file of the file sink: names the file and the one before it in the chain. */
export interface FileEntry extends ChainLink {
  readonly kind: 'file';
  /** Records in the chain before this file. */
  readonly records: number;
  readonly file: string;
  readonly previousFile: string | null;
}

/** Events of the trail itself: start, recovery after a crash, sink outage. */
export interface NoticeEntry extends ChainLink {
  readonly kind: 'notice';
  readonly event: 'started' | 'recovered' | 'sink-outage';
  readonly detail: string;
}

export type AuditEntry = RecordEntry | CheckpointEntry | FileEntry | NoticeEntry;

/** An entry before it is chained. */
export type Unchained<T extends AuditEntry> = Omit<T, keyof ChainLink | 'sig'>;
/** A checkpoint before it is chained: the chain fills in the record count and the key. */
export type UnchainedCheckpoint = Omit<CheckpointEntry, keyof ChainLink | 'sig' | 'records' | 'keyId' | 'alg'>;
export type UnchainedFile = Omit<FileEntry, keyof ChainLink | 'records'>;
export type UnchainedEntry = Unchained<RecordEntry> | UnchainedFile | Unchained<NoticeEntry> | UnchainedCheckpoint;
