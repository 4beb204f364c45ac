// Issue 16, single sign-on with OpenID Connect: an Owner whose domain is
// verified (on a real DNS server) configures the organization's provider (a
// real one: panva's certified oidc-provider) on the Domains page; a new
// colleague signs in with SSO from the sign-in page, logs in at the provider
// and lands in the organization with the default role. A forged return is
// explained, not signed in.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, signedUp, screenshot, assertAccessible, visible, startDnsServer, startOidcProvider, ADDRESS } from '../lib.mjs';

const dns = await startDnsServer();
const env = useServerAndBrowser({ ORGSPACE_DNS_SERVER: `127.0.0.1:${dns.port}` });
let provider;
after(() => { dns.stop(); provider?.stop(); });

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
  await visible(page.getByRole('heading', { level: 2, name: 'Single sign-on (OpenID Connect)' }), 'the SSO panel');
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
