// The app runs under the server's Content-Security-Policy, and the policy bites:
// an injected inline script is refused and reported.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, visible, cspViolations, assertAccessible, signedUp, screenshot, until, PASSWORD } from '../lib.mjs';

const env = useServerAndBrowser();

test('the app works under a strict Content-Security-Policy that refuses injected scripts', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(`${env.server.url}/register`);
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/, csp);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'same-origin');

  // The WebAssembly app started and rendered under the policy.
  await visible(page.getByRole('heading', { level: 1, name: 'Create your account' }), 'sign-up heading');
  await assertAccessible(page, 'the sign-up page under the CSP');

  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true;';
    document.head.append(script);
    return window.injected === true;
  });
  assert.equal(ran, false, 'an injected inline script does not run');
  await until(() => cspViolations(page).length > 0, 'the refusal is reported');
  assert.equal(cspViolations(page).length, 1, 'one refusal, once');
  assert.match(cspViolations(page)[0], /inline script.*(blocked|Refused)|Refused.*inline script/s);
  await context.close();
});

test('changing the password on the Security page signs out every other device', async () => {
  const { server, browser } = env;
  const ana = await signedUp(browser, server, { email: 'ana@acme.test', name: 'Ana', account_type: 'personal' });
  // Ana is also signed in on a second device.
  const phone = await browser.newContext();
  const signIn = (password) => phone.request.post(`${server.url}/api/auth/login`, { data: { email: 'ana@acme.test', password } });
  assert.equal((await signIn(PASSWORD)).status(), 200);

  const page = ana.page;
  await page.goto(`${server.url}/a/${ana.me.accounts[0].id}/security`);
  const form = page.getByRole('form', { name: 'Password' });
  await visible(form, 'the password form');
  await form.getByLabel('Current password').fill('not my password at all');
  await form.getByLabel('New password').fill('a brand new passphrase');
  await form.getByRole('button', { name: 'Change password' }).click();
  await visible(form.getByText('is not your current password'), 'the wrong current password, named at its field');

  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await visible(page.getByText('Password changed. Every other device was signed out.'), 'the confirmation');
  await screenshot(page, 'password-changed');
  await assertAccessible(page, 'the Security page');

  assert.equal((await phone.request.get(`${server.url}/api/me`)).status(), 401, 'the other device is signed out');
  assert.equal((await ana.context.request.get(`${server.url}/api/me`)).status(), 200, 'this one carries on');
  assert.equal((await signIn('a brand new passphrase')).status(), 200);
  await phone.close();
  await ana.context.close();
});
