// Dark mode (`prefers-color-scheme: dark`): the pages with the colours that
// need care — a red "Delete" button, the pending-invitations count in the top
// bar — pass axe-core's checks, contrast included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signedUp, screenshot, assertAccessible, visible, ADDRESS } from '../lib.mjs';

const env = useServerAndBrowser();

test('danger buttons and the invitations count keep their contrast in dark mode', async () => {
  const { server, browser } = env;
  const dark = { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' };
  const owner = await signedUp(browser, server, {
    email: 'dana@acme.test', name: 'Dana Dark', account_type: 'organization',
    organization: { name: 'Night Shift', region: 'eu-north', billing_address: ADDRESS },
  });
  const org = owner.me.accounts.find((a) => a.kind === 'organization');
  const invitee = await signedUp(browser, server, { email: 'dirk@acme.test', name: 'Dirk', account_type: 'personal' });
  const invited = await owner.context.request.post(`${server.url}/api/accounts/${org.id}/invitations`, { data: { email: 'dirk@acme.test', role: 'viewer' } });
  assert.equal(invited.status(), 201);

  // The Owner's settings, the delete button enabled (a disabled one is exempt from contrast).
  const ownerDark = await browser.newContext(dark);
  await ownerDark.addCookies(await owner.context.cookies());
  const page = await ownerDark.newPage();
  assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
  await page.goto(`${server.url}/a/${org.id}/settings`);
  await page.getByLabel('Type Night Shift to confirm').fill('Night Shift');
  const remove = page.getByRole('button', { name: 'Delete organization' });
  assert.equal(await remove.isDisabled(), false);
  await screenshot(page, 'dark-settings');
  await assertAccessible(page, 'the settings page in dark mode');

  // The invitee's top bar counts the pending invitation.
  const inviteeDark = await browser.newContext(dark);
  await inviteeDark.addCookies(await invitee.context.cookies());
  const personal = await inviteeDark.newPage();
  await personal.goto(`${server.url}/a/${invitee.me.accounts[0].id}/organizations`);
  await visible(personal.getByRole('link', { name: 'My invitations, 1 pending' }), 'the invitations count');
  await screenshot(personal, 'dark-organizations');
  await assertAccessible(personal, 'the organizations page with a pending invitation, in dark mode');

  for (const context of [ownerDark, inviteeDark, owner.context, invitee.context]) await context.close();
});
