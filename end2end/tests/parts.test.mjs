// The wasm is split by page (app/src/app.rs, tools/split-wasm.mjs): a page whose
// part cannot be downloaded says so inside the app's frame instead of aborting
// the app, and loads once the network lets its part through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, visible, organizationOf, screenshot, assertAccessible, PASSWORD } from '../lib.mjs';

const env = useServerAndBrowser();

test('a page whose part of the wasm cannot be downloaded says so, and the app goes on', async () => {
  const { server, browser } = env;
  const orgId = await organizationOf(browser, server, 'nia@parts.test', 'Nia Parts', 'Parts Corp');
  const context = await browser.newContext();
  const login = await context.request.post(`${server.url}/api/auth/login`, { data: { email: 'nia@parts.test', password: PASSWORD } });
  assert.equal(login.status(), 200);
  const page = await context.newPage();
  // Every page but the frame, the role preview and "Page not found" is in a part
  // loaded on demand (app/src/app.rs): the network refuses the members page's.
  const refused = [];
  await page.route(/\/(split|chunk)_[^/]*\.wasm$/, (route) => {
    refused.push(new URL(route.request().url()).pathname);
    return route.abort();
  });
  await page.goto(`${server.url}/a/${orgId}/members`);
  try {
    await visible(page.getByRole('heading', { level: 1, name: 'This page did not load' }), 'the failed part');
  } catch (error) {
    // What the page shows instead, for whoever reads a failure.
    const main = await page.locator('main').first().textContent().catch(() => '(no main)');
    throw new Error(`${error.message}; parts refused: ${refused.join(', ') || 'none'}; the page shows: ${main}`);
  }
  assert.ok(refused.some((path) => path.startsWith('/split_members-')), `the members page's part was asked for: ${refused}`);
  await visible(page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Members' }), 'the frame around it');
  await screenshot(page, 'part-not-loaded');
  await assertAccessible(page, 'a page whose part did not load');
  // The network is back: the page loads on the next visit.
  await page.unroute(/\/(split|chunk)_[^/]*\.wasm$/);
  await page.reload();
  await visible(page.getByRole('cell', { name: 'nia@parts.test' }), 'the members table once its part loads');
  await context.close();
});
