import { NS_SAML2 } from '../../xml/ns.ts';

export { NS_SAML1, NS_SAML2 } from '../../xml/ns.ts';

export const CM_BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const CM_HOLDER_OF_KEY = 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key';
export const CM_SENDER_VOUCHES = 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches';
export const NAMEID_ENTITY = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
export const KEY_INFO_CONFIRMATION_TYPE = `{${NS_SAML2}}KeyInfoConfirmationDataType`;
