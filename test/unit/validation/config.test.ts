import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareGateway } from '../../../src/bootstrap.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { renderCheckReport } from '../../../src/cli/check.ts';
import { renderExplain } from '../../../src/cli/explain.ts';
import { configErrorOf } from '../../support/errors.ts';
import { writeExampleConfig } from '../../support/gateway.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function example(serviceYaml: string): string {
  const dir = writeExampleConfig('http://127.0.0.1:8081', { serviceYaml });
  dirs.push(dir);
  return dir;
}

describe('the validation section of service.yaml', () => {
  it('defaults to off everywhere, with maxViolations 5', () => {
    const cfg = loadConfig(join(example(''), 'gateway.yaml'));
    expect(cfg.services[0]?.validation).toEqual({ request: 'off', response: 'off', maxViolations: 5, operations: {} });
  });

  it('reads `on` as the string on (YAML 1.2), and per-operation modes', () => {
    const cfg = loadConfig(join(example('validation: {request: on, response: report-only, operations: {GetPolicy: {request: off}}}'), 'gateway.yaml'));
    expect(cfg.services[0]?.validation).toEqual({ request: 'on', response: 'report-only', maxViolations: 5, operations: { GetPolicy: { request: 'off' } } });
  });

  it.each([
    ['validation: {request: yes}', '/validation/request'],
    ['validation: {request: on, maxViolations: 0}', '/validation/maxViolations'],
    ['validation: {operations: {GetPolicy: {}}}', '/validation/operations/GetPolicy'],
    ['validation: {strict: true}', '/validation/strict'],
  ])('%s is refused at %s', (yaml, path) => {
    const err = configErrorOf(() => loadConfig(join(example(yaml), 'gateway.yaml')));
    expect(err.problems.map((p) => p.path)).toContain(path);
  });
});

describe('start-up with validation on', () => {
  it('compiles the example WSDL (xsd:import of PolicyAdministration.xsd, its xsd:include of Common.xsd)', () => {
    const prepared = prepareGateway(join(example('validation: {request: on, response: on}'), 'gateway.yaml'));
    expect(prepared.services[0]?.validation?.operations.get('GetPolicy')).toEqual({ request: 'on', response: 'on' });
  });

  it('a schema error in an included XSD stops start-up naming that file; with validation off the same WSDL starts', () => {
    const broken = (dir: string): void => {
      const file = join(dir, 'policy-admin', 'Common.xsd');
      writeFileSync(file, readFileSync(file, 'utf8').replace('base="pa:AmountType"', 'base="pa:NoSuchType"'));
    };
    const on = example('validation: {request: on}');
    broken(on);
    const err = configErrorOf(() => prepareGateway(join(on, 'gateway.yaml')));
    expect(err.problems).toContainEqual(expect.objectContaining({ file: join(on, 'policy-admin', 'Common.xsd'), message: expect.stringContaining('NoSuchType') as string }));
    const off = example('');
    broken(off);
    expect(prepareGateway(join(off, 'gateway.yaml')).services).toHaveLength(1);
  });

  it('an XSD that imports a schemaLocation outside the service directory stops start-up, naming file and location', () => {
    const dir = example('validation: {request: on}');
    const file = join(dir, 'policy-admin', 'PolicyAdministration.xsd');
    writeFileSync(file, readFileSync(file, 'utf8').replace('<xsd:include schemaLocation="Common.xsd"/>', '<xsd:include schemaLocation="Common.xsd"/><xsd:import namespace="urn:shared" schemaLocation="../elsewhere/Shared.xsd"/>'));
    const err = configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml')));
    expect(err.problems).toContainEqual(expect.objectContaining({ file, message: expect.stringContaining("'../elsewhere/Shared.xsd'") as string }));
  });

  it('validation settings for an operation the WSDL does not offer stop start-up', () => {
    const err = configErrorOf(() => prepareGateway(join(example('validation: {operations: {GetPolicies: {request: on}}}'), 'gateway.yaml')));
    expect(err.problems.map((p) => p.path)).toEqual(['/validation/operations/GetPolicies']);
  });

  it('wsgate check --explain says per operation whether requests and responses are validated', () => {
    const dir = example('validation: {request: on, operations: {SearchPolicies: {request: report-only, response: on}}}');
    appendFileSync(join(dir, 'gateway.yaml'), '\n');
    const prepared = prepareGateway(join(dir, 'gateway.yaml'));
    const explain = renderExplain(prepared);
    expect(explain).toContain('schema validation (WSDL XSD): request on, response off');
    expect(explain).toContain('schema validation (WSDL XSD): request report-only, response on');
    expect(renderCheckReport(prepared, { workers: 1 })).toContain('schema validation: GetPolicy request on');
  });
});
