// Issue 5's journey: a suspended organization shows the banner and cannot create
// an instance → an Admin adds funds on the Billing page → it turns active → a
// Tech creates an API key (its token shown once) and the test uses it with a
// plain HTTP client → the Owner removes the Tech → the key stops working → the
// Activity page shows those events, filtered by actor.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, screenshot, assertAccessible, visible, until, signedUp as signUp, ADDRESS } from '../lib.mjs';

const env = useServerAndBrowser();

const signedUp = (body) => signUp(env.browser, env.server, body);

test('suspended → Admin adds funds → Tech uses an API key → removed, the key stops → activity by actor', async () => {
  const { server, browser } = env;
  const owner = await signedUp({
    email: 'olga@acme.test', name: 'Olga Owner', account_type: 'organization',
    organization: { name: 'Acme Corp', region: 'eu-central', billing_address: ADDRESS },
  });
  const orgId = owner.me.accounts[1].id;
  const api = (path) => `${server.url}/api/accounts/${orgId}${path}`;
  const join = async (email, name, role) => {
    const member = await signedUp({ email, name, account_type: 'personal' });
    const invitation = await (await owner.context.request.post(api('/invitations'), { data: { email, role } })).json();
    assert.equal((await member.context.request.post(`${server.url}/api/invitations/${invitation.id}/accept`)).status(), 200);
    return member;
  };
  const admin = await join('adam@acme.test', 'Adam Admin', 'admin');
  const tech = await join('tess@acme.test', 'Tess Tech', 'tech');
  const team = await (await owner.context.request.post(api('/teams'), { data: { name: 'Web' } })).json();
  const techId = tech.me.user.id;
  assert.equal((await owner.context.request.put(api(`/teams/${team.id}/members/${techId}`), { data: { role: 'team_member' } })).status(), 200);

  // Suspended: the banner everywhere, and no instance can be created.
  const t = tech.page;
  await t.goto(`${server.url}/a/${orgId}/instances`);
  await visible(t.getByRole('heading', { level: 1, name: 'Instances' }), 'instances heading');
  const banner = t.getByRole('region', { name: 'Account status' });
  await visible(banner.getByText('This account is suspended. Add funds to create resources.'), 'suspended banner');
  await visible(banner.getByText('An Owner or Admin can add funds on the Billing page.'), 'who can pay');
  assert.equal(await t.getByRole('button', { name: 'Create instance' }).isDisabled(), true, 'create is disabled while suspended');
  const refused = await tech.context.request.post(api('/instances'), { data: { name: 'web-1', size: 'small', team_id: team.id } });
  assert.equal(refused.status(), 409);
  assert.equal((await refused.json()).code, 'account_suspended');

  // The Admin adds funds on the Billing page (after an amount the form refuses).
  const a = admin.page;
  await a.goto(`${server.url}/a/${orgId}/activity`);
  await visible(a.getByRole('heading', { level: 1, name: 'Activity' }), 'activity heading');
  await a.getByRole('region', { name: 'Account status' }).getByRole('link', { name: 'Add funds' }).click();
  await visible(a.getByRole('heading', { level: 1, name: 'Billing' }), 'billing heading');
  await visible(a.getByText('Suspended', { exact: true }), 'status suspended');
  await a.getByLabel('Amount (EUR)').fill('12.345');
  await a.getByRole('button', { name: 'Add funds' }).click();
  await visible(a.getByText('must be an amount like 25 or 25.50'), 'amount error');
  await a.getByLabel('Amount (EUR)').fill('50');
  await a.getByRole('button', { name: 'Add funds' }).click();
  await visible(a.getByRole('status').getByText('Added €50.00. Acme Corp is active again.'), 'funds toast');
  await visible(a.getByText('Active', { exact: true }), 'status active');
  await visible(a.getByText('€50.00', { exact: true }), 'credit');
  assert.equal(await a.getByRole('region', { name: 'Account status' }).count(), 0, 'banner gone');
  await visible(a.getByRole('button', { name: 'Switch to Hobby' }), 'plan cards');
  assert.equal(await a.getByRole('button', { name: 'Switch to Hobby' }).isDisabled(), true, 'Hobby cannot hold 3 members');
  await screenshot(a, 'billing');
  await assertAccessible(a, 'the billing page');

  // The Tech creates an API key; its token is shown once.
  await t.goto(`${server.url}/a/${orgId}/api-keys`);
  await visible(t.getByRole('heading', { level: 1, name: 'API keys' }), 'api keys heading');
  await visible(t.getByText('No API keys yet.'), 'empty');
  await t.getByLabel('Key name').fill('deploy bot');
  await t.getByLabel('Expires').selectOption({ label: 'In 30 days' });
  await t.getByRole('button', { name: 'Create API key' }).click();
  const created = t.getByRole('region', { name: 'API key deploy bot created' });
  await visible(created.getByText('It is shown only this once'), 'shown-once warning');
  const token = await created.getByLabel('Token').inputValue();
  assert.match(token, /^osk_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/);
  await created.getByRole('button', { name: 'Copy token' }).click();
  await visible(created.getByRole('button', { name: 'Copied', exact: true }), 'copied');
  assert.equal(await t.evaluate(() => navigator.clipboard.readText()), token, 'the clipboard holds the token');
  await visible(t.getByRole('rowheader', { name: 'deploy bot' }), 'listed');
  await screenshot(t, 'api-keys');
  await assertAccessible(t, 'the API keys page');
  await t.reload();
  await visible(t.getByRole('rowheader', { name: 'deploy bot' }), 'listed after reload');
  assert.equal(await t.getByLabel('Token').count(), 0, 'the token is not shown again');
  assert.ok(!(await t.content()).includes(token.split('.')[1]), 'the secret is nowhere on the page');

  // A plain HTTP client lists the Tech's instances with the key, and creates one.
  const withKey = (path, init = {}) => fetch(api(path), { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const made = await withKey('/instances', { method: 'POST', body: JSON.stringify({ name: 'web-1', size: 'small', team_id: team.id }) });
  assert.equal(made.status, 201);
  const listed = await withKey('/instances');
  assert.equal(listed.status, 200);
  assert.deepEqual((await listed.json()).items.map((i) => i.name), ['web-1']);

  // The Owner removes the Tech on the Members page; the key stops at once.
  const o = owner.page;
  await o.goto(`${server.url}/a/${orgId}/members`);
  await o.getByRole('button', { name: 'Remove Tess Tech' }).click();
  await o.getByRole('region', { name: 'Remove Tess Tech?' }).getByRole('button', { name: 'Remove member' }).click();
  await visible(o.getByRole('status').getByText('Tess Tech'), 'removed toast');
  const after = await withKey('/instances');
  assert.equal(after.status, 401);
  assert.match((await after.json()).detail, /no longer a member/);

  // The Owner's activity page, filtered by the Tech: what she did, through which key.
  await o.goto(`${server.url}/a/${orgId}/activity`);
  await visible(o.getByRole('heading', { level: 1, name: 'Activity' }), 'activity heading');
  await visible(o.getByRole('cell', { name: /Member removed/ }), 'removal listed');
  // Tess is no longer a member; the filter still offers her, from the log.
  await o.getByLabel('Actor').locator('option', { hasText: 'Tess Tech' }).waitFor({ state: 'attached' });
  await o.getByLabel('Actor').selectOption({ label: 'Tess Tech (tess@acme.test)' });
  // The previous list stays shown until the filtered one arrives (a
  // Transition): wait until the entries of others are gone.
  await until(async () => (await o.getByRole('row', { name: /Funds added|Member removed/ }).count()) === 0, 'the list shows only what Tess did');
  const instanceRow = o.getByRole('row', { name: /Instance created/ });
  await visible(instanceRow.getByText(/via API key/), 'made through her key');
  await visible(o.getByRole('row', { name: /API key created/ }), 'she created the key');
  await visible(o.getByRole('row', { name: /Member joined/ }), 'she joined');
  assert.equal(await o.getByRole('row', { name: /Funds added|Member removed/ }).count(), 0, 'only what Tess did');
  await screenshot(o, 'activity');
  await assertAccessible(o, 'the activity page');
  await o.getByLabel('Actor').selectOption({ label: 'Adam Admin (adam@acme.test)' });
  await visible(o.getByRole('row', { name: /Funds added/ }), 'Adam added funds');
  assert.equal(await o.getByRole('row', { name: /Instance created/ }).count(), 0, 'filtered to Adam');
  await o.getByLabel('Actor').selectOption('');
  await visible(o.getByRole('img', { name: /Activity per day over the last 30 days/ }), 'chart');
  await screenshot(o, 'activity-all');

  // The export the page links to holds the same entries.
  const csv = await owner.context.request.get(api('/activity/export?format=csv'));
  assert.equal(csv.status(), 200);
  const lines = (await csv.text()).trim().split('\r\n');
  assert.ok(lines.some((l) => l.includes(',member.removed,')), 'removal exported');
  assert.ok(lines.some((l) => l.includes(',instance.created,') && l.includes(token.split('.')[0])), 'key id exported');

  for (const c of [owner, admin, tech]) await c.context.close();
});
