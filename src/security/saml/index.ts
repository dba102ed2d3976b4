export { processSamlAssertion, type SamlContext } from './assertion.ts';
export { bindConfirmations, bindHolderOfKey, bindSenderVouches } from './binding.ts';
export { SamlConfigError, samlSettings, type SamlIssuer, type SamlSettings } from './settings.ts';
export { resolveSamlKeyReference } from './token-reference.ts';
