import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblems } from '../../../src/config/problems.ts';
import { errorOf, problemsOf } from './helpers.ts';
import { WSDL, service, tree } from './tree.ts';

const messagesOf = (file: string, env: NodeJS.ProcessEnv = {}): string[] => problemsOf(file, { env }).map((p) => p.message);

describe('loadConfig: files', () => {
  it('reports a gateway file that does not exist', () => {
    const root = tree({});
    expect(problemsOf(join(root, 'nope.yaml'))).toEqual([{ file: join(root, 'nope.yaml'), path: '', message: 'file not found' }]);
  });

  it('reports an empty file', () => {
    const root = tree({ 'g.yaml': '# nothing yet\n' });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual(['the file is empty: expected a mapping of keys']);
  });

  it('reports a file that is not a mapping', () => {
    const root = tree({ 'g.yaml': '- a\n- b\n' });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual(['the file must be a mapping of keys, not a list']);
  });

  it('reports duplicate keys with their line', () => {
    const root = tree({ 'g.yaml': 'services: [a]\nworkers: 1\nworkers: 2\n', ...service('a', 'a', '/a') });
    expect(problemsOf(join(root, 'g.yaml'))).toEqual([{ file: join(root, 'g.yaml'), path: '', line: 3, message: "key 'workers' appears twice in the same mapping" }]);
  });

  it('accepts a JSON gateway file and a service.json, with lines in problems', () => {
    const root = tree({
      'g.json': '{\n  "services": ["a"],\n  "workers": "2"\n}\n',
      'a/service.json': JSON.stringify({ name: 'a', wsdl: 'S.wsdl', ports: [{ wsdlPort: 'P', path: '/a' }], backend: { url: 'http://b/' } }),
      'a/S.wsdl': WSDL,
    });
    expect(problemsOf(join(root, 'g.json'))).toEqual([{ file: join(root, 'g.json'), path: '/workers', line: 3, message: 'workers must be a whole number, not a string' }]);
  });

  it('rejects YAML-only syntax in a .json file', () => {
    const root = tree({ 'g.json': 'services: [a]\n' });
    expect(messagesOf(join(root, 'g.json'))[0]).toMatch(/^JSON syntax error: /);
  });

  it('rejects a directory with two service files', () => {
    const root = tree({ 'g.yaml': 'services: [a]\n', ...service('a', 'a', '/a'), 'a/service.json': '{}' });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual([`services[0]: directory ${join(root, 'a')} has service.yaml and service.json: keep one`]);
  });

  it('rejects the same service directory named twice', () => {
    const root = tree({ 'g.yaml': 'services: [a, ./a/]\n', ...service('a', 'a', '/a') });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual(['services[1] names the same directory as services[0]: list each service once']);
  });

  it('rejects a WSDL that is a link to a file outside the service directory', () => {
    const root = tree({ 'outside.wsdl': WSDL });
    const svc = tree({ 'g.yaml': 'services: [a]\n', 'a/service.yaml': 'name: a\nwsdl: L.wsdl\nports: [{wsdlPort: P, path: /a}]\nbackend: {url: "http://b/"}\n' });
    symlinkSync(join(root, 'outside.wsdl'), join(svc, 'a', 'L.wsdl'));
    expect(messagesOf(join(svc, 'g.yaml'))).toEqual([`wsdl must be inside the service directory ${join(svc, 'a')}, but ${join(svc, 'a', 'L.wsdl')} is a link to a file outside it`]);
  });

  it('lists every problem in ConfigError.message, one per line', () => {
    const err = errorOf(join(tree({ 'g.yaml': 'workers: 0\n' }), 'g.yaml'));
    expect(err.message).toBe(formatProblems(err.problems));
    expect(err.message.split('\n')).toHaveLength(3);
    expect(err.message).toMatch(/^2 configuration problems:\n {2}- \/.*g\.yaml:1 at \/services: services is required\n/);
  });
});

