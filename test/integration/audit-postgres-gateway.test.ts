/**
 * The gateway with the PostgreSQL audit sink (issue 5: "PostgreSQL stopped → required mode rejects
 * with the audit fault; recovery"). The outage is a real TCP proxy in front of the real server,
 * cut and restored (stopping the shared server would break every other test running meanwhile).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entries.ts';
import { publicKeyFromPem } from '../../src/audit/keys.ts';
import { postgresSource } from '../../src/audit/sinks/postgres-read.ts';
import { verifyChain } from '../../src/audit/verify.ts';
import { S11_HEADERS, samplesDir, startHarness, type Harness } from '../support/gateway.ts';
import { faultCode } from '../support/logs.ts';
import { PgAdmin, freshSchema, pgAvailable, pgConfig } from '../support/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const P11 = '/PolicyAdministration/soap11';
const body = readFileSync(join(samplesDir, 'GetPolicy.soap11.xml'));
const CHAIN = 'pg-gateway-test';

describe.skipIf(!pgAvailable)('gateway with the PostgreSQL audit sink', () => {
  let proxy: TcpProxy;
  let admin: PgAdmin;
  let h: Harness;
  const schema = freshSchema('gw');

  beforeAll(async () => {
    const cfg = pgConfig(schema);
    proxy = await startTcpProxy(cfg.host, cfg.port);
    admin = await PgAdmin.connect();
    h = await startHarness({
      gatewayYaml: `audit: {sink: postgres, instanceId: ${CHAIN}, postgres: {host: 127.0.0.1, port: ${proxy.port}, database: ${cfg.database}, user: ${cfg.user}, schema: ${schema}, connectTimeoutMs: 1000}}`,
    });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
    await admin?.dropSchema(schema);
    await admin?.close();
  });

  async function send(): Promise<{ status: number; code: string | undefined; id: string }> {
    const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body });
    const text = await res.body.text();
    return { status: res.statusCode, code: faultCode(text), id: String(res.headers['x-correlation-id']) };
  }

  it('records each exchange in PostgreSQL before answering (required mode)', async () => {
    const r = await send();
    expect(r.status).toBe(200);
    const rows = await admin.query<{ correlation_id: string; decision: string }>(`SELECT correlation_id, decision FROM ${schema}.audit_entries WHERE chain = $1 AND kind = 'record'`, [CHAIN]);
    expect(rows).toContainEqual({ correlation_id: r.id, decision: 'accepted' });
  });

  it('PostgreSQL unreachable: required mode answers GW_ERR_AUDIT_UNAVAILABLE (503) and forwards nothing more; back: serves again and chains a sink-outage notice', async () => {
    proxy.cut();
    const first = await send();
    expect(first.status).toBe(503);
    expect(first.code).toBe('GW_ERR_AUDIT_UNAVAILABLE');
    const before = h.backend.requests.length;
    for (let i = 0; i < 3; i++) {
      const r = await send();
      expect(r.status).toBe(503);
      expect(r.code).toBe('GW_ERR_AUDIT_UNAVAILABLE');
    }
    expect(h.backend.requests.length).toBe(before);
    proxy.restore();
    let ok: { status: number } | undefined;
    for (let i = 0; i < 100 && ok?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ok = await send();
    }
    expect(ok?.status).toBe(200);
    await h.gw.close();
    const source = postgresSource(pgConfig(schema), undefined);
    try {
      const stored = await source.read(CHAIN);
      const notices = stored.map((s) => s.entry as AuditEntry).filter((e) => e.kind === 'notice' && e.event === 'sink-outage');
      expect(notices).toHaveLength(1);
      const key = publicKeyFromPem(readFileSync(join(h.dir, 'audit', 'audit-signing.key.pub.pem')));
      expect(verifyChain(CHAIN, stored, { publicKeys: [key] }).problems).toEqual([]);
    } finally {
      await source.close();
    }
  });
});
