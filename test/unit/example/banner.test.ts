/**
 * The banner of `npm start`: its curl commands, pasted into a shell in the repository root, reach
 * the gateway (in front of the example backend) and get the documented answers.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleBackend } from '../../../src/example/backend.ts';
import type { ExampleBackend } from '../../../src/example/backend.ts';
import { banner, curlCommand, samplePath } from '../../../src/example/banner.ts';
import { REPO_ROOT } from '../../../src/example/contract.ts';
import { writeTempGatewayConfig } from '../../../src/example/temp-gateway-config.ts';
import type { TempGatewayConfig } from '../../../src/example/temp-gateway-config.ts';
import { startGateway } from '../../../src/server.ts';

const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('banner text', () => {
  it('names the endpoints, the WSDL and the admin URLs', () => {
    const text = banner({ gatewayUrl: 'http://127.0.0.1:8080', adminUrl: 'http://127.0.0.1:9090', backendUrl: 'http://127.0.0.1:8081' });
    expect(text).toContain('http://127.0.0.1:8080/PolicyAdministration/soap11?wsdl');
    expect(text).toContain('http://127.0.0.1:8080/PolicyAdministration/soap12');
    expect(text).toContain('http://127.0.0.1:9090/healthz');
    expect(text).toContain('http://127.0.0.1:9090/metrics');
    expect(text).toContain('--data-binary @wsdl/policy-admin/samples/GetPolicy.soap11.xml');
  });

  it('uses SOAPAction for SOAP 1.1 and the action parameter for SOAP 1.2', () => {
    expect(curlCommand('http://x', '1.1', 'GetPolicy', 'GetPolicy.soap11.xml')).toContain(`-H 'SOAPAction: "http://insurer.example/ws/policyadmin/2021/03/GetPolicy"'`);
    const v12 = curlCommand('http://x', '1.2', 'GetPolicy', 'GetPolicy.soap12.xml');
    expect(v12).toContain(`-H 'Content-Type: application/soap+xml; charset=utf-8; action="http://insurer.example/ws/policyadmin/2021/03/GetPolicy"'`);
    expect(v12).not.toContain('SOAPAction');
    expect(samplePath('CancelPolicy.soap12.xml')).toBe('wsdl/policy-admin/samples/CancelPolicy.soap12.xml');
  });
});

describe.skipIf(!hasCurl)('banner curl commands against the gateway', () => {
  let backend: ExampleBackend;
  let config: TempGatewayConfig;
  let gateway: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    backend = await startExampleBackend({ port: 0, quiet: true });
    config = await writeTempGatewayConfig({ backendUrl: backend.url, logLevel: 'error' });
    gateway = await startGateway({ configFile: config.configFile, env: {} });
  });
  afterAll(async () => {
    await gateway?.close();
    await backend?.close();
    await config?.remove();
  });

  it('every printed command succeeds from the repository root', async () => {
    const text = banner({ gatewayUrl: gateway.url, adminUrl: undefined, backendUrl: backend.url });
    const commands = text
      .split(/\n\s*\n/)
      .map((block) => block.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n').trim())
      .filter((block) => block.startsWith('curl'));
    expect(commands).toHaveLength(3);
    // async: the gateway and the backend run in this process and must keep serving meanwhile
    const run = async (cmd: string) => (await promisify(execFile)('sh', ['-c', `${cmd} -w '\\n%{http_code}'`], { cwd: REPO_ROOT, encoding: 'utf8' })).stdout;
    const [ok11, ok12, fault] = await Promise.all(commands.map(run));
    expect(ok11).toMatch(/<pa:GetPolicyResponse[\s\S]*MTR-2026-000118[\s\S]*\n200$/);
    expect(ok12).toMatch(/soap-envelope[\s\S]*<pa:GetPolicyResponse[\s\S]*HOM-2026-004471[\s\S]*\n200$/);
    expect(fault).toMatch(/<faultcode>soap:Client<\/faultcode>[\s\S]*POLICY_NOT_FOUND[\s\S]*\n500$/);
    expect(backend.requests).toHaveLength(3);
  });
});
