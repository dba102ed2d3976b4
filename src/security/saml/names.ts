import { NS_SAML2 } from '../../xml/ns.ts';

export { NS_SAML1, NS_SAML2 } from '../../xml/ns.ts';

export const CM_BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const CM_HOLDER_OF_KEY = 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key';
export const CM_SENDER_VOUCHES = 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches';
export const NAMEID_ENTITY = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
export const KEY_INFO_CONFIRMATION_TYPE = `{${NS_SAML2}}KeyInfoConfirmationDataType`;

/** SAML 1.1 ConfirmationMethod URIs (SAML 1.1 core §7.1; the 1.0 URNs are the 1.1 ones). */
export const CM1_BEARER = 'urn:oasis:names:tc:SAML:1.0:cm:bearer';
export const CM1_HOLDER_OF_KEY = 'urn:oasis:names:tc:SAML:1.0:cm:holder-of-key';
export const CM1_SENDER_VOUCHES = 'urn:oasis:names:tc:SAML:1.0:cm:sender-vouches';

/** wsse:KeyIdentifier ValueTypes of a local assertion (SAML Token Profile 1.1 §3.4.2, table 3). */
export const KEYID_SAML2 = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID';
export const KEYID_SAML1 = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID';
/** wsse11:TokenType of a SecurityTokenReference to an assertion (SAML Token Profile 1.1 §3.4.1). */
export const TOKEN_TYPE_SAML2 = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0';
export const TOKEN_TYPE_SAML1 = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1';
