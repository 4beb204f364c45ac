// Issue 14's journey: sign up → verify from the .eml link → forgot password →
// reset from the mail (the other device is signed out) → the Security page
// lists sessions and signs one out → delete the user. Every new page is
// checked with axe-core, in light and in dark mode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, screenshot, assertAccessible, visible, mailedLink, until, PASSWORD } from '../lib.mjs';

const env = useServerAndBrowser();
const NEW_PASSWORD = 'a passphrase from the reset mail';

/** Checks `url` in dark mode with the cookies of `context` once `heading` (or any h1) shows, and keeps a screenshot as `dark-<name>`. */
async function darkCheck(browser, context, url, what, name, heading) {
  const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
  await dark.addCookies(await context.cookies());
  const page = await dark.newPage();
  await page.goto(url);
  await visible(heading ? page.getByRole('heading', { level: 1, name: heading }) : page.locator('h1').first(), what);
  await screenshot(page, `dark-${name}`);
  await assertAccessible(page, `${what} in dark mode`);
  await dark.close();
}

test('sign up, verify, reset the password, manage sessions, delete the user', async () => {
  const { server, browser } = env;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();

  // Sign up; until the address is verified, a banner says so.
  await page.goto(`${server.url}/register`);
  await page.getByLabel('Name', { exact: true }).fill('Ana Lima');
  await page.getByLabel('Email').fill('ana@acme.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/organizations$/);
  const banner = page.getByRole('region', { name: 'Email verification' });
  await visible(banner.getByText('Verify ana@acme.test.'), 'the verification banner');
  await banner.getByRole('button', { name: 'Resend the link' }).click();
  await visible(page.getByRole('status').getByText(/We sent a new link to ana@acme.test/), 'the resend toast');
  await screenshot(page, 'verify-banner');
  await assertAccessible(page, 'the verification banner');
  await darkCheck(browser, context, page.url(), 'the verification banner', 'verify-banner');

  // The link from the newest mail verifies the address.
  const verifyLink = mailedLink(server, 'ana@acme.test', '/verify-email');
  await page.goto(verifyLink);
  await visible(page.getByRole('heading', { level: 1, name: 'Your email is verified' }), 'verified');
  await screenshot(page, 'verify-email');
  await assertAccessible(page, 'the verify-email page');
  // Used once, the link explains itself (and the page passes in dark mode too).
  await darkCheck(browser, context, verifyLink, 'the verify-email page with a used link', 'verify-email-used',
    'This link does not work any more');
  await page.getByRole('link', { name: 'Go to your account' }).click();
  await page.waitForURL(/\/organizations$/);
  assert.equal(await page.getByRole('region', { name: 'Email verification' }).count(), 0, 'the banner is gone');

  // A second device is signed in too.
  const phone = await browser.newContext();
  const phoneIn = await phone.request.post(`${server.url}/api/auth/login`, { data: { email: 'ana@acme.test', password: PASSWORD } });
  assert.equal(phoneIn.status(), 200);

  // Forgot password, from the sign-in page, in a signed-out browser.
  const guest = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const forgot = await guest.newPage();
  await forgot.goto(`${server.url}/login`);
  await forgot.getByRole('link', { name: 'Forgot password?' }).click();
  await visible(forgot.getByRole('heading', { level: 1, name: 'Forgot your password?' }), 'forgot-password page');
  await forgot.getByLabel('Email').fill('ana@acme.test');
  await forgot.getByRole('button', { name: 'Send the link' }).click();
  await visible(forgot.getByText(/If an Orgspace account has ana@acme.test, a link/), 'the same answer for everyone');
  await screenshot(forgot, 'forgot-password');
  await assertAccessible(forgot, 'the forgot-password page');
  await darkCheck(browser, guest, `${server.url}/forgot-password`, 'the forgot-password page', 'forgot-password');

  // The mail's link sets a new password; every session ends.
  let resetLink;
  await until(() => { try { resetLink = mailedLink(server, 'ana@acme.test', '/reset-password'); return true; } catch { return false; } }, 'the reset mail');
  await forgot.goto(resetLink);
  await visible(forgot.getByRole('heading', { level: 1, name: 'Choose a new password' }), 'reset page');
  await darkCheck(browser, guest, resetLink, 'the reset-password page', 'reset-password');
  await forgot.getByLabel('New password').fill('short');
  await forgot.getByRole('button', { name: 'Set the new password' }).click();
  await visible(forgot.getByText('must be at least 12 characters', { exact: false }), 'the field says why');
  await screenshot(forgot, 'reset-password');
  await assertAccessible(forgot, 'the reset-password page with an error');
  await forgot.getByLabel('New password').fill(NEW_PASSWORD);
  await forgot.getByRole('button', { name: 'Set the new password' }).click();
  await visible(forgot.getByRole('heading', { level: 1, name: 'Your password is changed' }), 'reset done');
  assert.equal((await phone.request.get(`${server.url}/api/me`)).status(), 401, 'the other device is signed out');
  await page.reload();
  await page.waitForURL(/\/login/);

  // Signed in again here and on the phone, Ana signs the phone out from Security.
  await page.getByLabel('Email').fill('ana@acme.test');
  await page.getByLabel('Password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/organizations$/);
  const phoneAgain = await phone.request.post(`${server.url}/api/auth/login`, {
    data: { email: 'ana@acme.test', password: NEW_PASSWORD },
    headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' },
  });
  assert.equal(phoneAgain.status(), 200);
  await page.getByRole('link', { name: 'Security' }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Security' }), 'Security page');
  const sessions = page.getByRole('table', { name: 'Where you are signed in' });
  await visible(sessions.getByText('This device'), 'this device, marked');
  await visible(sessions.getByRole('rowheader', { name: /Safari on iPhone/ }), 'the phone, by its device');
  await screenshot(page, 'security');
  await assertAccessible(page, 'the Security page');
  await darkCheck(browser, context, page.url(), 'the Security page', 'security');
  await sessions.getByRole('button', { name: /Sign out Safari on iPhone/ }).click();
  await visible(page.getByRole('status').getByText('Safari on iPhone was signed out.'), 'signed out toast');
  assert.equal((await phone.request.get(`${server.url}/api/me`)).status(), 401, 'revoked at once');

  // Delete the user: the typed confirmation names what goes (no organization: the email).
  const confirm = page.getByLabel('Type ana@acme.test to confirm');
  await confirm.fill('ana@acme.test');
  await page.getByLabel('Your password').fill(NEW_PASSWORD);
  await screenshot(page, 'delete-user');
  await page.getByRole('button', { name: 'Delete my user' }).click();
  await page.waitForURL(/\/login/);
  await visible(page.getByRole('status').getByText('Your user and your personal account were deleted.'), 'deleted toast');
  const gone = await guest.request.post(`${server.url}/api/auth/login`, { data: { email: 'ana@acme.test', password: NEW_PASSWORD } });
  assert.equal(gone.status(), 401);
  const again = await guest.request.post(`${server.url}/api/auth/register`, {
    data: { email: 'ana@acme.test', password: PASSWORD, name: 'Ana Again', account_type: 'personal' },
  });
  assert.equal(again.status(), 201, 'the email is free again');
  for (const c of [context, phone, guest]) await c.close();
});
