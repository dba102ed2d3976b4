import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { FAULT_NS, buildFault } from '../../../src/soap/fault.ts';

describe('the GW_ERR_SCHEMA_INVALID fault', () => {
  const violations = [{ path: '/p:A/p:B', message: "Element '{urn:p}B': 'x<y>&\"]]>' is not a valid value" }];

  it.each(['1.1', '1.2'] as const)('SOAP %s: lists the violations in the gateway detail, escaped, with the unmasked code', (version) => {
    const fault = buildFault('GW_ERR_SCHEMA_INVALID', version, { correlationId: 'c-1', violations });
    expect(fault.publicCode).toBe('GW_ERR_SCHEMA_INVALID');
    expect(fault.status).toBe(version === '1.1' ? 500 : 400);
    const errors: string[] = [];
    const doc = new DOMParser({ onError: (level, msg) => errors.push(`${level}: ${msg}`) }).parseFromString(fault.body, 'text/xml');
    expect(errors).toEqual([]);
    const v = doc.getElementsByTagNameNS(FAULT_NS, 'violation')[0];
    expect(v?.getElementsByTagNameNS(FAULT_NS, 'path')[0]?.textContent).toBe('/p:A/p:B');
    expect(v?.getElementsByTagNameNS(FAULT_NS, 'message')[0]?.textContent).toBe(violations[0]?.message);
  });

  it('other faults carry no violation elements', () => {
    expect(buildFault('GW_ERR_SOAP_EMPTY_BODY', '1.1', { correlationId: 'c-2' }).body).not.toContain('violation');
  });
});
