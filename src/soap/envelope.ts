import type { Document, Element, Node } from '@xmldom/xmldom';
import { GatewayError, type SoapVersion } from '../errors.ts';
import { SOAP_ENV_NS, soapVersionOfNamespace } from './namespaces.ts';

/** A SOAP envelope whose structure has been checked: the facts every later stage works on. */
export interface Envelope {
  readonly doc: Document;
  readonly version: SoapVersion;
  readonly root: Element;
  readonly header: Element | null;
  /** Element children of the Header, in document order. */
  readonly headerBlocks: readonly Element[];
  readonly body: Element;
  /** Element children of the Body, in document order (at least one). */
  readonly bodyElements: readonly Element[];
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_NODE = 4;

function isWhitespace(s: string): boolean {
  return /^[ \t\r\n]*$/.test(s);
}

/**
 * Children of a SOAP structure element: elements only, whitespace text allowed, anything else
 * (text, CDATA) refused. SOAP 1.2 part 1 §5.1-5.3; SOAP 1.1 §4.
 */
function structuralChildren(parent: Element, where: string, code: 'GW_ERR_SOAP_ENVELOPE_SHAPE' | 'GW_ERR_SOAP_BODY_SHAPE'): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = parent.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
    else if ((n.nodeType === TEXT_NODE || n.nodeType === CDATA_NODE) && !isWhitespace(n.nodeValue ?? '')) {
      throw new GatewayError(code, `non-whitespace text directly inside ${where}`);
    }
  }
  return out;
}

function isSoap(el: Element, ns: string, local: string): boolean {
  return el.namespaceURI === ns && el.localName === local;
}

/**
 * Checks the Envelope: the root is an Envelope of the version bound at the endpoint, holding an
 * optional Header then exactly one Body and nothing else. SOAP 1.1 tolerates elements after the
 * Body; a gateway must not (a trailing element is where a signed Body copy hides).
 */
export function readEnvelope(doc: Document, endpointVersion: SoapVersion): Envelope {
  const root = doc.documentElement;
  if (root === null) throw new GatewayError('GW_ERR_SOAP_NOT_ENVELOPE', 'document has no root element');
  if (root.localName !== 'Envelope') {
    throw new GatewayError('GW_ERR_SOAP_NOT_ENVELOPE', `root element is {${root.namespaceURI ?? ''}}${root.localName ?? ''}`);
  }
  const version = soapVersionOfNamespace(root.namespaceURI);
  if (version === undefined) {
    throw new GatewayError('GW_ERR_SOAP_VERSION_MISMATCH', `Envelope namespace ${JSON.stringify(root.namespaceURI ?? '')} is neither SOAP 1.1 nor SOAP 1.2`, {
      namespace: root.namespaceURI ?? '',
    });
  }
  if (version !== endpointVersion) {
    throw new GatewayError('GW_ERR_SOAP_VERSION_MISMATCH', `SOAP ${version} Envelope sent to an endpoint bound to SOAP ${endpointVersion}`, {
      envelopeVersion: version,
      endpointVersion,
    });
  }
  const ns = SOAP_ENV_NS[version];
  const children = structuralChildren(root, 'Envelope', 'GW_ERR_SOAP_ENVELOPE_SHAPE');
  let i = 0;
  let header: Element | null = null;
  const first = children[0];
  if (first !== undefined && isSoap(first, ns, 'Header')) {
    header = first;
    i = 1;
  }
  const body = children[i];
  if (body === undefined || !isSoap(body, ns, 'Body')) {
    const got = body === undefined ? 'nothing' : `{${body.namespaceURI ?? ''}}${body.localName ?? ''}`;
    throw new GatewayError('GW_ERR_SOAP_ENVELOPE_SHAPE', `expected the Body ${header ? 'after the Header' : 'as first Envelope child'}, found ${got}`);
  }
  if (children.length > i + 1) {
    const extra = children[i + 1] as Element;
    throw new GatewayError('GW_ERR_SOAP_ENVELOPE_SHAPE', `element {${extra.namespaceURI ?? ''}}${extra.localName ?? ''} after the Body`, {
      trailingElements: children.length - i - 1,
    });
  }
  const headerBlocks = header ? structuralChildren(header, 'Header', 'GW_ERR_SOAP_ENVELOPE_SHAPE') : [];
  for (const block of headerBlocks) {
    // SOAP 1.2 part 1 §5.2.1, WS-I BP R1005: header blocks are namespace-qualified.
    if (!block.namespaceURI) {
      throw new GatewayError('GW_ERR_SOAP_ENVELOPE_SHAPE', `unqualified header block <${block.localName ?? ''}>`);
    }
  }
  const bodyElements = structuralChildren(body, 'Body', 'GW_ERR_SOAP_BODY_SHAPE');
  if (bodyElements.length === 0) throw new GatewayError('GW_ERR_SOAP_EMPTY_BODY', 'Body has no element child');
  return { doc, version, root, header, headerBlocks, body, bodyElements };
}
