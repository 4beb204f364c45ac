// Issue 15's journeys: enroll an authenticator app (codes computed from the
// key on the page) → sign out → sign in with a code → with a recovery code;
// register a passkey with Chromium's virtual authenticator (DevTools'
// WebAuthn domain) and sign in with it; an Owner requires two-factor → a
// member without it is blocked, enrolls, and gets in. Screenshots; axe on
// every new page, light and dark.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { useServerAndBrowser, signedUp, screenshot, assertAccessible, visible, PASSWORD, ADDRESS } from '../lib.mjs';

const env = useServerAndBrowser();

/** The code of `secret` (base32) for the 30-second step `offset` steps from now. */
function codeFor(secret, offset = 0) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offset * 30_000 });
}

/** Waits until at least 4 seconds of the current step remain. */
async function settleStep() {
  const into = (Date.now() / 1000) % 30;
  if (into > 26) await new Promise((resolve) => setTimeout(resolve, (30 - into + 0.3) * 1000));
}

/** Notes secrets the run handled, for `zz-logs.test.mjs` to look for in the logs. */
function remember(server, secrets) {
  appendFileSync(join(server.dir, 'secrets.txt'), secrets.map((s) => `${s}\n`).join(''));
}

/** Enrolls the authenticator app on the open two-factor page; the key and the recovery codes. */
async function enroll(page, server) {
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const key = page.getByLabel('Setup key');
  await visible(key, 'the setup key');
  const secret = (await key.textContent()).replace(/\s+/g, '');
  await settleStep();
  // The previous step's code (one step of drift) leaves this step's and the next for sign-ins.
  await page.getByLabel('Code from the app').fill(codeFor(secret, -1));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await visible(list, 'the recovery codes');
  const recovery = await list.locator('code').allTextContents();
  remember(server, [secret, ...recovery]);
  return { secret, recovery };
}

async function signIn(page, server, email) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }), 'the second step');
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
}

/** Checks `url` in dark mode with the cookies of `context`, and keeps a screenshot. */
async function darkCheck(browser, context, url, heading, name) {
  const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
  await dark.addCookies(await context.cookies());
  const page = await dark.newPage();
  await page.goto(url);
  await visible(page.getByRole('heading', { level: 1, name: heading }), heading);
  await screenshot(page, `dark-${name}`);
  await assertAccessible(page, `${heading} in dark mode`);
  await dark.close();
}

test('an authenticator app, recovery codes and a passkey sign in; each code once', async () => {
  const { server, browser } = env;
  const ana = await signedUp(browser, server, { email: 'ana@acme.test', name: 'Ana Lima', account_type: 'personal' });
  const page = ana.page;
  const twoFactorUrl = `${server.url}/a/${ana.me.accounts[0].id}/two-factor`;
  await page.goto(twoFactorUrl);
  await visible(page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }), 'two-factor page');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await visible(page.getByRole('img', { name: 'QR code to scan with your authenticator app' }), 'the QR code');
  await screenshot(page, 'two-factor-setup');
  await assertAccessible(page, 'the authenticator setup');
  await page.getByRole('button', { name: 'Cancel' }).click();
  const { secret, recovery } = await enroll(page, server);
  assert.equal(recovery.length, 10);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download as a text file' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'orgspace-recovery-codes.txt');
  const file = await readFile(await download.path(), 'utf8');
  assert.match(file, /^Orgspace recovery codes for ana@acme.test/);
  for (const code of recovery) assert.ok(file.includes(code), `${code} in the file`);
  await screenshot(page, 'two-factor-recovery-codes');
  await assertAccessible(page, 'the recovery codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();

  // A passkey, made by Chromium's virtual authenticator (user verification on).
  const cdp = await ana.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await page.getByLabel('Passkey name').fill('Work laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  const passkeys = page.getByRole('list', { name: 'Your passkeys' });
  await visible(passkeys.locator('strong', { hasText: 'Work laptop' }), 'the new passkey');
  await screenshot(page, 'two-factor');
  await assertAccessible(page, 'the two-factor page');
  await darkCheck(browser, ana.context, twoFactorUrl, 'Two-factor authentication', 'two-factor');

  // The password alone is not enough any more: a code, once.
  await signOut(page);
  await signIn(page, server, 'ana@acme.test');
  await screenshot(page, 'sign-in-second-step');
  await assertAccessible(page, 'the second step of signing in');
  await page.getByLabel('Authentication code').fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await visible(page.getByText(/That code is not right/), 'a wrong code says so');
  await page.getByLabel('Authentication code').fill(codeFor(secret, 0));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/organizations$/);

  // A recovery code, once.
  await signOut(page);
  await signIn(page, server, 'ana@acme.test');
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recovery[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/organizations$/);
  await page.goto(twoFactorUrl);
  await visible(page.getByText('9 of 10 left.', { exact: false }), 'one code used');

  // The passkey.
  await signOut(page);
  await signIn(page, server, 'ana@acme.test');
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await page.waitForURL(/\/organizations$/);
  await page.goto(twoFactorUrl);
  await visible(passkeys.getByText(/last used/), 'the passkey was used');
  await ana.context.close();
});

