// Issue 16, single sign-on: an Owner whose domain is verified (on a real DNS
// server) configures the organization's provider on the Domains page — an
// OpenID provider (panva's certified oidc-provider) for Acme, a SAML 2.0
// identity provider (samlify) for Globex; a new colleague signs in with SSO
// from the sign-in page, signs in at the provider and lands in the
// organization with the default role. A forged return is explained, not
// signed in.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, signedUp, screenshot, assertAccessible, visible, startDnsServer, startOidcProvider, startSamlIdp, ADDRESS } from '../lib.mjs';

const dns = await startDnsServer();
const env = useServerAndBrowser({ ORGSPACE_DNS_SERVER: `127.0.0.1:${dns.port}` });
let provider;
let samlIdp;
after(() => { dns.stop(); provider?.stop(); samlIdp?.stop(); });

test('a new colleague signs in with SSO and joins with the default role', async () => {
  const { server, browser } = env;
  provider = await startOidcProvider(`${server.url}/api/sso/oidc/callback`);
  // zz-logs.test.mjs looks for the client secret in the servers' logs.
  appendFileSync(join(server.dir, 'secrets.txt'), `${provider.clientSecret}\n`);
  const olga = await signedUp(browser, server, {
    email: 'olga@acme.test', name: 'Olga Owner', account_type: 'organization',
    organization: { name: 'Acme', region: 'eu-central', billing_address: ADDRESS },
  });
  const org = olga.me.accounts.find((a) => a.kind === 'organization').id;
  const api = (path) => `${server.url}/api/accounts/${org}${path}`;
  const domain = await (await olga.context.request.post(api('/domains'), { data: { domain: 'acme.test' } })).json();
  dns.publish({ '_orgspace-challenge.acme.test': [domain.txt_value] });
  assert.equal((await olga.context.request.post(api(`/domains/${domain.id}/verify`))).status(), 200);
  const team = await (await olga.context.request.post(api('/teams'), { data: { name: 'Engineering' } })).json();

  // The Owner connects the provider.
  const page = olga.page;
  await page.goto(`${server.url}/a/${org}/domains`);
  await visible(page.getByRole('heading', { level: 2, name: 'Single sign-on' }), 'the SSO panel');
  assert.equal(await page.getByLabel('Redirect URI').textContent(), `${server.url}/api/sso/oidc/callback`);
  await page.getByLabel('Issuer URL').fill(provider.issuer);
  await page.getByLabel('Client ID').fill(provider.clientId);
  await page.getByLabel('Client secret').fill(provider.clientSecret);
  await page.getByLabel('Role of new members').selectOption('tech');
  await page.getByLabel('Team of new members').selectOption({ label: 'Engineering' });
  await page.getByRole('button', { name: 'Save' }).click();
  await visible(page.getByRole('status').getByText('Saved: single sign-on is on.'), 'saved');
  await visible(page.getByRole('button', { name: 'Test sign-in (new tab)' }), 'the test sign-in');
  // The form shows what was saved, the team included (its options load later).
  await page.reload();
  await visible(page.getByRole('button', { name: 'Test sign-in (new tab)' }), 'saved, after a reload');
  assert.equal(await page.getByLabel('Team of new members').inputValue(), team.id);
  assert.equal(await page.getByLabel('Role of new members').inputValue(), 'tech');
  await screenshot(page, 'domains-sso');
  await assertAccessible(page, 'the domains and single sign-on page');

  // Nina, new, signs in with SSO from the sign-in page.
  const nina = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const n = await nina.newPage();
  await n.goto(`${server.url}/login`);
  await n.getByRole('button', { name: 'Use single sign-on (SSO)' }).click();
  await visible(n.getByRole('heading', { level: 1, name: 'Sign in with SSO' }), 'the SSO form');
  await screenshot(n, 'sign-in-sso');
  await assertAccessible(n, 'the SSO sign-in form');
  await n.getByLabel('Work email').fill('nina@acme.test');
  await n.getByRole('button', { name: 'Continue' }).click();
  // At the provider: its own login form.
  await n.waitForURL((url) => url.origin === provider.issuer);
  await n.locator('input[name="login"]').fill('nina@acme.test');
  await n.locator('input[name="password"]').fill('her password at the provider');
  await n.locator('button[type="submit"]').first().click();
  await n.waitForURL(new RegExp(`/a/${org}/members$`));
  await visible(n.getByRole('heading', { level: 1, name: 'Members' }), 'Nina is in Acme');
  await visible(n.getByText('Tech', { exact: true }).first(), 'with the default role');
  const me = await (await nina.request.get(`${server.url}/api/me`)).json();
  assert.equal(me.user.email_verified, true);
  assert.equal(me.accounts.find((a) => a.id === org).role, 'tech');

  // A forged return lands on the explanation, signed out.
  const stranger = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const s = await stranger.newPage();
  await s.goto(`${server.url}/api/sso/oidc/callback?code=x&state=forged`);
  await s.waitForURL(/\/sso\/error\?code=state_invalid$/);
  await visible(s.getByRole('heading', { level: 1, name: 'This sign-in cannot be finished here' }), 'explained');
  await screenshot(s, 'sso-error');
  await assertAccessible(s, 'the SSO error page');
  assert.equal((await stranger.request.get(`${server.url}/api/me`)).status(), 401);
  for (const context of [olga.context, nina, stranger]) await context.close();
});

