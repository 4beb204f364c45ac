// A real OpenID provider for the tests: panva's certified `oidc-provider`
// (npm) on 127.0.0.1:PORT with one confidential client, PKCE required, an
// RSA signing key made at start (its `kid` given, so a restart with another
// one is a key rotation), and the library's own development login form (any
// password; the login name is the account and its email). Consent is granted
// to the one client, as a company's provider does for its own applications.
//
//   node oidc.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI [KEY_ID]
//
// Accounts whose login starts with "unverified" have email_verified: false.
// Prints "ready" once it listens.

import Provider from 'oidc-provider';
import { generateKeyPairSync } from 'node:crypto';

const [port, clientId, clientSecret, redirectUri, keyId = 'key-1'] = process.argv.slice(2);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: keyId, use: 'sig', alg: 'RS256' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['orgspace-test-provider-cookie-key'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        const local = id.split('@')[0];
        return { sub: id, email: id, email_verified: !id.startsWith('unverified'), name: local.charAt(0).toUpperCase() + local.slice(1) };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
