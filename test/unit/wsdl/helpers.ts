import { mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../../src/config/problems.ts';
import type { ConfigProblem } from '../../../src/config/problems.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/wsdl');
export const INTEROP_WSDL = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/interop/wsdl');

/** Runs `fn`, expects a ConfigError and returns its problems. */
export function problemsOf(fn: () => unknown): readonly ConfigProblem[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** A throw-away service directory holding `files` (relative path → content). */
export class TempDirs {
  readonly #dirs: string[] = [];

  make(files: Readonly<Record<string, string | Buffer>>): string {
    // Real path: the loader reports real paths (macOS /tmp is a link).
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'wsgate-wsdl-')));
    this.#dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  cleanup(): void {
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export const NS_DECLS = `xmlns:tns="urn:t" xmlns:el="urn:t:types" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"`;

/** A WSDL in namespace urn:t whose definitions are `body`. */
export function wsdl(body: string, extraDecls = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<wsdl:definitions targetNamespace="urn:t" ${NS_DECLS} ${extraDecls}>\n${body}\n</wsdl:definitions>\n`;
}

/** A document/literal one-operation service (Ping) with the pieces that tests replace. */
export function pingService(over: { types?: string; messages?: string; portType?: string; binding?: string; service?: string } = {}): string {
  return wsdl(
    [
      over.types ?? '',
      over.messages ??
        `  <wsdl:message name="PingIn"><wsdl:part name="p" element="el:Ping"/></wsdl:message>
  <wsdl:message name="PingOut"><wsdl:part name="p" element="el:PingResponse"/></wsdl:message>`,
      over.portType ??
        `  <wsdl:portType name="PT">
    <wsdl:operation name="Ping"><wsdl:input message="tns:PingIn"/><wsdl:output message="tns:PingOut"/></wsdl:operation>
  </wsdl:portType>`,
      over.binding ??
        `  <wsdl:binding name="B" type="tns:PT">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Ping">
      <soap:operation soapAction="urn:Ping"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`,
      over.service ??
        `  <wsdl:service name="S">
    <wsdl:port name="P" binding="tns:B"><soap:address location="http://backend.internal/ping"/></wsdl:port>
  </wsdl:service>`,
    ].join('\n'),
  );
}
