// Issue 3's journey with two people: an Owner invites a new email; the invitee
// opens the link from the mail in the outbox, signs up, accepts, and finds the
// organization in the switcher; the Owner changes the invitee's role and the
// invitee's next page load shows it; the Owner, last Owner, is guided to transfer.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, assertAccessible, invitationLink, visible } from '../lib.mjs';

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

const PASSWORD = 'correct horse battery staple';

test('an owner invites a newcomer who signs up from the mail link and joins', async () => {
  // The Owner, signed up with an organization through the API, signs in in the browser.
  const registered = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'olga@acme.test', password: PASSWORD, name: 'Olga Owner', account_type: 'organization',
      organization: { name: 'Acme Corp', region: 'eu-central', billing_address: { name: 'Acme', street: 'Main 1', city: 'Berlin', postal_code: '10115', country: 'DE' } },
    }),
  });
  assert.equal(registered.status, 201);
  const orgId = (await registered.json()).accounts[1].id;

  const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const owner = await ownerContext.newPage();
  await owner.goto(`${server.url}/login`);
  await owner.getByLabel('Email').fill('olga@acme.test');
  await owner.getByLabel('Password').fill(PASSWORD);
  await owner.getByRole('button', { name: 'Sign in' }).click();
  await owner.waitForURL(/\/organizations$/);

  // Members page of the organization; invite a new email as Tech.
  await owner.goto(`${server.url}/a/${orgId}/members`);
  await visible(owner.getByRole('heading', { level: 1, name: 'Members' }), 'members heading');
  await visible(owner.locator('.page-head').getByText('1 of 3 seats used'), 'seats used');
  await owner.getByRole('button', { name: 'Invite member' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Invite member' });
  await visible(dialog, 'invite dialog');
  await dialog.getByLabel('Email').fill('tess@acme.test');
  await dialog.getByLabel('Role', { exact: true }).selectOption('tech');
  await dialog.getByLabel('Team', { exact: true }).locator('option', { hasText: 'My Team' }).waitFor({ state: 'attached' });
  await dialog.getByLabel('Note').fill('Welcome to the web team!');
  await screenshot(owner, 'invite-dialog');
  await assertAccessible(owner, 'the invite dialog');
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await visible(owner.getByRole('status').getByText(/Invitation sent to tess@acme.test — expires in 7 days/), 'sent toast');
  await visible(owner.locator('.page-head').getByText('2 of 3 seats used'), 'a pending invitation holds a seat');
  await screenshot(owner, 'members');
  await assertAccessible(owner, 'the members page');

  // The invitations page lists it as pending.
  await owner.getByRole('link', { name: 'Invitations', exact: true }).click();
  await visible(owner.getByRole('heading', { level: 1, name: 'Invitations' }), 'invitations heading');
  await visible(owner.getByRole('cell', { name: 'tess@acme.test', exact: true }), 'the invitation row');
  await owner.getByRole('button', { name: 'Pending' }).click();
  await visible(owner.getByRole('cell', { name: 'in 7 days', exact: true }), 'time left');
  await screenshot(owner, 'invitations');
  await assertAccessible(owner, 'the invitations page');

  // The invitee opens the link from the .eml in the outbox, in another browser.
  const link = invitationLink(server, 'tess@acme.test');
  const inviteeContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link);
  await visible(invitee.getByRole('heading', { level: 1, name: 'Join Acme Corp' }), 'invitation page');
  await visible(invitee.getByText('Olga Owner invited tess@acme.test to join'), 'who invited whom');
  await visible(invitee.getByText('Welcome to the web team!'), 'the note');
  await invitee.getByRole('link', { name: 'Sign up as tess@acme.test' }).click();
  await invitee.waitForURL(/\/register\?/);
  const email = invitee.getByLabel('Email');
  assert.equal(await email.inputValue(), 'tess@acme.test');
  assert.equal(await email.getAttribute('readonly'), '', 'the invited email is fixed');
  await invitee.getByLabel('Name', { exact: true }).fill('Tess Tech');
  await invitee.getByLabel('Password').fill(PASSWORD);
  await invitee.getByRole('button', { name: 'Create account' }).click();
  await invitee.waitForURL(/\/invitations\/accept\?token=/);
  await invitee.getByRole('button', { name: 'Accept invitation' }).click();
  await invitee.waitForURL(new RegExp(`/a/${orgId}/members$`));
  const switcher = invitee.getByRole('button', { name: 'Switch account' });
  assert.match(await switcher.innerText(), /Acme Corp[\s\S]*Tech/);
  await switcher.click();
  const options = await invitee.getByRole('listbox', { name: 'Accounts' }).getByRole('option').allInnerTexts();
  assert.equal(options.length, 2);
  assert.match(options[1], /Acme Corp[\s\S]*Tech/);
  await invitee.keyboard.press('Escape');

  // As Tech, the invitee may not invite: the button is disabled and says why.
  const inviteButton = invitee.getByRole('button', { name: 'Invite member' });
  assert.equal(await inviteButton.isDisabled(), true);
  assert.equal(await inviteButton.getAttribute('title'), 'Only Owners can invite members.');
  await invitee.goto(`${server.url}/a/${orgId}/settings`);
  assert.equal(await invitee.getByRole('button', { name: 'Save changes' }).isDisabled(), true, 'a Tech cannot edit details');

  // The Owner makes Tess an Admin, after seeing what changes.
  await owner.goto(`${server.url}/a/${orgId}/members`);
  await owner.getByLabel('Role for Tess Tech').selectOption('admin');
  await visible(owner.getByRole('heading', { name: 'Make Tess Tech Admin?' }), 'role change preview');
  await visible(owner.getByText(/Tess Tech will lose:.*create and delete resources/), 'what is lost');
  await visible(owner.getByText(/Tess Tech will gain:.*edit name and billing address/), 'what is gained');
  await owner.getByRole('button', { name: 'Apply role change' }).click();
  await visible(owner.getByRole('status').getByText('Tess Tech is now Admin.'), 'role changed toast');

  // The invitee's next page load shows the new permissions.
  await invitee.reload();
  await visible(invitee.getByRole('heading', { level: 1, name: 'Settings' }), 'settings after reload');
  assert.equal(await invitee.getByRole('button', { name: 'Save changes' }).isDisabled(), false, 'an Admin edits details');
  assert.match(await switcher.innerText(), /Admin/);

  // The Owner, last Owner, tries to leave and is guided to transfer ownership.
  await owner.goto(`${server.url}/login`);
  await owner.waitForURL(/\/organizations$/);
  owner.once('dialog', (d) => d.accept());
  await owner.getByRole('button', { name: 'Leave Acme Corp' }).click();
  await visible(owner.getByRole('heading', { name: 'You cannot leave Acme Corp yet' }), 'guided leave');
  await visible(owner.getByText('The last Owner cannot leave. Transfer ownership or make another member an Owner first.'), 'the reason');
  await screenshot(owner, 'guided-leave');
  await assertAccessible(owner, 'the guided leave');
  await owner.getByRole('link', { name: 'Transfer ownership' }).click();
  const transfer = owner.getByRole('dialog', { name: 'Transfer ownership' });
  await visible(transfer, 'transfer dialog');
  await transfer.getByLabel('New Owner').selectOption({ label: 'Tess Tech (tess@acme.test)' });
  await transfer.getByLabel('Your new role').selectOption('viewer');
  await transfer.getByRole('button', { name: 'Transfer ownership' }).click();
  await visible(owner.getByRole('status').getByText('Tess Tech is now an Owner of Acme Corp; you are Viewer.'), 'transferred toast');

  await ownerContext.close();
  await inviteeContext.close();
});
