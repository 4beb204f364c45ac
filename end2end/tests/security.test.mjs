// The app runs under the server's Content-Security-Policy, and the policy bites:
// an injected inline script is refused and reported.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, visible, cspViolations, assertAccessible } from '../lib.mjs';

const env = useServerAndBrowser();

test('the app works under a strict Content-Security-Policy that refuses injected scripts', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(`${env.server.url}/register`);
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/, csp);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'same-origin');

  // The WebAssembly app started and rendered under the policy.
  await visible(page.getByRole('heading', { level: 1, name: 'Create your account' }), 'sign-up heading');
  await assertAccessible(page, 'the sign-up page under the CSP');

  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true;';
    document.head.append(script);
    return window.injected === true;
  });
  assert.equal(ran, false, 'an injected inline script does not run');
  await page.waitForTimeout(200);
  assert.equal(cspViolations(page).length, 1, 'and the refusal is reported');
  assert.match(cspViolations(page)[0], /inline script.*(blocked|Refused)|Refused.*inline script/s);
  await context.close();
});
