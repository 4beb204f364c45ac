// Issue 16, verified domains: an Owner adds a domain, is told the TXT record
// is missing, publishes it on a real DNS server (dnslib on loopback, the one
// the Orgspace server is configured to ask) and verifies it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signedUp, screenshot, assertAccessible, visible, startDnsServer, ADDRESS } from '../lib.mjs';

const dns = await startDnsServer();
after(() => dns.stop());
const publish = (all) => dns.publish(all);

const env = useServerAndBrowser({ ORGSPACE_DNS_SERVER: `127.0.0.1:${dns.port}` });

test('an Owner proves a domain with a TXT record', async () => {
  const { server, browser } = env;
  const olga = await signedUp(browser, server, {
    email: 'olga@acme.test', name: 'Olga Owner', account_type: 'organization',
    organization: { name: 'Acme', region: 'eu-central', billing_address: ADDRESS },
  });
  const org = olga.me.accounts.find((a) => a.kind === 'organization').id;
  const page = olga.page;
  await page.goto(`${server.url}/a/${org}/domains`);
  await visible(page.getByRole('heading', { level: 1, name: 'Domains' }), 'the domains page');
  await page.getByLabel('Domain', { exact: true }).fill('gmail.com');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await visible(page.getByText(/public mail provider/), 'a public mail domain is refused');
  await page.getByLabel('Domain', { exact: true }).fill('Acme.test');
  await page.getByRole('button', { name: 'Add domain' }).click();
  const row = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'acme.test' }) });
  await visible(row.getByText('Pending'), 'the new domain is pending');
  const value = await row.locator('dd code').nth(2).textContent();
  assert.match(value, /^orgspace-domain-verification=/);
  assert.equal(await row.locator('dd code').nth(1).textContent(), '_orgspace-challenge.acme.test');

  await row.getByRole('button', { name: /^Verify/ }).click();
  await visible(row.getByRole('alert').getByText(/No TXT record at _orgspace-challenge.acme.test/), 'not yet');
  await screenshot(page, 'domains-pending');
  await assertAccessible(page, 'the domains page with a pending domain');

  publish({ '_orgspace-challenge.acme.test': ['v=spf1 -all', value] });
  await row.getByRole('button', { name: /^Verify/ }).click();
  await visible(page.getByRole('status').getByText('acme.test is verified.'), 'verified');
  await visible(row.getByText('Verified', { exact: true }), 'the badge');
  await screenshot(page, 'domains-verified');
  await assertAccessible(page, 'the domains page with a verified domain');

  const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
  await dark.addCookies(await olga.context.cookies());
  const darkPage = await dark.newPage();
  await darkPage.goto(`${server.url}/a/${org}/domains`);
  await visible(darkPage.getByRole('heading', { name: 'acme.test' }), 'the domain in dark mode');
  await screenshot(darkPage, 'dark-domains');
  await assertAccessible(darkPage, 'the domains page in dark mode');
  await dark.close();
  await olga.context.close();
});
