import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { childElements, localNameOf } from '../../xml/ns.ts';
import { simpleText } from '../processors/dom-text.ts';
import { NS_SAML1, NS_SAML2 } from './names.ts';
import type { SamlSettings } from './settings.ts';
import { checkWindow, timeAttr } from './time.ts';

export interface ConditionsFacts {
  readonly notOnOrAfter: Date | undefined;
  readonly oneTimeUse: boolean;
}

/** The names of one SAML version's conditions. */
interface ConditionNames {
  readonly ns: string;
  readonly prefix: string;
  readonly audienceRestriction: string;
  /** A condition that makes the assertion single-use for the gateway (its ID is remembered). */
  readonly oneTimeUse: string;
  /** Conditions that concern only passing the assertion on, which the gateway never does. */
  readonly ignored: readonly string[];
}

/** SAML core 2.0 §2.5: AudienceRestriction, OneTimeUse, ProxyRestriction. */
export const SAML2_CONDITIONS: ConditionNames = { ns: NS_SAML2, prefix: 'saml2', audienceRestriction: 'AudienceRestriction', oneTimeUse: 'OneTimeUse', ignored: ['ProxyRestriction'] };
/** SAML core 1.1 §2.3.2.1: AudienceRestrictionCondition, DoNotCacheCondition (read as single-use). */
export const SAML1_CONDITIONS: ConditionNames = { ns: NS_SAML1, prefix: 'saml1', audienceRestriction: 'AudienceRestrictionCondition', oneTimeUse: 'DoNotCacheCondition', ignored: [] };

/**
 * Conditions: the time window with skew, every audience restriction naming the configured
 * audience (at least one is required: an assertion for "anyone" is not for us), the single-use
 * condition noted for replay. Any other condition is refused: an unknown condition makes the
 * assertion Indeterminate (SAML 2.0 core §2.5.1.2, SAML 1.1 core §2.3.2.1).
 */
export function checkConditions(conditions: Element | undefined, settings: SamlSettings, now: Date, names: ConditionNames = SAML2_CONDITIONS): ConditionsFacts {
  const restriction = `${names.prefix}:${names.audienceRestriction}`;
  if (conditions === undefined) throw new GatewayError('GW_ERR_SEC_SAML_AUDIENCE', `the assertion has no Conditions/${restriction} for ${settings.audience}`);
  const notBefore = timeAttr(conditions, 'NotBefore');
  const notOnOrAfter = timeAttr(conditions, 'NotOnOrAfter');
  checkWindow('the assertion', notBefore, notOnOrAfter, now, settings.skewMs);
  let restrictions = 0;
  let oneTimeUse = false;
  for (const c of childElements(conditions)) {
    const local = c.namespaceURI === names.ns ? localNameOf(c) : '';
    if (local === names.audienceRestriction) {
      restrictions++;
      const audiences = childElements(c).map((a) => {
        if (a.namespaceURI !== names.ns || localNameOf(a) !== 'Audience') throw new GatewayError('GW_ERR_SEC_SAML_INVALID', `${restriction} holds something other than Audience`);
        return simpleText(a)?.trim();
      });
      if (!audiences.includes(settings.audience)) {
        throw new GatewayError('GW_ERR_SEC_SAML_AUDIENCE', `${names.audienceRestriction} ${JSON.stringify(audiences.join(' ').slice(0, 200))} does not include ${settings.audience}`);
      }
    } else if (local === names.oneTimeUse) {
      if (oneTimeUse) throw new GatewayError('GW_ERR_SEC_SAML_INVALID', `more than one ${names.oneTimeUse} condition`);
      oneTimeUse = true;
    } else if (!names.ignored.includes(local)) {
      throw new GatewayError('GW_ERR_SEC_SAML_INVALID', `unsupported condition {${c.namespaceURI ?? ''}}${localNameOf(c)}`);
    }
  }
  if (restrictions === 0) throw new GatewayError('GW_ERR_SEC_SAML_AUDIENCE', `the assertion has no ${restriction} for ${settings.audience}`);
  return { notOnOrAfter, oneTimeUse };
}
