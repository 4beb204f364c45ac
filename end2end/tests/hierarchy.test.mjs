// Issue 17's journey: an Owner creates a child billed to the parent on the
// Hierarchy page → adds funds to the parent and the child turns active → an
// Admin of the parent manages the child through inheritance (shown as such in
// the members list) → the switcher lists the child under its parent → a link
// request between two Owners is accepted on the child's Hierarchy page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, screenshot, assertAccessible, visible, until, signedUp as signUp, ADDRESS } from '../lib.mjs';

const env = useServerAndBrowser();

const signedUp = (body) => signUp(env.browser, env.server, body);

test('child billed to the parent → funds to the parent → inherited Admin → switcher → link request accepted', async () => {
  const { server } = env;
  const owner = await signedUp({
    email: 'olga@acme.test', name: 'Olga Owner', account_type: 'organization',
    organization: { name: 'Acme Corp', region: 'eu-central', billing_address: ADDRESS },
  });
  const acme = owner.me.accounts[1].id;
  const o = owner.page;

  // The Owner creates a child billed to Acme, choosing its region.
  await o.goto(`${server.url}/a/${acme}/hierarchy`);
  await visible(o.getByRole('heading', { level: 1, name: 'Hierarchy' }), 'hierarchy heading');
  await visible(o.getByText('No child organizations yet.', { exact: false }), 'no children');
  await o.getByRole('button', { name: 'Create child organization' }).click();
  await o.getByLabel('Name').fill('Acme Labs');
  await o.getByLabel('Region').selectOption('eu-north');
  await o.getByLabel('Billing').selectOption({ label: 'Billed to Acme Corp' });
  await o.getByRole('button', { name: 'Create child', exact: true }).click();
  await visible(o.getByRole('status').getByText('Acme Labs was created as a child organization.'), 'created toast');
  const children = o.getByRole('region', { name: 'Children' });
  const row = children.getByRole('row', { name: /Acme Labs/ });
  await visible(row.getByText('Billed to the parent'), 'billing mode');
  await visible(row.getByText('Suspended'), 'suspended with the parent');
  const labs = (await (await owner.context.request.get(`${server.url}/api/accounts/${acme}/children`)).json()).items[0];
  const labsView = await (await owner.context.request.get(`${server.url}/api/accounts/${labs.id}`)).json();
  assert.equal(labsView.region, 'eu-north', 'the region chosen at creation');

  // Funds go to the parent; the child becomes active with it.
  await o.goto(`${server.url}/a/${acme}/billing`);
  await o.getByLabel('Amount (EUR)').fill('40');
  await o.getByRole('button', { name: 'Add funds' }).click();
  await visible(o.getByText('Active', { exact: true }), 'parent active');
  await o.goto(`${server.url}/a/${acme}/hierarchy`);
  await visible(o.getByRole('region', { name: 'Children' }).getByRole('row', { name: /Acme Labs/ }).getByText('Active'), 'child active');
  await visible(o.getByText('1 descendant · 1 member · 0 instances', { exact: false }), 'report totals');
  await screenshot(o, 'hierarchy-children');
  await assertAccessible(o, 'the hierarchy page');

  // An Admin of Acme acts as an Admin in the child, without being its member.
  const admin = await signedUp({ email: 'adam@acme.test', name: 'Adam Admin', account_type: 'personal' });
  const invitation = await (await owner.context.request.post(`${server.url}/api/accounts/${acme}/invitations`, { data: { email: 'adam@acme.test', role: 'admin' } })).json();
  assert.equal((await admin.context.request.post(`${server.url}/api/invitations/${invitation.id}/accept`)).status(), 200);
  const viewer = await signedUp({ email: 'vera@acme.test', name: 'Vera Viewer', account_type: 'personal' });
  const toLabs = await (await owner.context.request.post(`${server.url}/api/accounts/${labs.id}/invitations`, { data: { email: 'vera@acme.test', role: 'viewer' } })).json();
  assert.equal((await viewer.context.request.post(`${server.url}/api/invitations/${toLabs.id}/accept`)).status(), 200);
  const a = admin.page;
  await a.goto(`${server.url}/a/${labs.id}/members`);
  await visible(a.getByRole('heading', { level: 1, name: 'Members' }), 'members heading');
  const adamRow = a.getByRole('row', { name: /Adam Admin/ });
  await visible(adamRow.getByText('inherited from', { exact: false }), 'inherited access shown');
  await visible(adamRow.getByRole('link', { name: 'Acme Corp' }), 'the parent named');
  // As an Admin here it edits the child's settings (and the server agrees).
  const renamed = await admin.context.request.patch(`${server.url}/api/accounts/${labs.id}`, { data: { name: 'Acme Research' } });
  assert.equal(renamed.status(), 200);
  await screenshot(a, 'hierarchy-inherited-members');
  await assertAccessible(a, 'the members page with inherited access');

  // The switcher lists the child under its parent, searchable.
  await a.reload();
  await a.getByRole('button', { name: 'Switch account' }).click();
  const options = a.getByRole('listbox', { name: 'Accounts' }).getByRole('option');
  const names = await options.allInnerTexts();
  const acmeAt = names.findIndex((n) => n.includes('Acme Corp'));
  assert.ok(acmeAt >= 0 && names[acmeAt + 1].includes('Acme Research'), `child under its parent: ${names}`);
  await a.getByLabel('Search accounts').fill('research');
  await until(async () => (await options.count()) === 1, 'search finds the child');
  await a.keyboard.press('Enter');
  await until(async () => a.url().endsWith(`/a/${labs.id}/members`) || a.url().includes(`/a/${labs.id}`), 'switched by keyboard');

  // A link request between two Owners: Gina accepts on Globex's Hierarchy page.
  const gina = await signedUp({
    email: 'gina@globex.test', name: 'Gina Globex', account_type: 'organization',
    organization: { name: 'Globex', region: 'us-east', billing_address: ADDRESS },
  });
  const globex = gina.me.accounts[1].id;
  await o.goto(`${server.url}/a/${acme}/hierarchy`);
  await o.getByLabel('Organization', { exact: true }).selectOption('other');
  await o.getByLabel('Organization id').fill(globex);
  await o.getByRole('button', { name: 'Link', exact: true }).click();
  await visible(o.getByRole('status').getByText("Globex's Owners were asked to accept the link."), 'request toast');
  const g = gina.page;
  await g.goto(`${server.url}/a/${globex}/hierarchy`);
  const requests = g.getByRole('region', { name: 'Link requests' });
  await visible(requests.getByText('Acme Corp asks to become the parent of Globex', { exact: false }), 'request listed');
  await screenshot(g, 'hierarchy-link-request');
  await assertAccessible(g, 'a received link request');
  await requests.getByRole('button', { name: 'Accept' }).click();
  await visible(g.getByRole('status').getByText('Acme Corp is now the parent of Globex.'), 'accepted toast');
  const globexView = await (await owner.context.request.get(`${server.url}/api/accounts/${globex}`)).json();
  assert.equal(globexView.parent_id, acme);
  assert.equal(globexView.inherited_from.name, 'Acme Corp');
});
