import type { SecurityRequirements, WrittenRequirements } from '../config/types.ts';

/** Where a policy was attached in the WSDL: what `check --explain` cites. */
export interface PolicyAttachment {
  /** `binding ClaimsSoap11Binding`, `operation SubmitClaim`, `input of SubmitClaim`. */
  readonly subject: string;
  /** `wsp:PolicyReference #Id`, `inline wsp:Policy`, `wsp:PolicyURIs #Id`. */
  readonly how: string;
  readonly file: string;
  readonly line: number | undefined;
}

/** A WSDL policy attachment the gateway does not enforce (responses are forwarded as the backend sends them). */
export interface ResponseSidePolicy {
  readonly what: string;
  readonly file: string;
  readonly line: number | undefined;
}

export type ContractSource =
  | { readonly kind: 'wsdl'; readonly file: string; readonly binding: string; readonly attachments: readonly PolicyAttachment[] }
  | { readonly kind: 'service.yaml'; readonly why: 'no-wsdl-policy' | 'superseded' };

/**
 * The compiled contract of one operation at one port: any one alternative must hold. With a
 * WSDL policy, each alternative is a WSDL alternative with service.yaml's additions merged in;
 * without one, the single alternative is what service.yaml says.
 */
export interface OperationPolicy {
  readonly operation: string;
  readonly source: ContractSource;
  readonly alternatives: readonly SecurityRequirements[];
  /** What service.yaml added to a WSDL policy (empty for a service.yaml contract). */
  readonly added: WrittenRequirements;
  /** Output / fault policies and response-side assertions: shown, not enforced. */
  readonly responseSide: readonly ResponseSidePolicy[];
  /** WSDL alternatives dropped because they hold an optional assertion the gateway cannot enforce. */
  readonly dropped: readonly string[];
}
