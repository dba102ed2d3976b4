export { processSamlAssertion, type SamlContext } from './assertion.ts';
export { bindHolderOfKey } from './confirmation.ts';
export { samlSettings, type SamlIssuer, type SamlSettings } from './settings.ts';
