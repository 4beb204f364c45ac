// Issue 6: first load of the members page (navigation → members table visible)
// next to a bare page of the same app and server (the "Page not found" route:
// the same wasm, no data), each in a fresh browser context (cold cache, no
// service worker yet), alternated five times; the medians are printed by the
// test's clock (which adds Playwright's navigation and polling, the same for
// both) and in the page's own (navigation start → the text in the document).
// The figures go in notes; the assertion is only that both pages render.
// Issue 18: the same members page on an emulated "Fast 3G" connection (DevTools
// `Network.emulateNetworkConditions`: 1.6 Mbit/s down, 150 ms round trips), cold
// cache, with the bytes and encoding the wasm came in, timed in the page's own
// clock (navigation start → the members table entering the document) and by the
// test's. It fails above 3 s, as issue 18 asks: with the wasm split by page
// (the main module, then the members page's parts, asked for as the app starts)
// it is 2.1–2.3 s here (README, "Size of the app"; 2.9–3.0 s with the whole app
// in one module). It checks that the preloads the
// page's Link header names (/api/me, the first page of members, the billing)
// are what the app uses: each went out once, not twice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, visible, organizationOf, PASSWORD } from '../lib.mjs';

const env = useServerAndBrowser();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('first load: the members page next to a bare page of the same app', async () => {
  const { server, browser } = env;
  const orgId = await organizationOf(browser, server, 'olga@acme.test', 'Olga Owner', 'Acme Corp');

  const load = async (path, ready, readyText, network) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await context.request.post(`${server.url}/api/auth/login`, { data: { email: 'olga@acme.test', password: PASSWORD } });
    assert.equal(login.status(), 200);
    const page = await context.newPage();
    // Requests per API path: a preload the app did not use shows as a second one.
    const apiRequests = new Map();
    // The moment the ready text enters the document, in the page's own clock
    // (milliseconds since navigation started), without the test's polling.
    await page.addInitScript((text) => {
      const seen = () => [...document.querySelectorAll('td, th, h1')].some((e) => e.textContent.includes(text));
      new MutationObserver((_, observer) => {
        if (window.__orgspaceReadyAt === undefined && seen()) {
          window.__orgspaceReadyAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true, characterData: true });
    }, readyText);
    if (network) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network });
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname.startsWith('/api/')) apiRequests.set(url.pathname, (apiRequests.get(url.pathname) ?? 0) + 1);
      });
      page.on('response', async (response) => {
        if (!response.url().endsWith('.wasm')) return;
        const sizes = await response.request().sizes();
        console.log(`${new URL(response.url()).pathname} over the emulated network: ${sizes.responseBodySize} bytes, content-encoding ${response.headers()['content-encoding'] ?? 'none'}`);
      });
    }
    const started = Date.now();
    await page.goto(`${server.url}${path}`);
    await visible(ready(page), path);
    const ms = Date.now() - started;
    const sinceNavigation = Math.round(await page.evaluate(() => window.__orgspaceReadyAt));
    await context.close();
    return network ? { ms, sinceNavigation, apiRequests } : { ms, sinceNavigation };
  };
  const bare = [];
  const members = [];
  for (let i = 0; i < 5; i += 1) {
    bare.push(await load('/no-such-page', (p) => p.getByRole('heading', { level: 1, name: 'Page not found' }), 'Page not found'));
    members.push(await load(`/a/${orgId}/members`, (p) => p.getByRole('cell', { name: 'olga@acme.test' }), 'olga@acme.test'));
  }
  // The medians and ratio by one clock (`ms`: the test's; `sinceNavigation`: the page's).
  const compare = (clock, description) => {
    const [b, m] = [bare, members].map((runs) => median(runs.map((run) => run[clock])));
    const list = (runs) => runs.map((run) => run[clock]).join(', ');
    console.log(`first load, median of 5, ${description}: bare page ${b} ms, members page ${m} ms, ratio ${(m / b).toFixed(2)} (bare ${list(bare)}; members ${list(members)})`);
    return [b, m];
  };
  const [b, m] = compare('ms', "by the test's clock (page.goto → visible)");
  compare('sinceNavigation', "in the page's clock (navigation start → the text in the document)");
  assert.ok(b > 0 && m > 0);

  const fast3g = { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
  const throttled = await load(`/a/${orgId}/members`, (p) => p.getByRole('cell', { name: 'olga@acme.test' }), 'olga@acme.test', fast3g);
  console.log(`first load on Fast 3G (1.6 Mbit/s, 150 ms RTT), cold cache: members table in the page ${throttled.sinceNavigation} ms after navigation started (${throttled.ms} ms by the test's clock, which adds starting the navigation and polling; ${(throttled.ms / b).toFixed(2)}× the bare page on loopback)`);
  assert.ok(throttled.ms > m, 'the emulated network is slower than loopback');
  assert.ok(throttled.sinceNavigation <= 3_000,
    `the members table within 3 s on Fast 3G: ${throttled.sinceNavigation} ms`);
  // The page's Link header preloads its reads during the wasm's download; the
  // app's own requests must be answered by those preloads, not sent again.
  assert.deepEqual(Object.fromEntries(throttled.apiRequests), {
    '/api/me': 1,
    [`/api/accounts/${orgId}/members`]: 1,
    [`/api/accounts/${orgId}/billing`]: 1,
  }, 'each read went out once: the preloads were used');
});

test('a preloaded read the page did not use never answers a later request', async () => {
  const { server, browser } = env;
  const orgId = await organizationOf(browser, server, 'pia@preload.test', 'Pia Preload', 'Preload Corp');
  // Signed out, the members page's Link header still preloads its reads: they
  // answer 401, and the app goes to the sign-in page instead.
  const context = await browser.newContext();
  const page = await context.newPage();
  const answers = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname === `/api/accounts/${orgId}/members`) answers.push(response.status());
  });
  await page.goto(`${server.url}/a/${orgId}/members`);
  await visible(page.getByRole('heading', { level: 1, name: 'Sign in' }), 'the sign-in page');
  await page.getByLabel('Email').fill('pia@preload.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Organizations' }), 'the personal account');
  // Back to the members page inside the same document (the router's own
  // navigation): it asks the server again and lists the members, not the 401
  // that was preloaded before signing in.
  await page.evaluate((path) => {
    const link = Object.assign(document.createElement('a'), { href: path, textContent: 'members' });
    document.body.append(link);
    link.click();
  }, `/a/${orgId}/members`);
  await visible(page.getByRole('cell', { name: 'pia@preload.test' }), 'the members table after signing in');
  assert.deepEqual(answers, [401, 200], 'the preloaded 401, then a request of its own');
  await context.close();
});
