// Helpers for the end-to-end tests: a real server on a fresh SQLite database,
// headless Chromium through playwright-core, axe-core checks and screenshots.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(here, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/**
 * Every server's log (all targets at debug, sqlx's statements included) and its
 * outbox go under here; `zz-logs.test.mjs`, the last file, searches the logs of
 * the whole run for secrets.
 */
export const SERVERS = join(ARTIFACTS, 'servers');
mkdirSync(SERVERS, { recursive: true });

/** Starts the server binary on a free port with a fresh database; resolves to { url, stop }. */
export async function startServer(extraEnv = {}) {
  const bin = process.env.ORGSPACE_BIN ?? join(here, '..', 'target', 'debug', 'orgspace');
  const dir = mkdtempSync(join(SERVERS, 'server-'));
  const log = openSync(join(dir, 'server.log'), 'w');
  const child = spawn(bin, [], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/orgspace.db?mode=rwc`,
      ORGSPACE_ADDR: '127.0.0.1:0',
      ORGSPACE_APP_DIR: process.env.ORGSPACE_APP_DIR ?? join(here, '..', 'dist'),
      ORGSPACE_MAIL_OUTBOX: join(dir, 'outbox'),
      RUST_LOG: 'debug',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', log],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 20 s')), 20_000);
    let out = '';
    let started = false;
    child.stdout.on('data', (chunk) => {
      // The server logs to standard output: all of it goes to server.log.
      writeSync(log, chunk);
      if (started) return;
      out += chunk;
      const match = out.match(/running at (http:\/\/[^\s/]+)\//);
      if (match) { started = true; clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}`)); });
  });
  return { url, dir, stop: () => child.kill('SIGTERM') };
}

/**
 * Headless Chromium as this machine runs it. Every page it opens records what
 * the server's Content-Security-Policy blocked (`cspViolations(page)`), and
 * `assertAccessible` fails on any: the app must work under the policy.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', (page) => {
      page.cspViolations = [];
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) page.cspViolations.push(message.text());
      });
    });
    return context;
  };
  return browser;
}

/** What the Content-Security-Policy blocked on `page` so far. */
export function cspViolations(page) {
  return page.cspViolations ?? [];
}

/** Saves a full-page screenshot under end2end/artifacts/. */
export async function screenshot(page, name) {
  // The top bar is sticky: from the top, a full-page shot shows it where it belongs.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Fails on serious or critical axe-core violations, and on anything the CSP blocked. */
export async function assertAccessible(page, what) {
  assert.deepEqual(cspViolations(page), [], `Content-Security-Policy violations on ${what}`);
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `accessibility of ${what}`);
}

/** Fills the billing address fields. */
export async function fillBilling(scope, { name, street, city, postalCode, country }) {
  await scope.getByLabel('Billing name').fill(name);
  await scope.getByLabel('Street').fill(street);
  await scope.getByLabel('Postal code').fill(postalCode);
  await scope.getByLabel('City').fill(city);
  await scope.getByLabel('Country').selectOption(country);
}

