import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { childElements, localNameOf } from '../../xml/ns.ts';
import { simpleText } from '../processors/dom-text.ts';
import { NS_SAML2 } from './names.ts';
import type { SamlSettings } from './settings.ts';
import { checkWindow, timeAttr } from './time.ts';

export interface ConditionsFacts {
  readonly notOnOrAfter: Date | undefined;
  readonly oneTimeUse: boolean;
}

/**
 * saml2:Conditions (SAML core §2.5): the time window with skew, every AudienceRestriction naming
 * the configured audience (at least one is required: an assertion for "anyone" is not for us),
 * OneTimeUse noted for replay, ProxyRestriction ignored (we pass no assertion on). Any other
 * condition is refused: an unknown condition makes the assertion Indeterminate (§2.5.1.2).
 */
export function checkConditions(conditions: Element | undefined, settings: SamlSettings, now: Date): ConditionsFacts {
  if (conditions === undefined) throw new GatewayError('GW_ERR_SEC_SAML_AUDIENCE', `the assertion has no Conditions/AudienceRestriction for ${settings.audience}`);
  const notBefore = timeAttr(conditions, 'NotBefore');
  const notOnOrAfter = timeAttr(conditions, 'NotOnOrAfter');
  checkWindow('the assertion', notBefore, notOnOrAfter, now, settings.skewMs);
  let restrictions = 0;
  let oneTimeUse = false;
  for (const c of childElements(conditions)) {
    const local = c.namespaceURI === NS_SAML2 ? localNameOf(c) : '';
    if (local === 'AudienceRestriction') {
      restrictions++;
      const audiences = childElements(c).map((a) => {
        if (a.namespaceURI !== NS_SAML2 || localNameOf(a) !== 'Audience') throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'AudienceRestriction holds something other than Audience');
        return simpleText(a)?.trim();
      });
      if (!audiences.includes(settings.audience)) {
        throw new GatewayError('GW_ERR_SEC_SAML_AUDIENCE', `AudienceRestriction ${JSON.stringify(audiences.join(' ').slice(0, 200))} does not include ${settings.audience}`);
      }
    } else if (local === 'OneTimeUse') {
      if (oneTimeUse) throw new GatewayError('GW_ERR_SEC_SAML_INVALID', 'more than one OneTimeUse condition');
      oneTimeUse = true;
    } else if (local !== 'ProxyRestriction') {
      throw new GatewayError('GW_ERR_SEC_SAML_INVALID', `unsupported condition {${c.namespaceURI ?? ''}}${localNameOf(c)}`);
    }
  }
  if (restrictions === 0) throw new GatewayError('GW_ERR_SEC_SAML_AUDIENCE', `the assertion has no AudienceRestriction for ${settings.audience}`);
  return { notOnOrAfter, oneTimeUse };
}
