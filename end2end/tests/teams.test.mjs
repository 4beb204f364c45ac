// Issue 4's journey: an Owner sets up teams Web and Ops, puts a Tech in Web as
// team member (seeing the gains first), and the Tech creates an instance in Web
// without ever seeing Ops'. The role preview gives the answers the server gives.
// Then the browser goes offline: the reloaded app still shows the role preview
// (from the service worker's cache), data pages say they are offline, and they
// work again when the network returns.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, screenshot, assertAccessible, visible, signedUp as signUp, ADDRESS } from '../lib.mjs';

const env = useServerAndBrowser();

const signedUp = (body) => signUp(env.browser, env.server, body);

test('a Tech in team Web works on Web only; the role preview agrees and works offline', async () => {
  const { server, browser } = env;
  const owner = await signedUp({
    email: 'olga@acme.test', name: 'Olga Owner', account_type: 'organization',
    organization: { name: 'Acme Corp', region: 'eu-north', billing_address: ADDRESS },
  });
  const orgId = owner.me.accounts[1].id;
  const api = (path) => `${server.url}/api/accounts/${orgId}${path}`;
  // An Admin pays, so the organization is active (the billing page is issue 5's).
  assert.equal((await owner.context.request.post(api('/funds'), { data: { amount_cents: 5000 } })).status(), 200);

  // Tess joins as Tech through an invitation.
  const tech = await signedUp({ email: 'tess@acme.test', name: 'Tess Tech', account_type: 'personal' });
  const invitation = await (await owner.context.request.post(api('/invitations'), { data: { email: 'tess@acme.test', role: 'tech' } })).json();
  assert.equal((await tech.context.request.post(`${server.url}/api/invitations/${invitation.id}/accept`)).status(), 200);

  // The Owner creates teams Web and Ops on the Teams page.
  const o = owner.page;
  await o.goto(`${server.url}/a/${orgId}/teams`);
  await visible(o.getByRole('heading', { level: 1, name: 'Teams' }), 'teams heading');
  for (const name of ['Web', 'Ops']) {
    await o.getByLabel('Team name').fill(name);
    await o.getByRole('button', { name: 'Create team' }).click();
    await visible(o.getByRole('status').getByText(`Team ${name} was created.`), `${name} created`);
  }
  // Web is chosen; Tess is added as team member, after the preview of what she gains.
  await o.getByRole('button', { name: 'Web', exact: true }).click();
  await visible(o.getByRole('heading', { name: 'Members of Web' }), 'Web members panel');
  await o.getByLabel('Add member').locator('option', { hasText: 'Tess Tech' }).waitFor({ state: 'attached' });
  await o.getByLabel('Add member').selectOption({ label: 'Tess Tech (tess@acme.test)' });
  await o.getByLabel('Team role', { exact: true }).selectOption('team_member');
  await o.getByRole('button', { name: 'Add to team' }).click();
  const preview = o.getByRole('region', { name: 'Make Tess Tech team member in Web?' });
  await visible(preview.getByText("view the team's resources; create and delete the team's resources"), 'gains preview');
  await screenshot(o, 'team-change-preview');
  await preview.getByRole('button', { name: 'Apply team change' }).click();
  await visible(o.getByRole('status').getByText('Tess Tech is now team member in Web.'), 'applied');
  await visible(o.getByLabel('Team role for Tess Tech'), 'Tess listed in Web');
  await screenshot(o, 'teams');
  await assertAccessible(o, 'the teams page');

  // The Owner creates an instance in Ops.
  await o.goto(`${server.url}/a/${orgId}/instances`);
  await visible(o.getByRole('heading', { level: 1, name: 'Instances' }), 'instances heading');
  await o.getByLabel('Instance name').fill('ops-db');
  await o.getByLabel('Team', { exact: true }).locator('option', { hasText: 'Ops' }).waitFor({ state: 'attached' });
  await o.getByLabel('Team', { exact: true }).selectOption({ label: 'Ops' });
  await o.getByRole('button', { name: 'Create instance' }).click();
  await visible(o.getByRole('cell', { name: 'ops-db', exact: true }), 'ops-db listed');

  // Tess creates web-1 in Web and never sees Ops.
  const t = tech.page;
  await t.goto(`${server.url}/a/${orgId}/instances`);
  await visible(t.getByRole('heading', { level: 1, name: 'Instances' }), 'Tess: instances');
  const teamOptions = t.getByLabel('Team', { exact: true }).locator('option');
  await teamOptions.first().waitFor({ state: 'attached' });
  // Invited with no team named, she also joined the first team, My Team; never Ops.
  assert.deepEqual(await teamOptions.allTextContents(), ['My Team', 'Web'], 'Tess may create in her teams only');
  await t.getByLabel('Team', { exact: true }).selectOption({ label: 'Web' });
  await t.getByLabel('Instance name').fill('web_1');
  await t.getByRole('button', { name: 'Create instance' }).click();
  await visible(t.getByText('may hold only lower-case letters, digits and dashes'), 'name explained');
  await t.getByLabel('Instance name').fill('web-1');
  await t.getByRole('button', { name: 'Create instance' }).click();
  await visible(t.getByRole('cell', { name: 'web-1', exact: true }), 'web-1 listed');
  assert.equal(await t.getByRole('cell', { name: 'ops-db', exact: true }).count(), 0, 'Ops is invisible to Tess');
  await screenshot(t, 'instances');
  await assertAccessible(t, 'the instances page');

  // The role preview, in the organization, answers as the server does.
  await t.goto(`${server.url}/a/${orgId}/roles`);
  await visible(t.getByRole('heading', { level: 1, name: 'Role preview' }), 'role preview');
  await t.getByLabel('Role', { exact: true }).selectOption('tech');
  await t.getByLabel('Team role in Web').selectOption('team_member');
  const teamTable = t.getByRole('table', { name: 'Team permissions' });
  await visible(teamTable, 'team permissions table');
  const columns = await teamTable.locator('thead th').allTextContents();
  const row = teamTable.getByRole('row', { name: /^Create and delete the team's resources/ });
  const cells = await row.locator('td .answer-word').allTextContents();
  const answer = (team) => cells[columns.findIndex((c) => c.startsWith(team)) - 1];
  const server403 = await tech.context.request.post(api('/instances'), { data: { name: 'x-1', size: 'small', team_id: (await teamsByName(tech)).Ops } });
  const server201 = await tech.context.request.post(api('/instances'), { data: { name: 'x-2', size: 'small', team_id: (await teamsByName(tech)).Web } });
  assert.deepEqual([answer('Web'), server201.status()], ['Yes', 201], 'Web: preview and server agree');
  assert.deepEqual([answer('Ops'), server403.status()], ['No', 403], 'Ops: preview and server agree');
  const opsCell = row.locator('td').nth(columns.findIndex((c) => c.startsWith('Ops')) - 1);
  await visible(opsCell.getByText('You need a role in this team to create or delete this team\'s resources.'), 'the reason for Ops');
  await screenshot(t, 'role-preview');
  await assertAccessible(t, 'the role preview');

  // Offline: the service worker has cached the shell; the reloaded app still works.
  await t.goto(`${server.url}/roles`);
  await t.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  const cached = await t.evaluate(async () => (await (await caches.open('orgspace-shell-v1')).keys()).map((r) => new URL(r.url).pathname));
  assert.ok(cached.some((p) => p.endsWith('.wasm')), `the wasm is cached (${cached.join(', ')})`);
  // index.html preloads /api/me; a signed-in user's data never goes in the shell cache.
  assert.ok(!cached.some((p) => p.startsWith('/api/') && !['/api/roles', '/api/regions', '/api/plans'].includes(p)),
    `only the public catalogues of /api are cached (${cached.join(', ')})`);
  await tech.context.setOffline(true);
  await t.reload();
  await visible(t.getByRole('heading', { level: 1, name: 'Role preview' }), 'role preview offline');
  await visible(t.getByText('You are offline.'), 'offline banner');
  await t.getByLabel('Role', { exact: true }).selectOption('viewer');
  const viewerRow = t.getByRole('table', { name: 'Permissions' }).getByRole('row', { name: /^Create and delete resources/ });
  assert.equal(await viewerRow.locator('.answer-word').textContent(), 'No');
  await visible(viewerRow.getByText('Only Owners can create or delete resources.'), 'reason offline');
  await screenshot(t, 'role-preview-offline');
  await assertAccessible(t, 'the role preview offline');

  // A data page, offline, says so; back online it loads by itself.
  await t.goto(`${server.url}/a/${orgId}/instances`);
  await visible(t.getByRole('heading', { level: 1, name: 'You are offline' }), 'offline state');
  await screenshot(t, 'offline');
  await assertAccessible(t, 'the offline state');
  await tech.context.setOffline(false);
  await visible(t.getByRole('cell', { name: 'web-1', exact: true }), 'instances again when online');

  await owner.context.close();
  await tech.context.close();
});

async function teamsByName(user) {
  const me = await (await user.context.request.get(`${env.server.url}/api/me`)).json();
  const org = me.accounts.find((a) => a.kind === 'organization');
  const teams = await (await user.context.request.get(`${env.server.url}/api/accounts/${org.id}/teams`)).json();
  return Object.fromEntries(teams.items.map((team) => [team.name, team.id]));
}
