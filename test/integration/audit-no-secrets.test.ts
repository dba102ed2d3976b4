/**
 * No secret reaches the audit trail or the log: passwords (text and digest), nonces, binary
 * security tokens, signature and cipher values, SAML assertions and their attribute values, sent
 * through every interop case plus UsernameTokens carrying a plaintext password.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/server.ts';
import { startClaimsBackend } from '../support/claims-backend.ts';
import { manifest, requestBytes, writeClaimsConfig } from '../support/interop.ts';
import { memoryLogger } from '../support/logs.ts';

const PASSWORD = 'Cl@ims-2019!interop';
const WRONG_PASSWORD = 'hunter2-Wrong-Secret-42';

/** Texts of elements whose content must never be written: from every request the test sends. */
function secretsIn(xml: string): string[] {
  const out: string[] = [];
  const re = /<(?:[\w-]+:)?(Password|Nonce|BinarySecurityToken|SignatureValue|CipherValue|AttributeValue|DigestValue)\b[^>]*>([^<]{8,})</g;
  for (const m of xml.matchAll(re)) out.push((m[2] as string).trim());
  const assertion = /<(?:[\w-]+:)?Assertion\b[\s\S]*?<\/(?:[\w-]+:)?Assertion>/g;
  for (const m of xml.matchAll(assertion)) out.push(m[0].slice(0, 200));
  return out.filter((s) => s.length >= 8);
}

const textPasswordRequest = (password: string): string => `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:clm="http://insurer.example/schemas/claims/2019/06">
<soap:Header><wsse:Security soap:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>broker-7731</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${password}</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>
<soap:Body><clm:GetClaimStatusRequest><clm:ClaimId>C-1</clm:ClaimId></clm:GetClaimStatusRequest></soap:Body></soap:Envelope>`;

describe('no secret in any audit record or log line', () => {
  let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
  let dir: string;
  const sent: string[] = [];
  let audit = '';
  let logs = '';

  beforeAll(async () => {
    backend = await startClaimsBackend();
    dir = writeClaimsConfig(backend.url);
    const mem = memoryLogger();
    for (const c of manifest.cases) {
      if (c.sequence !== undefined) continue;
      const gw = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(c.clock) } });
      try {
        const body = requestBytes(c);
        sent.push(body.toString('utf8'));
        await gw.app.inject({ method: 'POST', url: c.endpoint, headers: { ...c.httpHeaders }, payload: body });
        for (const password of [PASSWORD, WRONG_PASSWORD]) {
          const text = textPasswordRequest(password);
          sent.push(text);
          await gw.app.inject({ method: 'POST', url: '/ClaimsService/soap11', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://insurer.example/ws/claims/2019/06/ClaimsPortType/GetClaimStatusRequest"' }, payload: text });
        }
      } finally {
        await gw.close();
      }
    }
    const auditDir = join(dir, 'audit');
    audit = readdirSync(auditDir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(join(auditDir, f), 'utf8'))
      .join('\n');
    logs = mem.exchanges().map((l) => JSON.stringify(l)).join('\n');
  }, 120_000);

  afterAll(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recorded every exchange (the trail is not empty by accident)', () => {
    const records = audit.split('\n').filter((l) => l.includes('"kind":"record"'));
    expect(records.length).toBe(sent.length);
    expect(audit).toContain('GW_ERR_SEC_');
  });

  it('neither the right nor a wrong plaintext password appears', () => {
    for (const p of [PASSWORD, WRONG_PASSWORD]) {
      expect(audit).not.toContain(p);
      expect(logs).not.toContain(p);
    }
  });

  it('no nonce, token, signature value, cipher value, digest value, assertion or SAML attribute value appears', () => {
    const secrets = [...new Set(sent.flatMap(secretsIn))];
    expect(secrets.length).toBeGreaterThan(100);
    const leakedToAudit = secrets.filter((s) => audit.includes(s));
    const leakedToLogs = secrets.filter((s) => logs.includes(s));
    expect(leakedToAudit).toEqual([]);
    expect(leakedToLogs).toEqual([]);
  });
});
