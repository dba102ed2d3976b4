/** Namespaces the WSDL module reads. */
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const SOAP11_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
export const SOAP12_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
export const HTTP_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/http/';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const WSAM_NS = 'http://www.w3.org/2007/05/addressing/metadata';
export const WSAW_NS = 'http://www.w3.org/2006/05/addressing/wsdl';

/** soap:binding/@transport values that mean SOAP over HTTP (WSDL 1.1 §3.3; the second is SOAP 1.2's own URI). */
export const HTTP_TRANSPORTS: ReadonlySet<string> = new Set([
  'http://schemas.xmlsoap.org/soap/http',
  'http://www.w3.org/2003/05/soap/bindings/HTTP/',
]);
