/** `wsgate audit query`: each filter, the three formats, CSV quoting and the period's edges. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../../../src/cli/audit/query-format.ts';
import { parseTime } from '../../../src/cli/audit/args.ts';
import { audit, type ChainFixture, jsonlFiles, type RecordSpec, removeTempDirs, writeChain } from './fixture.ts';

afterAll(removeTempDirs);

const SPECS: RecordSpec[] = [
  { receivedAt: '2026-03-01T23:59:59.999Z', operation: 'GetPolicy', principal: 'CN=early,O=Insurer', application: 'batch' },
  { receivedAt: '2026-03-02T08:00:00.000Z', operation: 'GetPolicy', principal: 'CN=Alice Agent,O=Insurer', application: 'broker-portal' },
  { receivedAt: '2026-03-02T09:00:00.000Z', operation: 'UpdatePolicy', decision: 'rejected', fault: 'GW_ERR_AUTHZ_DENIED', status: 403, principal: 'CN=Bob,O=Insurer', application: 'broker-portal' },
  { receivedAt: '2026-03-02T10:00:00.000Z', operation: 'UpdatePolicy', decision: 'rejected', fault: 'GW_ERR_SEC_REJECTED', principal: 'CN=alice agent,O=Insurer', application: 'claims-batch' },
  { receivedAt: '2026-03-03T11:00:00.000Z', operation: 'CancelPolicy', decision: 'failed', fault: 'GW_ERR_BACKEND_TIMEOUT', status: 504, principal: 'CN=Bob,O=Insurer', application: 'claims-batch' },
  { receivedAt: '2026-03-03T12:00:00.000Z', operation: 'ListPolicies', principal: 'CN=Smith, "Jr", O=Insurer', application: 'claims-batch', correlationId: 'corr-quoted' },
  { receivedAt: '2026-03-04T00:00:00.000Z', operation: 'GetPolicy', principal: '=HYPERLINK("http://evil")', application: 'batch', correlationId: 'corr-formula' },
];

let f: ChainFixture;
beforeAll(async () => {
  f = await writeChain(SPECS, { everyRecords: 3 });
});

const query = (...args: string[]) => audit(['query', '--dir', f.dir, ...args]);
const ids = async (...args: string[]): Promise<string[]> => {
  const r = await query('--format', 'json', ...args);
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { correlationId: string }[]).map((x) => x.correlationId);
};

describe('wsgate audit query', () => {
  it('without filters: every record (no checkpoints or notices), ordered by receivedAt', async () => {
    expect(await ids()).toEqual(['corr-0001', 'corr-0002', 'corr-0003', 'corr-0004', 'corr-0005', 'corr-quoted', 'corr-formula']);
  });

  it('--from/--to with dates: whole UTC days, --to day included', async () => {
    expect(await ids('--from', '2026-03-02', '--to', '2026-03-03')).toEqual(['corr-0002', 'corr-0003', 'corr-0004', 'corr-0005', 'corr-quoted']);
    expect(await ids('--to', '2026-03-01')).toEqual(['corr-0001']);
  });

  it('--from/--to with date-times: --from included, --to excluded, offsets honoured', async () => {
    expect(await ids('--from', '2026-03-02T09:00:00Z', '--to', '2026-03-02T10:00:00Z')).toEqual(['corr-0003']);
    expect(await ids('--from', '2026-03-02T10:00:00+01:00', '--to', '2026-03-02T10:30')).toEqual(['corr-0003', 'corr-0004']);
  });

  it('--service, --operation: exact', async () => {
    expect(await ids('--operation', 'UpdatePolicy')).toEqual(['corr-0003', 'corr-0004']);
    expect(await ids('--operation', 'Update')).toEqual([]);
    expect(await ids('--service', 'policy-admin', '--operation', 'CancelPolicy')).toEqual(['corr-0005']);
    expect(await ids('--service', 'other')).toEqual([]);
  });

  it('--principal: a case-insensitive part of the subject', async () => {
    expect(await ids('--principal', 'alice agent')).toEqual(['corr-0002', 'corr-0004']);
    expect(await ids('--principal', 'CN=Bob')).toEqual(['corr-0003', 'corr-0005']);
  });

  it('--application, --decision, --fault: exact', async () => {
    expect(await ids('--application', 'broker-portal')).toEqual(['corr-0002', 'corr-0003']);
    expect(await ids('--decision', 'rejected')).toEqual(['corr-0003', 'corr-0004']);
    expect(await ids('--fault', 'GW_ERR_BACKEND_TIMEOUT')).toEqual(['corr-0005']);
    expect(await ids('--decision', 'rejected', '--application', 'claims-batch')).toEqual(['corr-0004']);
  });

  it('--limit: the earliest N', async () => {
    expect(await ids('--limit', '2')).toEqual(['corr-0001', 'corr-0002']);
  });

  it('table: the documented columns, one line per record, and a count', async () => {
    const r = await query('--decision', 'rejected');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^time +correlation id +service +operation +principal +decision +fault code +status +ms$/);
    expect(lines[1]).toMatch(/^2026-03-02T09:00:00\.000Z +corr-0003 +policy-admin +UpdatePolicy +CN=Bob,O=Insurer +rejected +GW_ERR_AUTHZ_DENIED +403 +\d+(\.\d+)?$/);
    expect(lines[2]).toContain('GW_ERR_SEC_REJECTED');
    expect(lines.at(-1)).toBe('(2 records)');
  });

  it('json: every field of the record', async () => {
    const r = await query('--format', 'json', '--fault', 'GW_ERR_AUTHZ_DENIED');
    const [rec] = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rec).toMatchObject({ kind: 'record', chain: 'gw1', correlationId: 'corr-0003', decision: 'rejected', status: 403, fault: { code: 'GW_ERR_AUTHZ_DENIED' }, principal: { subject: 'CN=Bob,O=Insurer', application: 'broker-portal' } });
    expect(rec).toHaveProperty('hash');
    expect(rec).toHaveProperty('requestSha256');
  });

  it('csv: header, RFC 4180 quoting of commas and quotes, formula values defused', async () => {
    const r = await query('--format', 'csv', '--from', '2026-03-03T12:00:00Z');
    expect(r.code).toBe(0);
    const lines = r.out.split('\r\n');
    expect(lines[0]).toBe('time,correlationId,service,operation,principal,application,decision,faultCode,status,ms,chain,seq');
    expect(lines[1]).toMatch(/^2026-03-03T12:00:00\.000Z,corr-quoted,policy-admin,ListPolicies,"CN=Smith, ""Jr"", O=Insurer",claims-batch,accepted,,200,[\d.]+,gw1,\d+$/);
    expect(lines[2]).toMatch(/^2026-03-04T00:00:00\.000Z,corr-formula,policy-admin,GetPolicy,"'=HYPERLINK\(""http:\/\/evil""\)",batch,accepted,,200,/);
    expect(lines).toHaveLength(3);
  });

  it('csvField quotes CR/LF too and leaves plain values alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(42)).toBe('42');
  });

  it('bad filters are usage errors (exit 2)', async () => {
    expect((await query('--decision', 'maybe')).err).toContain('--decision must be one of accepted, backend_fault, rejected, failed, aborted');
    expect((await query('--from', 'yesterday')).err).toContain('--from must be a date');
    expect((await query('--from', '2026-03-05', '--to', '2026-03-01')).err).toContain('--to is before --from');
    expect((await query('--limit', '0')).code).toBe(2);
    expect((await query('--format', 'xml')).code).toBe(2);
  });

  it('parseTime: a date is a whole day for --to, a date-time without offset is UTC', () => {
    expect(parseTime('2026-03-31', 'to').toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(parseTime('2026-03-31', 'from').toISOString()).toBe('2026-03-31T00:00:00.000Z');
    expect(parseTime('2026-03-31T08:15', 'from').toISOString()).toBe('2026-03-31T08:15:00.000Z');
    expect(parseTime('2026-03-31T08:15:00+02:00', 'to').toISOString()).toBe('2026-03-31T06:15:00.000Z');
  });

  it('an unreadable line is skipped with a warning that points to verify', async () => {
    const g = await writeChain(SPECS.slice(0, 2));
    const file = jsonlFiles(g.dir)[0] as string;
    appendFileSync(join(g.dir, file), '{"kind":"rec');
    const r = await audit(['query', '--dir', g.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(2);
    expect(r.err).toMatch(new RegExp(`warning: 1 unreadable line\\(s\\) skipped \\(first at ${file.replaceAll('.', '\\.')}:\\d+\\): run wsgate audit verify`));
  });

  it('control characters in a record never reach the terminal raw in the table', async () => {
    const g = await writeChain([{ receivedAt: '2026-03-02T08:00:00Z', principal: 'CN=\u001b[31mred\u001b[0m' }]);
    const r = await audit(['query', '--dir', g.dir]);
    expect(r.out).not.toContain('\u001b');
    expect(r.out).toContain('CN=\\u001b[31mred\\u001b[0m');
  });
});
