import type { ServiceConfig } from '../config/types.ts';
import type { OperationPolicy } from '../policy/operation-policy.ts';
import type { SoapVersion } from '../errors.ts';
import type { SecurityRuntime } from '../security/runtime.ts';
import type { ServiceValidation } from '../validation/service.ts';
import type { WsdlModel, WsdlOperation, WsdlPort } from '../wsdl/types.ts';

/** One exposed endpoint: a WSDL port at a gateway path, with its dispatch indexes. Immutable. */
export interface CompiledPort {
  readonly serviceName: string;
  readonly path: string;
  readonly wsdlPort: WsdlPort;
  readonly version: SoapVersion;
  readonly backendUrl: URL;
  readonly operations: readonly WsdlOperation[];
  /** soapAction and wsam:Action values → operations declaring them. */
  readonly byAction: ReadonlyMap<string, readonly WsdlOperation[]>;
  /** Clark name of the first input Body element → operations. */
  readonly byBody: ReadonlyMap<string, readonly WsdlOperation[]>;
  /** Header blocks (Clark names) the gateway or the backend understands. */
  readonly understoodHeaders: ReadonlySet<string>;
  /** Header blocks (Clark names) the service declares the backend handles: forwarded even when unsigned. */
  readonly passThroughHeaders: ReadonlySet<string>;
  /** Actor/role URIs the gateway acts as, besides none/next/ultimate receiver. */
  readonly roles: ReadonlySet<string>;
  /** Operation name → its compiled security contract (empty when `security.mode` is off). */
  readonly policies: ReadonlyMap<string, OperationPolicy>;
}

/** A service (one WSDL + its service.yaml), validated and compiled at start-up. Immutable. */
export interface CompiledService {
  readonly name: string;
  readonly config: ServiceConfig;
  readonly wsdl: WsdlModel;
  readonly ports: readonly CompiledPort[];
  /** WS-Security material and settings; undefined when `security.mode` is off. */
  readonly security: SecurityRuntime | undefined;
  /** The compiled XML Schema validation; undefined when no operation validates anything. */
  readonly validation?: ServiceValidation;
}
