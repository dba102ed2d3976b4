import { loadConfig } from './config/load.ts';
import { ConfigError, type ConfigProblem } from './config/problems.ts';
import type { GatewayConfig } from './config/types.ts';
import { collectWarnings, type ConfigWarning } from './config/warnings.ts';
import { compileService } from './service/compile.ts';
import type { CompiledService } from './service/compiled.ts';
import { compileSecurity } from './security/runtime.ts';
import { unenforceablePolicies } from './service/policy-guard.ts';
import { loadWsdl } from './wsdl/load.ts';

export interface PreparedGateway {
  readonly gateway: GatewayConfig;
  readonly services: readonly CompiledService[];
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Start-up: read and validate every file, load every WSDL and bind each service to it.
 * All problems of all files are collected and thrown together in one ConfigError.
 */
export function prepareGateway(configFile: string, env: NodeJS.ProcessEnv = process.env): PreparedGateway {
  const loaded = loadConfig(configFile, { env });
  const problems: ConfigProblem[] = [];
  const services: CompiledService[] = [];
  for (const config of loaded.services) {
    try {
      const wsdl = loadWsdl(config.wsdl, { root: config.dir });
      if (config.security.wsdlPolicy === 'refuse') problems.push(...unenforceablePolicies(wsdl));
      else if (config.security.mode !== 'enforce') {
        problems.push({ file: config.file, path: '/security/wsdlPolicy', message: 'wsdlPolicy: superseded needs security.mode: enforce (the WSDL policy may only be replaced by an enforced contract)' });
      }
      const security = compileSecurity(config, problems, env);
      const compiled = compileService(config, wsdl, problems, security);
      if (compiled) services.push(compiled);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ gateway: loaded.gateway, services: Object.freeze(services), warnings: collectWarnings(loaded) });
}
