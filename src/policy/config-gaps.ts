import type { ConfigProblem } from '../config/problems.ts';
import type { SecurityRequirements, ServiceConfig } from '../config/types.ts';
import type { SecurityRuntime } from '../security/runtime.ts';
import { algorithmName, allowanceUris } from './algorithm-names.ts';
import type { AlgorithmCategory } from './algorithm-names.ts';
import type { AlgorithmSuiteRequirement } from './model.ts';

const needsEncryption = (r: SecurityRequirements): boolean => r.encryptedParts.length > 0 || (r.encryptedHeaders?.length ?? 0) > 0 || (r.encryptedElements?.length ?? 0) > 0;
const signs = (r: SecurityRequirements): boolean => r.signature || r.signedParts.length > 0 || r.signer !== undefined;

const FLOOR_HINT: Readonly<Record<AlgorithmCategory, string>> = {
  signature: 'add a stronger signature to `allowAlgorithms` (e.g. ecdsa-sha256), or rsa-sha1 to `legacy`',
  digest: 'add `sha1` to `legacy` only if the clients cannot do better',
  keyTransport: 'add `rsa-oaep` to `allowAlgorithms`',
  encryption: 'add `aes-cbc` to `legacy`, or an AES-GCM variant to `allowAlgorithms`',
};

/** Suite algorithms (plus allowances) that the gateway's own allowlist also accepts, per category. */
function suiteGap(suite: AlgorithmSuiteRequirement, r: SecurityRequirements, runtime: SecurityRuntime, category: AlgorithmCategory): string | undefined {
  const floor: ReadonlySet<string> =
    category === 'signature' ? runtime.signaturePolicy.signatureMethods : category === 'digest' ? runtime.signaturePolicy.digestMethods : category === 'keyTransport' ? runtime.encryptionPolicy.keyTransport : runtime.encryptionPolicy.dataEncryption;
  const offered = [...suite[category], ...allowanceUris(r.allowAlgorithms ?? [], category)];
  if (offered.some((u) => floor.has(u))) return undefined;
  return `${suite.assertion} allows only ${offered.map(algorithmName).join(', ')} for ${category === 'keyTransport' ? 'key transport' : category}, which this gateway does not accept with the service's settings: ${FLOOR_HINT[category]}`;
}

/**
 * What an imported alternative needs from service.yaml that WS-SecurityPolicy cannot carry: SAML
 * issuers and audience, the UsernameToken credential file with the right password type, a
 * decryption key, algorithms the gateway's allowlist accepts. Missing pieces stop start-up.
 */
export function configGaps(r: SecurityRequirements, service: ServiceConfig, runtime: SecurityRuntime | undefined, where: string): ConfigProblem[] {
  const sec = service.security;
  const out: ConfigProblem[] = [];
  const at = (path: string, message: string): void => {
    out.push({ file: service.file, path, message: `${message} (${where})` });
  };
  if (r.saml && sec.saml === undefined) at('/security/saml', `${r.origins?.saml ?? 'the WSDL policy'} requires a SAML 2.0 assertion: add security.saml (issuers and audience)`);
  for (const t of r.supportingTokens ?? []) {
    if (t.kind === 'saml' && t.version !== undefined && sec.saml !== undefined && !sec.saml.versions.includes(t.version)) {
      at('/security/saml/versions', `${t.assertion} requires a SAML ${t.version} assertion: add '${t.version}' to security.saml.versions`);
    }
    if (t.kind !== 'username') continue;
    if (sec.usernameToken === undefined) at('/security/usernameToken', `${t.assertion} requires a UsernameToken: add security.usernameToken (the credential file)`);
    else if (!sec.usernameToken.passwordTypes.includes(t.password)) at('/security/usernameToken/passwordTypes', `${t.assertion} requires Password${t.password === 'digest' ? 'Digest' : 'Text'}: add '${t.password}' to security.usernameToken.passwordTypes`);
  }
  if (needsEncryption(r) && sec.decryption === undefined) at('/security/decryption', `${r.origins?.encryptedBody ?? 'the WSDL policy'} requires encryption to the gateway: add security.decryption (key and certificate)`);
  const suite = r.algorithmSuite;
  if (suite !== undefined && runtime !== undefined) {
    const categories: AlgorithmCategory[] = [...(signs(r) ? (['signature', 'digest'] as const) : []), ...(needsEncryption(r) ? (['keyTransport', 'encryption'] as const) : [])];
    for (const c of categories) {
      const gap = suiteGap(suite, r, runtime, c);
      if (gap !== undefined) at(c === 'signature' || c === 'keyTransport' ? '/security/require/allowAlgorithms' : '/security/legacy', gap);
    }
  }
  return out;
}
