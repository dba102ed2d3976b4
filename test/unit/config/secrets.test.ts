import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSecret } from '../../../src/config/secrets.ts';
import { tree } from './tree.ts';
import { configErrorOf } from '../../support/errors.ts';


describe('readSecret', () => {
  it('reads a file and strips exactly one trailing newline', () => {
    const root = tree({ lf: 'pass\n', crlf: 'pass\r\n', two: 'pass\n\n', none: ' pass ' });
    expect(readSecret({ file: join(root, 'lf') }, {})).toBe('pass');
    expect(readSecret({ file: join(root, 'crlf') }, {})).toBe('pass');
    expect(readSecret({ file: join(root, 'two') }, {})).toBe('pass\n');
    expect(readSecret({ file: join(root, 'none') }, {})).toBe(' pass ');
  });

  it('reads a set, non-empty environment variable', () => {
    expect(readSecret({ env: 'PASS' }, { PASS: 'from-env' })).toBe('from-env');
  });

  it('names the variable or file of a missing secret, with where it was configured', () => {
    const where = { file: '/etc/wsgate/gateway.yaml', path: '/tls/passphrase', line: 7 };
    expect(configErrorOf(() => readSecret({ env: 'PASS' }, {}, where)).problems).toEqual([{ ...where, message: 'environment variable PASS is not set' }]);
    expect(configErrorOf(() => readSecret({ env: 'PASS' }, { PASS: '' }, where)).problems[0]?.message).toBe('environment variable PASS is empty');
    const root = tree({ empty: '\n' });
    expect(configErrorOf(() => readSecret({ file: join(root, 'missing') }, {})).problems).toEqual([
      { file: join(root, 'missing'), path: '', message: `secret file ${join(root, 'missing')} does not exist` },
    ]);
    expect(configErrorOf(() => readSecret({ file: join(root, 'empty') }, {})).problems[0]?.message).toBe(`secret file ${join(root, 'empty')} is empty`);
  });
});