/** Undoes quoted-printable, as a mail client does. */
export function decodeQuotedPrintable(text) {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The newest link to `path` (`/verify-email`) mailed to `email`, from the server's outbox. */
export function mailedLink(server, email, path) {
  const dir = join(server.dir, 'outbox');
  const mails = readdirSync(dir).sort().reverse().map((f) => decodeQuotedPrintable(readFileSync(join(dir, f), 'utf8')));
  const pattern = new RegExp(`https?://\\S+${path.replace(/[/]/g, '\\/')}\\?token=[A-Za-z0-9_-]+`);
  const link = mails.filter((text) => text.includes(`To: ${email}`)).map((text) => text.match(pattern)?.[0]).find(Boolean);
  assert.ok(link, `a mail to ${email} with a link to ${path} in the outbox`);
  return link;
}

/** The invitation link of the newest mail to `email` in the server's outbox. */
export function invitationLink(server, email) {
  return mailedLink(server, email, '/invitations/accept');
}

/** Waits until `locator` is visible; the failure names `what` and the cause. */
export async function visible(locator, what) {
  await locator.waitFor({ state: 'visible', timeout: 15_000 }).catch((error) => {
    throw new Error(`not visible: ${what} (${error.message.split('\n')[0]})`);
  });
}

/** Polls `check` (sync or async) until it is true; fails naming `what` after `timeout` ms. */
export async function until(check, what, { timeout = 10_000, every = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${timeout} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/** A free TCP port on loopback. */
export async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The password every test user signs up with. */
export const PASSWORD = 'correct horse battery staple';

/** A billing address that passes validation. */
export const ADDRESS = { name: 'Acme', street: 'Main 1', city: 'Berlin', postal_code: '10115', country: 'DE' };

/**
 * A fresh browser context signed up through the API (its request context keeps
 * the session cookie), its address verified from the mailed link unless
 * `verified` is false: { context, page, me }.
 */
export async function signedUp(browser, server, body, { verified = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const response = await context.request.post(`${server.url}/api/auth/register`, { data: { password: PASSWORD, ...body } });
  assert.equal(response.status(), 201, `register ${body.email}`);
  const me = await response.json();
  if (verified) {
    const token = new URL(mailedLink(server, body.email, '/verify-email')).searchParams.get('token');
    const answer = await context.request.post(`${server.url}/api/auth/verify-email`, { data: { token } });
    assert.equal(answer.status(), 200, `verify ${body.email}`);
    me.user = (await answer.json()).user;
  }
  return { context, page: await context.newPage(), me };
}

/** Signs up `email` (named `person`) with a new organization `name`; resolves to its id. */
export async function organizationOf(browser, server, email, person, name) {
  const owner = await signedUp(browser, server, {
    email, name: person, account_type: 'organization',
    organization: { name, region: 'eu-central', billing_address: ADDRESS },
  });
  await owner.context.close();
  return owner.me.accounts[1].id;
}

/**
 * Starts a server (fresh database) and Chromium before the file's tests and stops
 * them after; `env.server` and `env.browser` are set once `before` has run.
 */
export function useServerAndBrowser(extraEnv = {}) {
  const env = {};
  before(async () => {
    env.server = await startServer(extraEnv);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}


/** Starts `command args…` and resolves once it prints a line "ready"; `stop()` ends it. */
async function readyProcess(command, args) {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => { if (line === 'ready') resolve(); });
  });
  return { stop: () => child.kill('SIGTERM') };
}

/**
 * A real DNS server on loopback (`tools/dns_server.py`, dnslib from PyPI, as
 * `./x.sh test` installs it): { port, publish({name: [texts]}), stop }.
 */
export async function startDnsServer() {
  const { mkdtempSync, writeFileSync, renameSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const records = join(mkdtempSync(join(tmpdir(), 'orgspace-dns-')), 'records.json');
  writeFileSync(records, '{}');
  const port = await freePort();
  const python = process.env.ORGSPACE_TEST_PYTHON ?? join(here, '..', 'target', 'test-venv', 'bin', 'python');
  const proc = await readyProcess(python, [join(here, '..', 'tools', 'dns_server.py'), String(port), records]);
  const publish = (all) => {
    writeFileSync(`${records}.next`, JSON.stringify(all));
    renameSync(`${records}.next`, records);
  };
  return { port, publish, stop: proc.stop };
}

/**
 * A real OpenID provider on loopback (`idp/oidc.mjs`: panva's certified
 * oidc-provider) with one client returning to `redirectUri`:
 * { issuer, clientId, clientSecret, stop }.
 */
export async function startOidcProvider(redirectUri) {
  const port = await freePort();
  const clientId = 'orgspace';
  const clientSecret = 'a client secret only the end-to-end tests know';
  const proc = await readyProcess(process.execPath, [join(here, 'idp', 'oidc.mjs'), String(port), clientId, clientSecret, redirectUri]);
  return { issuer: `http://127.0.0.1:${port}`, clientId, clientSecret, stop: proc.stop };
}

/** A real SAML 2.0 identity provider (end2end/idp/saml.mjs, samlify) named
 * localhost like the server (the same site: the browser cookie that binds a
 * sign-in follows the answer the provider's page posts back); its metadata. */
export async function startSamlIdp() {
  const port = await freePort();
  const proc = await readyProcess(process.execPath, [join(here, 'idp', 'saml.mjs'), String(port), 'localhost']);
  const base = `http://localhost:${port}`;
  const metadata = await (await fetch(`http://127.0.0.1:${port}/metadata`)).text();
  return { base, metadata, stop: proc.stop };
}