test('with SAML 2.0: the Owner pastes the provider metadata and a colleague signs in', async () => {
  const { server, browser } = env;
  samlIdp = await startSamlIdp();
  const gina = await signedUp(browser, server, {
    email: 'gina@globex.test', name: 'Gina Owner', account_type: 'organization',
    organization: { name: 'Globex', region: 'eu-central', billing_address: ADDRESS },
  });
  const org = gina.me.accounts.find((a) => a.kind === 'organization').id;
  const api = (path) => `${server.url}/api/accounts/${org}${path}`;
  const domain = await (await gina.context.request.post(api('/domains'), { data: { domain: 'globex.test' } })).json();
  dns.publish({ '_orgspace-challenge.globex.test': [domain.txt_value] });
  assert.equal((await gina.context.request.post(api(`/domains/${domain.id}/verify`))).status(), 200);

  // The Owner chooses SAML, copies what the provider needs, pastes its metadata.
  const page = gina.page;
  await page.goto(`${server.url}/a/${org}/domains`);
  await visible(page.getByRole('heading', { level: 2, name: 'Single sign-on' }), 'the SSO panel');
  await page.getByLabel('Protocol').selectOption('saml');
  const metadataUrl = `${server.url}/api/sso/${org}/saml/metadata`;
  await visible(page.getByText(metadataUrl, { exact: true }).first(), 'the entity ID to give the provider');
  await visible(page.getByText(`${server.url}/api/sso/saml/acs`, { exact: true }), 'the ACS URL');
  await page.getByLabel('Identity provider metadata (XML)').fill('<not metadata');
  await page.getByRole('button', { name: 'Save' }).click();
  await visible(page.getByText(/is not SAML metadata XML/), 'bad metadata is explained at the field');
  await page.getByLabel('Identity provider metadata (XML)').fill(samlIdp.metadata);
  await page.getByLabel('Role of new members').selectOption('admin');
  await page.getByRole('button', { name: 'Save' }).click();
  await visible(page.getByRole('status').getByText('Saved: single sign-on is on.'), 'saved');
  await visible(page.getByText(`${samlIdp.base}/sso`), 'where the provider signs people in');
  await screenshot(page, 'domains-saml');
  await assertAccessible(page, 'the SAML connection form');

  // Sven, new, signs in with SSO: at the provider, then back through the ACS.
  const [sven, v] = await atSamlIdp(browser, server, 'sven@globex.test');
  await v.getByLabel('Password').fill('his password at the provider');
  await v.getByRole('button', { name: 'Sign in' }).click();
  await v.waitForURL(new RegExp(`/a/${org}/members$`));
  await visible(v.getByRole('heading', { level: 1, name: 'Members' }), 'Sven is in Globex');
  await screenshot(v, 'saml-signed-in');
  const me = await (await sven.request.get(`${server.url}/api/me`)).json();
  assert.equal(me.user.email, 'sven@globex.test');
  assert.equal(me.user.email_verified, true);
  assert.equal(me.accounts.find((a) => a.id === org).role, 'admin');

  // An answer signed with another key is refused and explained.
  const [eve, e] = await atSamlIdp(browser, server, 'eve@globex.test');
  await e.getByLabel('Answer').selectOption('impostor');
  await e.getByRole('button', { name: 'Sign in' }).click();
  await e.waitForURL(/\/sso\/error\?code=signature_invalid$/);
  await visible(e.getByRole('heading', { level: 1, name: 'The answer was not signed by your identity provider' }), 'explained');
  await assertAccessible(e, 'the SAML error page');
  assert.equal((await eve.request.get(`${server.url}/api/me`)).status(), 401);
  for (const context of [gina.context, sven, eve]) await context.close();
});

/** A new browser that starts SSO for `email` on the sign-in page and is at
 * the SAML provider's form with the address filled in: [context, page]. */
async function atSamlIdp(browser, server, email) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click();
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === samlIdp.base);
  await page.getByLabel('Email').fill(email);
  return [context, page];
}
