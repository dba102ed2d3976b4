import { violation } from '../message-view.ts';
import type { Validator } from '../message-view.ts';

/**
 * sp:TransportBinding / sp:HttpsToken: the request arrived over HTTPS, and with
 * RequireClientCertificate the TLS handshake verified a client certificate (tls.clientAuth).
 */
export const checkTransport: Validator = (r, m) => {
  const t = r.transport;
  if (t === undefined) return undefined;
  if (m.transport?.proto !== 'https') return violation('GW_ERR_POLICY_TRANSPORT', t.assertion, 'the policy requires HTTPS and the request did not arrive over TLS', { proto: m.transport?.proto ?? 'unknown' });
  if (t.clientCertificate && m.transport.tlsClient === undefined) {
    return violation('GW_ERR_POLICY_TRANSPORT', `${t.assertion}/sp:RequireClientCertificate`, 'the policy requires a TLS client certificate and the handshake verified none');
  }
  return undefined;
};
