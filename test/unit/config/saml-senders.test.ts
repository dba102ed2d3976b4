import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareGateway } from '../../../src/bootstrap.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { interopDir, writeClaimsConfig } from '../../support/interop.ts';
import { configErrorOf } from '../../support/errors.ts';
import { problemsOf } from './helpers.ts';

/** The POLICY.md configuration with `lines` added to its saml section, and the WSDL's SAML token replaced by `token`. */
function claims(lines: readonly string[], token?: string): { dir: string; file: string } {
  const dir = writeClaimsConfig('http://127.0.0.1:1');
  const file = join(dir, 'claims', 'service.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {4}recipients: .*$/m, (l) => [l, ...lines].join('\n')));
  if (token !== undefined) {
    const wsdl = join(dir, 'claims', 'ClaimsService.wsdl');
    writeFileSync(wsdl, readFileSync(wsdl, 'utf8').replaceAll('<sp:WssSamlV20Token11/>', token));
  }
  return { dir, file };
}

describe('security.saml: versions, senders, senderVouches', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const at = (lines: readonly string[], token?: string): { dir: string; file: string } => {
    const c = claims(lines, token);
    dirs.push(c.dir);
    return c;
  };

  it('loads senders (resolved paths), senderVouches and SAML 1.1 as an opted-in version', () => {
    const { dir } = at(["    versions: ['2.0', '1.1']", `    senders: [{certificate: ${join(interopDir, 'certs', 'client-rsa.pem')}}]`, '    senderVouches: {requireSignedAssertion: true}']);
    const saml = loadConfig(join(dir, 'gateway.yaml')).services[0]?.security.saml;
    expect(saml?.versions).toEqual(['2.0', '1.1']);
    expect(saml?.senders).toEqual([{ certificate: join(interopDir, 'certs', 'client-rsa.pem') }]);
    expect(saml?.senderVouches).toEqual({ requireSignedAssertion: true });
  });

  it('refuses a sender certificate file that does not exist, and SAML 1.0 as a version', () => {
    const { dir } = at(['    senders: [{certificate: no-such.pem}]', "    versions: ['1.0']"]);
    const paths = problemsOf(join(dir, 'gateway.yaml')).map((p) => p.path);
    expect(paths).toContain('/security/saml/senders/0/certificate');
    expect(paths.some((p) => p?.startsWith('/security/saml/versions'))).toBe(true);
  });

  it('a sender file that is not a certificate stops start-up at its path', () => {
    const { dir } = at([`    senders: [{certificate: ${join(interopDir, 'certs', 'client-rsa.key')}}]`]);
    const p = configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml'), {})).problems.find((x) => x.path === '/security/saml/senders/0/certificate');
    expect(p?.message).toMatch(/^SAML sender certificate does not load/);
  });

  it('a WSDL SamlToken naming SAML 1.1 needs 1.1 in saml.versions: start-up says what to add', () => {
    const { dir, file } = at([], '<sp:WssSamlV11Token11/>');
    const p = configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml'), {})).problems.find((x) => x.path === '/security/saml/versions');
    expect(p?.file).toBe(file);
    expect(p?.message).toContain("sp:SupportingTokens/sp:SamlToken requires a SAML 1.1 assertion: add '1.1' to security.saml.versions");
    expect(p?.message).toContain('operation ListPolicies');
  });

  it('with 1.1 in saml.versions the same WSDL starts, and --explain names the version', () => {
    const { dir } = at(["    versions: ['2.0', '1.1']"], '<sp:WssSamlV11Token11/>');
    const svc = prepareGateway(join(dir, 'gateway.yaml'), {}).services[0];
    const alt = svc?.ports[0]?.policies.get('ListPolicies')?.alternatives[0];
    expect(alt?.supportingTokens).toEqual([{ kind: 'saml', assertion: 'sp:SupportingTokens/sp:SamlToken', container: 'SupportingTokens', version: '1.1' }]);
  });
});
