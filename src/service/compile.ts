import type { ServiceConfig } from '../config/types.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { servicePolicyCompiler } from '../policy/effective.ts';
import type { SecurityRuntime } from '../security/runtime.ts';
import { compileServiceValidation } from '../validation/service.ts';
import { WSA_NS } from '../soap/namespaces.ts';
import { NS_WSSE } from '../xml/ns.ts';
import type { QName, WsdlModel, WsdlOperation, WsdlServiceModel } from '../wsdl/types.ts';
import type { CompiledPort, CompiledService } from './compiled.ts';

const clark = (q: QName): string => `{${q.ns}}${q.local}`;

/** Headers the gateway itself processes: wsa:Action takes part in dispatch. */
/** The gateway processes the Security header addressed to it when WS-Security is enforced. */
const WSSE_SECURITY = `{${NS_WSSE}}Security`;

const GATEWAY_UNDERSTOOD: readonly string[] = WSA_NS.map((ns) => `{${ns}}Action`);

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pickService(config: ServiceConfig, wsdl: WsdlModel, problems: ConfigProblem[]): WsdlServiceModel | undefined {
  const names = wsdl.services.map((s) => s.name.local);
  if (config.wsdlService !== undefined) {
    const found = wsdl.services.find((s) => s.name.local === config.wsdlService);
    if (!found) {
      problems.push({ file: config.file, path: '/wsdlService', message: `the WSDL has no service '${config.wsdlService}' (it has: ${names.join(', ') || 'none'})` });
    }
    return found;
  }
  if (wsdl.services.length !== 1) {
    problems.push({
      file: config.file,
      path: '/wsdlService',
      message: wsdl.services.length === 0 ? `the WSDL ${wsdl.mainPath} defines no wsdl:service with a SOAP port` : `the WSDL defines ${wsdl.services.length} services (${names.join(', ')}); name one in wsdlService`,
    });
    return undefined;
  }
  return wsdl.services[0];
}

/** Binds a service's configuration to its WSDL model; collects every problem instead of stopping at the first. */
export function compileService(config: ServiceConfig, wsdl: WsdlModel, problems: ConfigProblem[], security?: SecurityRuntime): CompiledService | undefined {
  const service = pickService(config, wsdl, problems);
  if (!service) return undefined;
  const ports: CompiledPort[] = [];
  const policiesOf = servicePolicyCompiler(config, wsdl, security, problems);
  config.ports.forEach((pc, i) => {
    const wsdlPort = service.ports.find((p) => p.name === pc.wsdlPort);
    if (!wsdlPort) {
      const available = service.ports.map((p) => `${p.name} (SOAP ${p.soapVersion})`).join(', ');
      problems.push({ file: config.file, path: `/ports/${i}/wsdlPort`, message: `service ${service.name.local} has no SOAP port '${pc.wsdlPort}' (available: ${available || 'none'})` });
      return;
    }
    const byAction = new Map<string, WsdlOperation[]>();
    const byBody = new Map<string, WsdlOperation[]>();
    for (const op of wsdlPort.operations) {
      const actions = new Set([op.soapAction, op.inputAction ?? ''].filter((a) => a !== ''));
      for (const a of actions) pushTo(byAction, a, op);
      const first = op.inputBody[0];
      if (first) pushTo(byBody, clark(first), op);
    }
    ports.push(
      Object.freeze({
        serviceName: config.name,
        path: pc.path,
        wsdlPort,
        version: wsdlPort.soapVersion,
        backendUrl: new URL(pc.backendUrl ?? config.backend.url),
        operations: wsdlPort.operations,
        byAction,
        byBody,
        understoodHeaders: new Set([...GATEWAY_UNDERSTOOD, ...(config.security.mode === 'enforce' ? [WSSE_SECURITY] : []), ...config.passThroughHeaders]),
        passThroughHeaders: new Set(config.passThroughHeaders),
        roles: new Set(config.roles),
        policies: policiesOf(wsdlPort),
      }),
    );
  });
  // A rule for an operation the service does not offer is a typo that would otherwise go unnoticed.
  if (config.authorization !== undefined && ports.length > 0) {
    const offered = new Set(ports.flatMap((p) => p.operations.map((op) => op.name)));
    for (const op of Object.keys(config.authorization.operations)) {
      if (op !== '*' && !offered.has(op)) {
        problems.push({ file: config.file, path: `/authorization/operations/${op}`, message: `authorization rule for '${op}', which no exposed port offers (operations: ${[...offered].join(', ') || 'none'})` });
      }
    }
  }
  if (ports.length > 0) {
    const offered = new Set(ports.flatMap((p) => p.operations.map((op) => op.name)));
    for (const op of Object.keys(config.security.policyModes)) {
      if (!offered.has(op)) problems.push({ file: config.file, path: `/security/policyModes/${op}`, message: `policy mode for '${op}', which no exposed port offers (operations: ${[...offered].join(', ') || 'none'})` });
    }
  }
  const validation = compileServiceValidation(config, wsdl, ports.flatMap((p) => p.operations), problems);
  return Object.freeze({ name: config.name, config, wsdl, ports: Object.freeze(ports), security, ...(validation !== undefined ? { validation } : {}) });
}
