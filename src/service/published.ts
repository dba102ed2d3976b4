import { publishDocument } from '../wsdl/publish.ts';
import type { CompiledPort, CompiledService } from './compiled.ts';

/**
 * The WSDL set as this endpoint republishes it, rendered once at start-up: the main WSDL under
 * 'wsdl', other documents under 'wsdl=N' / 'xsd=N'. Only the service's exposed ports appear,
 * each at its gateway address.
 */
export function publishedDocuments(service: CompiledService, port: CompiledPort, publicBase: string): ReadonlyMap<string, string> {
  const base = publicBase.replace(/\/+$/, '');
  const selfUrl = `${base}${port.path}`;
  const portAddresses = new Map(service.ports.map((p) => [p.wsdlPort.name, `${base}${p.path}`]));
  const out = new Map<string, string>();
  for (const d of service.wsdl.documents) {
    const text = publishDocument(service.wsdl, d.kind, d.index, { selfUrl, portAddresses });
    if (text === undefined) continue;
    if (d.kind === 'wsdl' && d.index === 0) out.set('wsdl', text);
    out.set(`${d.kind}=${d.index}`, text);
  }
  return out;
}
