/**
 * The banner of `npm start`: its commands (the signed-request client and one curl of an unsigned
 * sample), pasted into a shell in the repository root, reach the gateway (in front of the example
 * backend, with the demo service.yaml's security section) and get the documented answers.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleBackend } from '../../../src/example/backend.ts';
import type { ExampleBackend } from '../../../src/example/backend.ts';
import { UNSIGNED_FAULT, banner, clientCommand, curlCommand, samplePath } from '../../../src/example/banner.ts';
import { REPO_ROOT } from '../../../src/example/contract.ts';
import { reserveFreePort, writeTempGatewayConfig } from '../../../src/example/temp-gateway-config.ts';
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

  it('shows the signed-request client and says unsigned samples are refused', () => {
    const text = banner({ gatewayUrl: 'http://127.0.0.1:8080', adminUrl: undefined, backendUrl: 'http://127.0.0.1:8081' });
    expect(text).toContain('node --import tsx src/example/client.ts GetPolicy --url http://127.0.0.1:8080');
    expect(text).toContain('node --import tsx src/example/client.ts GetPolicy --soap12 --url http://127.0.0.1:8080');
    expect(text).toMatch(/must be SIGNED/);
    expect(text).toMatch(/unsigned: HTTP 500, soap:Client "Security requirements not met"/);
    expect(text).toContain('GW_ERR_SEC_HEADER_MISSING');
    expect(clientCommand('http://x', '1.2', 'SearchPolicies', ['--xml'])).toBe('node --import tsx src/example/client.ts SearchPolicies --soap12 --xml --url http://x');
  });

  it('uses SOAPAction for SOAP 1.1 and the action parameter for SOAP 1.2', () => {
    expect(curlCommand('http://x', '1.1', 'GetPolicy', 'GetPolicy.soap11.xml')).toContain(`-H 'SOAPAction: "http://insurer.example/ws/policyadmin/2021/03/GetPolicy"'`);
    const v12 = curlCommand('http://x', '1.2', 'GetPolicy', 'GetPolicy.soap12.xml');
    expect(v12).toContain(`-H 'Content-Type: application/soap+xml; charset=utf-8; action="http://insurer.example/ws/policyadmin/2021/03/GetPolicy"'`);
    expect(v12).not.toContain('SOAPAction');
    expect(samplePath('CancelPolicy.soap12.xml')).toBe('wsdl/policy-admin/samples/CancelPolicy.soap12.xml');
  });
});

describe.skipIf(!hasCurl)('banner commands against the gateway', () => {
  let backend: ExampleBackend;
  let config: TempGatewayConfig;
  let gateway: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    backend = await startExampleBackend({ port: 0, quiet: true });
    config = await writeTempGatewayConfig({ backendUrl: backend.url, logLevel: 'error', security: true, listenPort: await reserveFreePort() });
    gateway = await startGateway({ configFile: config.configFile, env: {} });
  });
  afterAll(async () => {
    await gateway?.close();
    await backend?.close();
    await config?.remove();
  });

  it('every printed command gets the documented answer from the repository root', async () => {
    const text = banner({ gatewayUrl: gateway.url, adminUrl: undefined, backendUrl: backend.url });
    const commands = text
      .split(/\n\s*\n/)
      .map((block) => block.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n').trim())
      .filter((block) => block.startsWith('curl') || block.startsWith('node '));
    expect(commands).toHaveLength(4);
    // async: the gateway and the backend run in this process and must keep serving meanwhile
    const run = async (cmd: string) => {
      const suffix = cmd.startsWith('curl') ? ` -w '\\n%{http_code}'` : ' 2>&1';
      return (await promisify(execFile)('sh', ['-c', `${cmd}${suffix}; echo "exit $?"`], { cwd: REPO_ROOT, encoding: 'utf8' })).stdout;
    };
    const [ok11, ok12, fault, unsigned] = await Promise.all(commands.map(run));
    expect(ok11).toMatch(/SOAP 1\.1, signed[\s\S]*"PolicyNumber": "MTR-2026-000118"[\s\S]*"865\.00"[\s\S]*exit 0\n$/);
    expect(ok12).toMatch(/SOAP 1\.2, signed[\s\S]*"PolicyNumber": "HOM-2026-004471"[\s\S]*"875\.00"[\s\S]*exit 0\n$/);
    expect(fault).toMatch(/SOAP fault or error: HTTP 500[\s\S]*POLICY_NOT_FOUND[\s\S]*exit 1\n$/);
    expect(unsigned).toMatch(new RegExp(`<faultcode>soap:Client</faultcode><faultstring xml:lang="en">${UNSIGNED_FAULT}</faultstring>[\\s\\S]*GW_ERR_SEC_REJECTED[\\s\\S]*\\n500exit 0\\n$`));
    // The signed three reached the backend (the unknown policy too: its fault is the backend's); the unsigned one did not.
    expect(backend.requests).toHaveLength(3);
    expect(backend.requests.map((r) => r.body).join('\n')).not.toContain('wss-wssecurity-secext');
  }, 30_000);
});
