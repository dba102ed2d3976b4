import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleBackend, type ExampleBackend } from '../../src/example/backend.ts';
import { S11_HEADERS, samplesDir, writeExampleConfig } from '../support/gateway.ts';
import { writeClaimsConfig } from '../support/interop.ts';
import { repoRoot } from '../support/ports.ts';

const bin = join(repoRoot, 'bin', 'wsgate.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repoRoot, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `wsgate serve` and resolves once it logged that it listens. */
function serve(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('"msg":"wsgate listening"')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${out}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('wsgate CLI', () => {
  let backend: ExampleBackend;
  let dir: string;
  beforeAll(async () => {
    backend = await startExampleBackend({ port: 0, quiet: true });
    dir = writeExampleConfig(backend.url);
  });
  afterAll(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--help prints usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wsgate serve --config FILE');
    expect(r.stdout).toContain('wsgate check --config FILE');
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('check prints operations, SOAP versions, backend and effective limits', async () => {
    const r = await run(['check', '--config', join(dir, 'gateway.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port PolicyAdministrationSoap11: SOAP 1.1 at /PolicyAdministration/soap11');
    expect(r.stdout).toContain('port PolicyAdministrationSoap12: SOAP 1.2 at /PolicyAdministration/soap12');
    for (const op of ['GetPolicy', 'SearchPolicies', 'EndorsePolicy', 'CancelPolicy']) expect(r.stdout).toContain(`- ${op} (document)`);
    expect(r.stdout).toMatch(/limits body 1048576, depth 64, nodes 20000/);
    expect(r.stdout).toContain('configuration OK');
  });

  it('check of the bundled demo configuration passes', async () => {
    const r = await run(['check', '--config', 'wsdl/gateway.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('configuration OK');
  });

  it('check --explain prints the effective contract of every operation in plain words', async () => {
    const claims = writeClaimsConfig('http://127.0.0.1:9', 'authorization:\n  operations:\n    GetClaimStatus: {match: {field: username, equals: broker-7731}}\n');
    try {
      const r = await run(['check', '--config', join(claims, 'gateway.yaml'), '--explain']);
      expect(r.code).toBe(0);
      const explain = r.stdout.slice(r.stdout.indexOf('EFFECTIVE POLICY'));
      expect(explain).toContain('operation SubmitClaim:');
      expect(explain).toMatch(/port ClaimsSoap11Port: contract imported from the WSDL \S+ClaimsService\.wsdl, binding ClaimsSoap11Binding; service\.yaml adds allowAlgorithms/);
      expect(explain).toContain('attached to input of SubmitClaim: wsp:PolicyReference #ClaimsService_SubmitClaim_Input_Policy');
      expect(explain).toContain('the Body must arrive encrypted to the gateway certificate [WSDL sp:EncryptedParts/sp:Body]');
      expect(explain).toContain('algorithm suite Basic256Sha256');
      expect(explain).toContain('also allowed by service.yaml allowAlgorithms: ECDSA-SHA256, AES-256-GCM');
      expect(explain).toContain('Security header layout Lax');
      expect(explain).toContain('2 alternatives: a message must satisfy any one of them');
      expect(explain).toContain("the signature must cover the Envelope's own Body element");
      expect(explain).toContain('must carry a SAML 2.0 assertion from https://sso.insurer.example/idp');
      expect(explain).toContain('caller allowed when: username is "broker-7731"');
      expect(explain).toContain('caller allowed when: never (rules exist and none names this operation: default deny)');
      expect(explain).toContain('LEGACY accepted by opt-in: aes-cbc');
    } finally {
      rmSync(claims, { recursive: true, force: true });
    }
  });

  it('check with --workers 2 warns that in-memory state is per worker', async () => {
    const r = await run(['check', '--config', join(dir, 'gateway.yaml'), '--workers', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/per worker/);
  });

  it('a broken configuration lists every problem with file, path and line, and exits 1', async () => {
    const svc = join(dir, 'policy-admin', 'service.yaml');
    const original = readFileSync(svc, 'utf8');
    try {
      writeFileSync(svc, original.replace('wsdl: PolicyAdministration.wsdl', 'wsdl: Missing.wsdl\nbakend_typo: 1'));
      const r = await run(['check', '--config', join(dir, 'gateway.yaml')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/service\.yaml:\d+/);
      expect(r.stderr).toContain('Missing.wsdl');
      expect(r.stderr).toContain('bakend_typo');
      const s2 = await run(['serve', '--config', join(dir, 'gateway.yaml')]);
      expect(s2.code).toBe(1);
      expect(s2.stderr).toContain('bakend_typo');
    } finally {
      writeFileSync(svc, original);
    }
  });

  it('serve answers requests and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const gwFile = join(dir, 'gateway.yaml');
    const cfg = readFileSync(gwFile, 'utf8');
    writeFileSync(join(dir, 'gateway-serve.yaml'), cfg.replace('port: 0}', `port: ${port}}`).replace('admin: {enabled: true, host: 127.0.0.1, port: 0}', 'admin: {enabled: false, host: 127.0.0.1, port: 9090}').replace('level: warn', 'level: info'));
    const { child } = await serve(['--config', join(dir, 'gateway-serve.yaml')]);
    try {
      const res = await request(`http://127.0.0.1:${port}/PolicyAdministration/soap11`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: readFileSync(join(samplesDir, 'GetPolicy.soap11.xml')) });
      expect(res.statusCode).toBe(200);
      await res.body.text();
    } finally {
      const done = exited(child);
      child.kill('SIGTERM');
      expect(await done).toBe(0);
    }
  }, 60_000);

  it('--workers 2 serves on one port from two processes with aggregated metrics', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const cfg = readFileSync(join(dir, 'gateway.yaml'), 'utf8');
    writeFileSync(join(dir, 'gateway-cluster.yaml'), cfg.replace('port: 0}', `port: ${port}}`).replace('admin: {enabled: true, host: 127.0.0.1, port: 0}', `admin: {enabled: true, host: 127.0.0.1, port: ${adminPort}}`).replace('level: warn', 'level: info'));
    const { child } = await serve(['--config', join(dir, 'gateway-cluster.yaml'), '--workers', '2']);
    try {
      const body = readFileSync(join(samplesDir, 'GetPolicy.soap11.xml'));
      for (let i = 0; i < 6; i++) {
        const res = await request(`http://127.0.0.1:${port}/PolicyAdministration/soap11`, { method: 'POST', headers: { ...S11_HEADERS('GetPolicy'), connection: 'close' }, body });
        expect(res.statusCode).toBe(200);
        await res.body.text();
      }
      let ready = 0;
      for (let i = 0; i < 50 && ready !== 200; i++) {
        ready = (await request(`http://127.0.0.1:${adminPort}/readyz`)).statusCode;
        if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(200);
      const metrics = await (await request(`http://127.0.0.1:${adminPort}/metrics`)).body.text();
      const m = /wsgate_requests_total\{service="policy-admin",operation="GetPolicy",outcome="forwarded",code=""\} (\d+)/.exec(metrics);
      expect(Number(m?.[1])).toBe(6);
    } finally {
      const done = exited(child);
      child.kill('SIGTERM');
      expect(await done).toBe(0);
    }
  }, 60_000);
});
