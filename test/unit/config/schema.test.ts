import { describe, expect, it } from 'vitest';
import { gatewaySchema, serviceSchema } from '../../../src/config/schema.ts';
import type { SchemaNode } from '../../../src/config/schema.ts';
import { closest } from '../../../src/config/suggest.ts';
import type { BackendConfig, GatewayConfig, ListenConfig, PortConfig, ServiceConfig, TlsConfig, XmlLimitsConfig } from '../../../src/config/types.ts';
import { validateGatewayDocument, validateServiceDocument } from '../../../src/config/validate.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Props<S> = S extends { readonly properties: infer P } ? keyof P : never;
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type EnumOf<S> = S extends { readonly enum: readonly (infer E)[] } ? E : never;
type GP = typeof gatewaySchema.properties;
const sp = serviceSchema.properties;
type SP = typeof sp;

// Compile-time: the schemas name exactly the fields of src/config/types.ts (checked by tsc).
const sameFields: readonly true[] = [
  true satisfies Equal<Props<typeof gatewaySchema>, Exclude<keyof GatewayConfig, 'file'>>,
  true satisfies Equal<Props<GP['listen']>, keyof ListenConfig>,
  true satisfies Equal<Props<GP['admin']>, keyof GatewayConfig['admin']>,
  true satisfies Equal<Props<GP['tls']>, keyof TlsConfig>,
  true satisfies Equal<Props<GP['tls']['properties']['passphrase']>, KeysOfUnion<NonNullable<TlsConfig['passphrase']>>>,
  true satisfies Equal<EnumOf<GP['tls']['properties']['clientAuth']>, TlsConfig['clientAuth']>,
  true satisfies Equal<Props<GP['logging']>, keyof GatewayConfig['logging']>,
  true satisfies Equal<EnumOf<GP['logging']['properties']['level']>, GatewayConfig['logging']['level']>,
  true satisfies Equal<Props<GP['shutdown']>, keyof GatewayConfig['shutdown']>,
  true satisfies Equal<Props<typeof serviceSchema>, Exclude<keyof ServiceConfig, 'file' | 'dir'>>,
  true satisfies Equal<Props<SP['ports']['items']>, keyof PortConfig>,
  true satisfies Equal<Props<SP['backend']>, keyof BackendConfig>,
  true satisfies Equal<EnumOf<SP['backend']['properties']['type']>, BackendConfig['type']>,
  true satisfies Equal<Props<SP['limits']>, keyof XmlLimitsConfig>,
];

function walk(node: SchemaNode, at: string, visit: (node: SchemaNode, at: string) => void): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    visit(child, `${at}${name}`);
    walk(child, `${at}${name}.`, visit);
    if (child.items !== undefined) walk(child.items, `${at}${name}[].`, visit);
  }
}

describe('configuration schemas', () => {
  it('mirror the fields of types.ts', () => {
    expect(sameFields.every(Boolean)).toBe(true);
  });

  it.each([
    ['gateway', gatewaySchema],
    ['service', serviceSchema],
  ] as const)('%s: every property has a description, every object is closed', (_name, schema) => {
    const missing: string[] = [];
    const open: string[] = [];
    walk(schema, '', (node, at) => {
      if ((node.description ?? '').trim() === '') missing.push(at);
      if (node.type === 'object' && node.additionalProperties !== false && typeof node.additionalProperties !== 'object') open.push(at);
      if (node.items?.type === 'object' && node.items.additionalProperties !== false) open.push(`${at}[]`);
    });
    expect(missing).toEqual([]);
    expect(open).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
  });

  it('defaults satisfy their own constraints', () => {
    expect(validateGatewayDocument({ services: ['a'] })).toEqual([]);
    const svc = { name: 'a', wsdl: 'a.wsdl', ports: [{ wsdlPort: 'P', path: '/a' }], backend: { url: 'http://b/' } };
    expect(validateServiceDocument(svc)).toEqual([]);
    expect(svc).toMatchObject({ backend: { type: 'soap', dropHeaders: [] }, limits: { maxBodyBytes: 1024 * 1024, allowComments: false } });
  });

  it('caps the body limit at 64 MiB', () => {
    expect(sp.limits.properties.maxBodyBytes.maximum).toBe(64 * 1024 * 1024);
  });

  it('accepts Clark-notation header names only', () => {
    const svc = (h: string) => ({ name: 'a', wsdl: 'a.wsdl', ports: [{ wsdlPort: 'P', path: '/a' }], backend: { url: 'http://b/' }, passThroughHeaders: [h] });
    expect(validateServiceDocument(svc('{http://www.w3.org/2005/08/addressing}To'))).toEqual([]);
    for (const bad of ['To', '{}To', '{urn:x}', '{urn:x}1To', 'wsa:To']) expect(validateServiceDocument(svc(bad))).not.toEqual([]);
  });
});

describe('closest', () => {
  it('suggests near misses and nothing for unrelated words', () => {
    expect(closest('bakend', ['backend', 'limits'])).toBe('backend');
    expect(closest('Backend', ['backend'])).toBe('backend');
    expect(closest('wsdlport', ['wsdlPort', 'path'])).toBe('wsdlPort');
    expect(closest('conectTimeoutMs', ['connectTimeoutMs', 'responseTimeoutMs'])).toBe('connectTimeoutMs');
    expect(closest('prot', ['port', 'host'])).toBe('port');
    expect(closest('colour', ['listen', 'services'])).toBeUndefined();
  });
});
