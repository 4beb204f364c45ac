// Issue 2's journey: sign up as an organization, land in the personal account,
// switch by keyboard, edit the organization, see the region locked, create a
// second organization and find both in the switcher.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, assertAccessible, fillBilling, visible } from '../lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('an organization sign-up lands in the personal account and switches by keyboard', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Zurich' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${server.url}/register`);
  await visible(page.getByRole('heading', { level: 1, name: 'Create your account' }), 'sign-up heading');
  await page.getByLabel('Name', { exact: true }).fill('Olga Owner');
  await page.getByLabel('Email').fill('olga@acme.test');
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByLabel('Organization', { exact: true }).check();
  await page.getByLabel('Organization name').fill('Acme Corp');
  const region = page.getByLabel('Region');
  assert.equal(await region.inputValue(), 'ch-west', 'the region closest to Europe/Zurich is suggested');
  await region.selectOption({ label: 'Switzerland (Geneva)' });
  assert.match(await page.locator('.hint', { hasText: 'cannot be changed later' }).innerText(), /data center/);
  await fillBilling(page, { name: 'Acme Corp SA', street: 'Rue du Rhône 1', city: 'Genève', postalCode: '1204', country: 'CH' });
  await screenshot(page, 'signup');
  await assertAccessible(page, 'the sign-up page');
  await page.getByRole('button', { name: 'Create account' }).click();

  // Lands in the personal account, which is suspended because an organization was chosen.
  await page.waitForURL(/\/a\/[0-9a-f-]+\/organizations$/);
  const personalUrl = page.url();
  await visible(page.getByRole('heading', { level: 1, name: 'Organizations' }), 'organizations heading');
  const switcher = page.getByRole('button', { name: 'Switch account' });
  assert.match(await switcher.innerText(), /Olga Owner/);
  await visible(page.getByText('This account is suspended.'), 'suspended banner');
  await visible(page.getByRole('link', { name: 'Acme Corp', exact: true }), 'the organization in the list');

  // Switch with the keyboard only.
  await switcher.focus();
  await page.keyboard.press('ArrowDown');
  await visible(page.getByRole('listbox', { name: 'Accounts' }), 'switcher list');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id), 'switcher-search');
  await page.keyboard.press('ArrowDown');
  await screenshot(page, 'switcher-open');
  await assertAccessible(page, 'the open switcher');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/a\/[0-9a-f-]+\/members$/);
  assert.notEqual(page.url(), personalUrl, 'the URL carries the new context');
  assert.match(await switcher.innerText(), /Acme Corp/);
  assert.match(await switcher.innerText(), /Owner/);
  for (const section of ['Members', 'Teams', 'Instances', 'Invitations', 'Role preview', 'Settings']) {
    await visible(page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }), `${section} in the organization's menu`);
  }
  assert.equal(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Organizations' }).count(), 0);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Teams' }).click();
  await visible(page.getByRole('rowheader', { name: 'My Team', exact: true }), 'the first team');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
  await page.waitForURL(/\/a\/[0-9a-f-]+\/settings$/);

  // Edit the organization's name; the region is shown locked.
  await visible(page.getByRole('heading', { level: 1, name: 'Settings' }), 'settings heading');
  const name = page.getByLabel('Organization name');
  await name.fill('Acme Cloud');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await visible(page.getByRole('status').getByText('Saved the settings of Acme Cloud.'), 'saved toast');
  assert.match(await switcher.innerText(), /Acme Cloud/);
  const locked = page.locator('.locked');
  assert.match(await locked.innerText(), /Switzerland \(Geneva\)/);
  assert.equal(await page.getByRole('combobox', { name: 'Region' }).count(), 0, 'no control changes the region');
  await visible(page.getByText('It cannot be changed.'), 'region explanation');
  const deleteButton = page.getByRole('button', { name: 'Delete organization' });
  assert.equal(await deleteButton.isDisabled(), true, 'delete waits for the typed name');
  await screenshot(page, 'settings');
  await assertAccessible(page, 'the settings page');

  // Back to the personal context by clicking; create a second organization elsewhere.
  await switcher.click();
  await page.getByRole('option', { name: /Olga Owner/ }).click();
  await page.waitForURL(personalUrl);
  await page.getByRole('button', { name: 'Create organization' }).click();
  const form = page.locator('form#create-organization');
  await form.getByLabel('Organization name').fill('Beta Labs');
  await form.getByLabel('Region').selectOption({ label: 'United States (Oregon)' });
  await fillBilling(form, { name: 'Beta Labs Inc', street: '1 Main St', city: 'Portland', postalCode: '97201', country: 'US' });
  await form.getByRole('button', { name: 'Create organization' }).click();
  await visible(page.getByRole('link', { name: 'Beta Labs', exact: true }), 'the new organization in the list');
  await visible(page.getByRole('status').getByText(/Beta Labs was created in United States \(Oregon\)/), 'created toast');

  // Both organizations are in the switcher with their role.
  await switcher.click();
  const options = page.getByRole('listbox', { name: 'Accounts' }).getByRole('option');
  const texts = await options.allInnerTexts();
  assert.equal(texts.length, 3);
  assert.match(texts[0], /Olga Owner[\s\S]*Personal/);
  assert.match(texts[1], /Acme Cloud[\s\S]*Owner/);
  assert.match(texts[2], /Beta Labs[\s\S]*Owner/);
  await page.getByRole('combobox', { name: 'Search accounts' }).fill('beta');
  assert.deepEqual((await options.allInnerTexts()).map((t) => t.split('\n')[0].trim()).filter(Boolean).length, 1);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('listbox').count(), 0, 'Escape closes the list');

  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('sign-in lands in the personal account and a narrow screen still works', async () => {
  const registered = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'nina@narrow.test', password: 'correct horse battery staple', name: 'Nina Narrow', account_type: 'personal' }),
  });
  assert.equal(registered.status, 201);
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await visible(page.getByRole('heading', { level: 1, name: 'Sign in' }), 'sign-in heading');
  await page.getByLabel('Email').fill('nina@narrow.test');
  await page.getByLabel('Password').fill('wrong password here');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('alert').getByText('The email or password is wrong.'), 'sign-in failure');
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/a\/[0-9a-f-]+\/organizations$/);
  await visible(page.getByRole('heading', { level: 1, name: 'Organizations' }), 'organizations heading');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no horizontal scrolling of the page at 375 px (scrollWidth ${width})`);
  await screenshot(page, 'organizations-375');
  await assertAccessible(page, 'the organizations page');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  await context.close();
});
