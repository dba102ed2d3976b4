import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareGateway } from '../../src/bootstrap.ts';
import { writeExampleConfig } from '../support/gateway.ts';
import { claimsWsdl } from '../support/ports.ts';
import { configErrorOf } from '../support/errors.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});


describe('start-up refuses what it cannot enforce or resolve', () => {
  it('a WSDL carrying WS-SecurityPolicy with security.mode off stops start-up instead of being served unprotected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsgate-policy-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'claims'));
    copyFileSync(claimsWsdl, join(dir, 'claims', 'ClaimsService.wsdl'));
    writeFileSync(
      join(dir, 'claims', 'service.yaml'),
      'name: claims\nwsdl: ClaimsService.wsdl\nports:\n  - {wsdlPort: ClaimsSoap11Port, path: /ClaimsService/soap11}\nbackend: {type: soap, url: "http://127.0.0.1:8081/claims"}\n',
    );
    writeFileSync(join(dir, 'gateway.yaml'), 'services: [claims]\n');
    const err = configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml')));
    const p = err.problems.find((x) => x.message.includes('WS-Policy'));
    expect(p?.file).toBe(join(dir, 'claims', 'ClaimsService.wsdl'));
    expect(p?.line).toBeGreaterThan(1);
  });

  it('a port the WSDL does not define is named together with the ones it does', () => {
    const dir = writeExampleConfig('http://127.0.0.1:8081');
    dirs.push(dir);
    const svc = join(dir, 'policy-admin', 'service.yaml');
    writeFileSync(svc, 'name: policy-admin\nwsdl: PolicyAdministration.wsdl\nports:\n  - {wsdlPort: NoSuchPort, path: /pa}\nbackend: {type: soap, url: "http://127.0.0.1:8081/x"}\n');
    const err = configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml')));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.path).toBe('/ports/0/wsdlPort');
    expect(err.problems[0]?.message).toContain('PolicyAdministrationSoap11');
  });
});
