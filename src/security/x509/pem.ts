/** PEM (RFC 7468) blocks of one label, e.g. `CERTIFICATE` or `X509 CRL`, decoded to DER. */
export class PemError extends Error {
  override readonly name = 'PemError';
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const B64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_BLOCKS = 1000;

/** Every block of `label` in `text`, in order; other labels are refused so a key never lands in a trust list. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, begin, body = '', end] = m;
    if (begin !== end) throw new PemError(`BEGIN ${begin} closed by END ${end}`);
    if (begin !== label) throw new PemError(`unexpected PEM block ${begin}, expected ${label}`);
    const compact = body.replace(/[ \t\r\n]+/g, '');
    if (!B64_BODY.test(compact) || compact.length % 4 !== 0 || compact.length === 0) throw new PemError(`${label}: body is not base64`);
    if (out.length >= MAX_BLOCKS) throw new PemError('too many PEM blocks');
    out.push(Buffer.from(compact, 'base64'));
  }
  return out;
}
