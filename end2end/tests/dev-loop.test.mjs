// The front-end loop the README describes: `./x.sh dev` starts the API and
// `trunk serve`; a new user signs up through the dev server's port (every write
// goes through Trunk's proxy) and reaches the members page. The API still
// refuses writes from any other origin, and the debug build stays out of dist/.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVERS, launchBrowser, screenshot, assertAccessible, fillBilling, visible, until, freePort, PASSWORD } from '../lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dev;
let browser;

after(async () => {
  await browser?.close();
  // `./x.sh dev` leads its own process group: the shell, the API and Trunk.
  if (dev?.pid) {
    try { process.kill(-dev.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
});

/**
 * Throws at once when `./x.sh dev` has exited or its log shows a failed build
 * (cargo's "could not compile", Trunk's ❌, a full disk), instead of waiting out
 * the first build's timeout while Trunk watches for a change that never comes.
 */
function assertStillBuilding(logPath) {
  if (dev.exitCode !== null || dev.signalCode !== null) {
    throw new Error(`./x.sh dev exited (${dev.exitCode ?? dev.signalCode}); see ${logPath}`);
  }
  const failure = readFileSync(logPath, 'utf8').match(/^.*(could not compile|❌|No space left on device).*$/m);
  if (failure) throw new Error(`the dev build failed: ${failure[0].trim()} (see ${logPath})`);
}

/** Whether `url` answers 200 with the app's page. */
async function serving(url) {
  try {
    const response = await fetch(url);
    return response.ok && (await response.text()).includes('<html');
  } catch {
    return false;
  }
}

test('signing up through trunk serve reaches the members page, and other origins stay refused', async () => {
  const [devPort, apiPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(SERVERS, 'dev-'));
  const logPath = join(dir, 'dev.log');
  const log = openSync(logPath, 'w');
  const servedIndex = join(root, 'dist', 'index.html');
  const servedBefore = existsSync(servedIndex) ? statSync(servedIndex).mtimeMs : null;
  dev = spawn('./x.sh', ['dev'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      DEV_PORT: String(devPort),
      ORGSPACE_ADDR: `127.0.0.1:${apiPort}`,
      // The server the other tests run: `./x.sh dev` then builds only the app.
      ORGSPACE_BIN: process.env.ORGSPACE_BIN ?? join(root, 'target', 'debug', 'orgspace'),
      DATABASE_URL: `sqlite://${dir}/orgspace.db?mode=rwc`,
      ORGSPACE_MAIL_OUTBOX: join(dir, 'outbox'),
    },
  });
  const devUrl = `http://127.0.0.1:${devPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // The first debug build compiles the app for wasm32: minutes on 2 cores.
  await until(
    () => {
      assertStillBuilding(logPath);
      return serving(`${devUrl}/register`);
    },
    `trunk serve answers on ${devUrl} (see ${logPath})`,
    { timeout: 20 * 60_000, every: 1000 },
  );
  await until(async () => (await fetch(`${apiUrl}/healthz`).catch(() => null))?.ok, 'the API answers');

  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${devUrl}/register`);
  await visible(page.getByRole('heading', { level: 1, name: 'Create your account' }), 'the sign-up page from trunk serve');
  await page.getByLabel('Name', { exact: true }).fill('Fran Frontend');
  await page.getByLabel('Email').fill('fran@acme.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization', { exact: true }).check();
  await page.getByLabel('Organization name').fill('Dev Loop');
  await page.getByLabel('Region').selectOption({ label: 'European Union (Frankfurt)' });
  await fillBilling(page, { name: 'Dev Loop', street: 'Main 1', city: 'Berlin', postalCode: '10115', country: 'DE' });
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/a\/[0-9a-f-]+\/organizations$/);
  await page.getByRole('link', { name: 'Dev Loop', exact: true }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Members' }), 'the members page through the dev server');
  await visible(page.getByRole('cell', { name: 'fran@acme.test', exact: true }), 'Fran in the members table');
  await screenshot(page, 'dev-loop-members');
  await assertAccessible(page, 'the members page served by trunk serve');

  // The API itself still refuses a write from another site.
  const foreign = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
    body: JSON.stringify({ email: 'fran@acme.test', password: PASSWORD }),
  });
  assert.equal(foreign.status, 403);
  assert.equal((await foreign.json()).code, 'forbidden');

  // Trunk's debug build went to target/dev-dist, not to the dist/ the server serves.
  assert.ok(existsSync(join(root, 'target', 'dev-dist', 'index.html')), 'the dev build is in target/dev-dist');
  const servedAfter = existsSync(servedIndex) ? statSync(servedIndex).mtimeMs : null;
  assert.equal(servedAfter, servedBefore, 'dist/ is untouched');
  await context.close();
});
