// Issue 6: first load of the members page (navigation → members table visible)
// next to a bare page of the same app and server (the "Page not found" route:
// the same wasm, no data), each in a fresh browser context (cold cache, no
// service worker yet), alternated five times; the medians are printed. The
// figures go in notes; the assertion is only that both pages render.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, visible, signedUp as signUp, ADDRESS, PASSWORD } from '../lib.mjs';

const env = useServerAndBrowser();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('first load: the members page next to a bare page of the same app', async () => {
  const { server, browser } = env;
  const owner = await signUp(browser, server, {
    email: 'olga@acme.test', name: 'Olga Owner', account_type: 'organization',
    organization: { name: 'Acme Corp', region: 'eu-central', billing_address: ADDRESS },
  });
  const orgId = owner.me.accounts[1].id;
  await owner.context.close();

  const load = async (path, ready) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await context.request.post(`${server.url}/api/auth/login`, { data: { email: 'olga@acme.test', password: PASSWORD } });
    assert.equal(login.status(), 200);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${server.url}${path}`);
    await visible(ready(page), path);
    const ms = Date.now() - started;
    await context.close();
    return ms;
  };
  const bare = [];
  const members = [];
  for (let i = 0; i < 5; i += 1) {
    bare.push(await load('/no-such-page', (p) => p.getByRole('heading', { level: 1, name: 'Page not found' })));
    members.push(await load(`/a/${orgId}/members`, (p) => p.getByRole('cell', { name: 'olga@acme.test' })));
  }
  const b = median(bare);
  const m = median(members);
  console.log(`first load, median of 5: bare page ${b} ms, members page ${m} ms, ratio ${(m / b).toFixed(2)} (bare ${bare.join(', ')}; members ${members.join(', ')})`);
  assert.ok(b > 0 && m > 0);
});
