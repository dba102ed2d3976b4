import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { memoryLogger } from '../support/logs.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.ts';
import { startGateway, type RunningGateway } from '../../src/server.ts';
import { startClaimsBackend, type Recorded } from '../support/claims-backend.ts';
import { manifest, requestBytes, writeClaimsConfig } from '../support/interop.ts';

/** The gateway codes that implement each POLICY.md rule (the audit/log record must name one of them). */
const codesForRule: Readonly<Record<string, readonly ErrorCode[]>> = {
  'R-SIGNATURE-VALID': ['GW_ERR_SEC_SIGNATURE_INVALID'],
  'R-ENCRYPTION': ['GW_ERR_SEC_DECRYPTION_FAILED'],
  'R-SIGNATURE-TRUST': ['GW_ERR_SEC_CERT_UNTRUSTED', 'GW_ERR_SEC_CERT_EXPIRED', 'GW_ERR_SEC_TOKEN_UNRESOLVED'],
  'R-TIMESTAMP': ['GW_ERR_SEC_TIMESTAMP_EXPIRED', 'GW_ERR_SEC_TIMESTAMP_FUTURE', 'GW_ERR_SEC_TIMESTAMP_INVALID', 'GW_ERR_POLICY_TIMESTAMP_REQUIRED'],
  'R-SIGNED-PARTS': ['GW_ERR_POLICY_SIGNED_PARTS'],
  'R-ENVELOPE-SHAPE': ['GW_ERR_SOAP_ENVELOPE_SHAPE'],
  'R-OPERATION-PARTS': ['GW_ERR_POLICY_ENCRYPTED_PARTS', 'GW_ERR_POLICY_SAML_REQUIRED'],
  'R-REPLAY': ['GW_ERR_SEC_REPLAY'],
  'R-UNIQUE-IDS': ['GW_ERR_SEC_DUPLICATE_ID'],
  'R-ALGORITHMS': ['GW_ERR_SEC_UNSUPPORTED_ALGORITHM'],
  'R-NO-DTD': ['GW_ERR_XML_DOCTYPE'],
  'R-LIMITS': ['GW_ERR_XML_LIMIT_DEPTH', 'GW_ERR_HTTP_BODY_TOO_LARGE'],
  'R-MEDIA-TYPE': ['GW_ERR_HTTP_MEDIA_TYPE'],
  'R-SOAP-VERSION': ['GW_ERR_SOAP_VERSION_MISMATCH'],
  'R-USERNAMETOKEN': ['GW_ERR_SEC_AUTHENTICATION_FAILED'],
  'R-SAML': ['GW_ERR_SEC_SAML_INVALID', 'GW_ERR_SEC_SAML_UNTRUSTED_ISSUER', 'GW_ERR_SEC_SAML_EXPIRED', 'GW_ERR_SEC_SAML_AUDIENCE', 'GW_ERR_SEC_SAML_CONFIRMATION'],
};

/**
 * Wrapping cases the gateway refuses at an earlier, stricter check than the rule names: the
 * message never reaches the signed-parts check, and nothing is forwarded.
 */
const earlierRefusal: Readonly<Record<string, readonly ErrorCode[]>> = {
  // The evil Body holds the operation element and the ext:Carrier: two Body elements for a one-part operation.
  R15: ['GW_ERR_SOAP_ACTION_MISMATCH'],
  // The signed Body hidden in ds:KeyInfo makes KeyInfo hold more than one key reference.
  R18: ['GW_ERR_SEC_TOKEN_INVALID'],
};




function forwardedElement(body: string, clark: string): { marker: string | undefined; hasSecurity: boolean } {
  const doc = new DOMParser().parseFromString(body, 'text/xml');
  const m = /^\{(.*)\}(.*)$/.exec(clark);
  const el = doc.getElementsByTagNameNS(m?.[1] ?? '', m?.[2] ?? '')[0];
  const marker = el ? Array.from(el.getElementsByTagNameNS(m?.[1] ?? '', 'ClientRequestId'))[0]?.textContent ?? undefined : undefined;
  const hasSecurity = doc.getElementsByTagNameNS('http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd', 'Security').length > 0;
  return { marker, hasSecurity };
}

describe('interop corpus: real WS-Security stacks against POLICY.md', () => {
  let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
  let dir: string;
  let canary: Server;
  const canaryHits: string[] = [];

  beforeAll(async () => {
    backend = await startClaimsBackend();
    dir = writeClaimsConfig(backend.url);
    canary = createServer((req, res) => {
      canaryHits.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => {
      canary.once('error', () => resolve()); // port taken: the assertion below still holds for our process
      canary.listen(18999, '127.0.0.1', () => resolve());
    });
  });
  afterAll(async () => {
    await backend.close();
    canary.close();
    rmSync(dir, { recursive: true, force: true });
    expect(canaryHits).toEqual([]);
  });

  for (const c of manifest.cases) {
    const title = `${c.id} ${c.expected} (${c.policyRule ?? 'valid'}): ${c.reason}`;
    it(title, async () => {
      let now = new Date(c.clock);
      const mem = memoryLogger();
      const gw: RunningGateway = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(now.getTime()) } });
      try {
        const steps = c.sequence ?? [{ file: c.file ?? 'request.xml', expected: c.expected, clock: c.clock }];
        for (const step of steps) {
          now = new Date(step.clock);
          const before = backend.requests.length;
          const res = await gw.app.inject({ method: 'POST', url: c.endpoint, headers: { ...c.httpHeaders }, payload: requestBytes(c, c.recipe ? undefined : step.file) });
          const log = mem.find(String(res.headers['x-correlation-id']));
          if (step.expected === 'accept') {
            expect(res.statusCode, `${log?.errorCode ?? ''} ${log?.reason ?? ''}`).toBe(200);
            expect(backend.requests.length).toBe(before + 1);
            const got = backend.requests.at(-1) as Recorded;
            const fwd = forwardedElement(got.body, c.forwardCheck?.element ?? '');
            expect(fwd.marker).toBe(c.forwardCheck?.marker);
            expect(fwd.hasSecurity).toBe(false);
          } else {
            expect(res.statusCode).toBeGreaterThanOrEqual(400);
            expect(backend.requests.length).toBe(before);
            expect([...(codesForRule[c.policyRule ?? ''] ?? []), ...(earlierRefusal[c.id] ?? [])]).toContain(log?.errorCode);
          }
        }
      } finally {
        await gw.close();
      }
    });
  }
});
