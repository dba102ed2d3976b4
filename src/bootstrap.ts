import { loadConfig } from './config/load.ts';
import { ConfigError, type ConfigProblem } from './config/problems.ts';
import type { GatewayConfig } from './config/types.ts';
import { collectWarnings, type ConfigWarning } from './config/warnings.ts';
import { compileService } from './service/compile.ts';
import type { CompiledService } from './service/compiled.ts';
import { compileSecurity } from './security/runtime.ts';
import { wsdlPolicyProblems } from './service/policy-guard.ts';
import { policyWarnings } from './service/policy-warnings.ts';
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
      problems.push(...wsdlPolicyProblems(config, wsdl));
      const security = compileSecurity(config, problems, env);
      const compiled = compileService(config, wsdl, problems, security);
      if (compiled) services.push(compiled);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ gateway: loaded.gateway, services: Object.freeze(services), warnings: [...collectWarnings(loaded), ...policyWarnings(services)] });
}