test('an organization requires two-factor: a member without it is blocked, enrolls and gets in', async () => {
  const { server, browser } = env;
  const olga = await signedUp(browser, server, {
    email: 'olga@acme.test', name: 'Olga Owner', account_type: 'organization',
    organization: { name: 'Acme', region: 'eu-central', billing_address: ADDRESS },
  });
  const org = olga.me.accounts.find((a) => a.kind === 'organization').id;
  const tom = await signedUp(browser, server, { email: 'tom@acme.test', name: 'Tom Tech', account_type: 'personal' });
  const invited = await olga.context.request.post(`${server.url}/api/accounts/${org}/invitations`, { data: { email: 'tom@acme.test', role: 'tech' } });
  assert.equal(invited.status(), 201);
  const accepted = await tom.context.request.post(`${server.url}/api/invitations/${(await invited.json()).id}/accept`);
  assert.equal(accepted.status(), 200);

  // Olga turns hers on, then requires it in Settings.
  const page = olga.page;
  await page.goto(`${server.url}/a/${org}/settings`);
  const requireButton = page.getByRole('button', { name: 'Require two-factor authentication' });
  await visible(requireButton, 'the policy control');
  assert.equal(await requireButton.isDisabled(), true, 'not without her own second factor');
  await visible(page.getByText(/Turn on two-factor authentication for yourself first/), 'why not');
  await page.goto(`${server.url}/a/${olga.me.accounts[0].id}/two-factor`);
  await enroll(page, server);
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.goto(`${server.url}/a/${org}/settings`);
  await requireButton.click();
  await visible(page.getByRole('status').getByText('Acme now requires two-factor authentication.'), 'required');
  await screenshot(page, 'settings-require-two-factor');
  await assertAccessible(page, 'the settings with the policy');

  // Tom is blocked inside Acme (his API calls too), and told how to get in.
  const blockedCall = await tom.context.request.get(`${server.url}/api/accounts/${org}/members`);
  assert.equal(blockedCall.status(), 403);
  assert.equal((await blockedCall.json()).code, 'two_factor_required');
  const tomPage = tom.page;
  await tomPage.goto(`${server.url}/a/${org}/members`);
  await visible(tomPage.getByRole('heading', { level: 1, name: 'Two-factor authentication required' }), 'the notice');
  await visible(tomPage.getByText(/Acme requires two-factor authentication/), 'why');
  await screenshot(tomPage, 'two-factor-required');
  await assertAccessible(tomPage, 'the two-factor notice');
  await darkCheck(browser, tom.context, `${server.url}/a/${org}/members`, 'Two-factor authentication required', 'two-factor-required');
  await tomPage.getByRole('link', { name: 'Set up two-factor' }).click();
  await tomPage.waitForURL(/\/two-factor$/);
  await enroll(tomPage, server);
  await tomPage.getByRole('button', { name: 'I have saved them' }).click();
  await tomPage.goto(`${server.url}/a/${org}/members`);
  await visible(tomPage.getByRole('heading', { level: 1, name: 'Members' }), 'Tom gets in');

  // Olga sees who has it.
  await page.goto(`${server.url}/a/${org}/members`);
  const table = page.getByRole('table');
  await visible(table.getByRole('columnheader', { name: 'Two-factor' }), 'the two-factor column');
  await visible(table.getByRole('row', { name: /Tom Tech/ }).getByText('On'), 'Tom has it');
  await screenshot(page, 'members-two-factor');
  await assertAccessible(page, 'the members list with two-factor');
  for (const context of [olga.context, tom.context]) await context.close();
});
