import type { Document } from '@xmldom/xmldom';
import type { SoapVersion } from '../errors.ts';

/** A qualified name. `ns` is '' for no namespace. */
export interface QName {
  readonly ns: string;
  readonly local: string;
}

export type OperationStyle = 'document' | 'rpc';

export interface WsdlOperation {
  readonly name: string;
  /** soap:operation/@soapAction ('' when absent or empty). */
  readonly soapAction: string;
  readonly style: OperationStyle;
  /** For document/literal: the element QName of the input body part(s) (wrapped: one; bare: the parts' elements,
   *  the first is the Body's first child). For rpc/literal: the wrapper element {soap:body/@namespace}operationName. */
  readonly inputBody: readonly QName[];
  readonly outputBody: readonly QName[];
  /** wsam:Action / wsaw:Action on the portType input, when present. */
  readonly inputAction?: string;
  readonly oneWay: boolean;
}

export interface WsdlPort {
  readonly name: string;
  readonly binding: QName;
  readonly soapVersion: SoapVersion;
  /** soap:address/@location as written in the WSDL. */
  readonly address: string;
  readonly operations: readonly WsdlOperation[];
}

export interface WsdlServiceModel {
  readonly name: QName;
  readonly ports: readonly WsdlPort[];
}

/** One loaded file of the WSDL set (the main WSDL, imported WSDLs, imported/included XSDs). */
export interface WsdlDocument {
  /** Absolute path on disk. */
  readonly path: string;
  readonly kind: 'wsdl' | 'xsd';
  /** 0 for the main WSDL; stable index used in ?wsdl=N / ?xsd=N publication URLs. */
  readonly index: number;
  readonly doc: Document;
  /** Each wsdl:import/@location and xsd import/include/redefine/@schemaLocation of this file, as written → the
   *  document it loaded (publication rewrites them to ?wsdl=N / ?xsd=N). */
  readonly references: ReadonlyMap<string, WsdlDocumentRef>;
}

export interface WsdlDocumentRef {
  readonly kind: 'wsdl' | 'xsd';
  readonly index: number;
}

export interface WsdlModel {
  readonly mainPath: string;
  readonly targetNamespace: string;
  readonly services: readonly WsdlServiceModel[];
  readonly documents: readonly WsdlDocument[];
}