describe('loadConfig: tls', () => {
  const tlsFiles = { 'c.pem': 'cert', 'k.pem': 'key', 'ca.pem': 'ca', 'p.p12': 'pfx', ...service('a', 'a', '/a') };
  const gateway = (tls: string): string => `services: [a]\ntls:\n${tls}`;

  it('needs cert and key, or pfx', () => {
    expect(messagesOf(join(tree({ ...tlsFiles, 'g.yaml': gateway('  clientAuth: none\n') }), 'g.yaml'))).toEqual(['tls needs a certificate: set cert and key (PEM files), or pfx (a PKCS#12 file)']);
    expect(messagesOf(join(tree({ ...tlsFiles, 'g.yaml': gateway('  cert: c.pem\n') }), 'g.yaml'))).toEqual(['tls.cert needs tls.key: set the PEM private key of the certificate']);
    expect(messagesOf(join(tree({ ...tlsFiles, 'g.yaml': gateway('  pfx: p.p12\n  key: k.pem\n') }), 'g.yaml'))).toEqual(['tls.pfx cannot be combined with tls.cert/tls.key: use either cert and key, or pfx']);
  });

  it('checks that every TLS file exists', () => {
    const root = tree({ ...tlsFiles, 'g.yaml': gateway('  cert: missing.pem\n  key: k.pem\n  clientCa: [ca.pem, gone.pem]\n  clientAuth: require\n') });
    expect(problemsOf(join(root, 'g.yaml')).map((p) => [p.path, p.line, p.message])).toEqual([
      ['/tls/cert', 3, `tls.cert: file ${join(root, 'missing.pem')} does not exist`],
      ['/tls/clientCa/1', 5, `tls.clientCa[1]: file ${join(root, 'gone.pem')} does not exist`],
    ]);
  });

  it('requires clientCa and clientAuth together', () => {
    expect(messagesOf(join(tree({ ...tlsFiles, 'g.yaml': gateway('  pfx: p.p12\n  clientAuth: require\n') }), 'g.yaml'))).toEqual([
      "tls.clientAuth is 'require' but tls.clientCa lists no CA files: add the CAs that issue client certificates",
    ]);
    expect(messagesOf(join(tree({ ...tlsFiles, 'g.yaml': gateway('  pfx: p.p12\n  clientCa: [ca.pem]\n') }), 'g.yaml'))).toEqual([
      "tls.clientCa is set but tls.clientAuth is 'none', so client certificates are never asked for: set clientAuth to 'optional' or 'require', or remove clientCa",
    ]);
  });

  it('says where a top-level clientCa belongs', () => {
    const root = tree({ ...tlsFiles, 'g.yaml': 'services: [a]\nclientCa: [ca.pem]\n' });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual(["unknown key 'clientCa' (it belongs under 'tls')"]);
  });

  it('reads a passphrase file relative to the gateway file and keeps its absolute path', () => {
    const root = tree({ ...tlsFiles, 'conf/g.yaml': 'services: [../a]\ntls:\n  pfx: ../p.p12\n  passphrase: {file: ../pass.txt}\n', 'pass.txt': 's3cret\n' });
    const { gateway } = loadConfig(join(root, 'conf/g.yaml'), { env: {} });
    expect(gateway.tls).toEqual({ pfx: join(root, 'p.p12'), passphrase: { file: join(root, 'pass.txt') }, clientAuth: 'none' });
  });

  it('reports an empty or missing passphrase file without any secret', () => {
    const root = tree({ ...tlsFiles, 'g.yaml': gateway('  pfx: p.p12\n  passphrase: {file: empty.txt}\n'), 'empty.txt': '\n' });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual([`tls.passphrase: secret file ${join(root, 'empty.txt')} is empty`]);
  });

  it('wants exactly one of file or env', () => {
    const root = tree({ ...tlsFiles, 'g.yaml': gateway('  pfx: p.p12\n  passphrase: {file: x.txt, env: X}\n') });
    expect(messagesOf(join(root, 'g.yaml'), { X: 'y' })).toEqual(['tls.passphrase must name exactly one of file or env']);
  });
});

describe('loadConfig: service rules', () => {
  it('rejects duplicate names and paths within one service too', () => {
    const root = tree({
      'g.yaml': 'services: [a, b]\n',
      ...service('a', 'same', '/a'),
      'b/service.yaml': 'name: same\nwsdl: S.wsdl\nports:\n  - {wsdlPort: P, path: /b}\n  - {wsdlPort: Q, path: /b}\nbackend: {url: "http://x/"}\n',
      'b/S.wsdl': WSDL,
    });
    expect(problemsOf(join(root, 'g.yaml')).map((p) => [p.path, p.line])).toEqual([['/name', 1], ['/ports/1/path', 5]]);
  });

  it.each([
    ['/a/', 'a trailing slash'],
    ['a', 'no leading slash'],
    ['/a?wsdl', 'a query'],
    ['/a#x', 'a fragment'],
    ['/a//b', 'an empty segment'],
    ['/a/../b', 'a dot-dot segment'],
    ['/', 'the root'],
  ])('rejects the port path %s (%s)', (path) => {
    const root = tree({ 'g.yaml': 'services: [a]\n', ...service('a', 'a', `'${path}'`) });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual([
      `ports[0].path must be a URL path starting with '/', without '?', '#', '.' or '..' segments, empty segments or a trailing '/', not '${path}'`,
    ]);
  });

  it('never echoes credentials written into a backend URL', () => {
    const root = tree({
      'g.yaml': 'services: [a]\n',
      'a/service.yaml': 'name: a\nwsdl: S.wsdl\nports:\n  - {wsdlPort: P, path: /a, backendUrl: "https://svc:hunter2@backend.internal/"}\nbackend: {url: "http://b/"}\n',
      'a/S.wsdl': WSDL,
    });
    const messages = messagesOf(join(root, 'g.yaml'));
    expect(JSON.stringify(messages)).not.toContain('hunter2');
    expect(messages).toEqual(["ports[0].backendUrl must be an http or https URL (without user:password), not 'https://***@backend.internal/'"]);
  });

  it('suggests the closest enum value and names the allowed ones', () => {
    const root = tree({ 'g.yaml': 'services: [a]\nlogging: {level: warning}\n', ...service('a', 'a', '/a') });
    expect(messagesOf(join(root, 'g.yaml'))).toEqual(["logging.level must be one of 'trace', 'debug', 'info', 'warn', 'error', 'fatal', not 'warning' (did you mean 'warn'?)"]);
  });
});
