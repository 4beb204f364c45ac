// The last file of the run (files run in name order): the logs of every server
// the end-to-end tests started — all targets at debug, sqlx's statements
// included — hold no password, session cookie, API key token, mailed token,
// authenticator secret or recovery code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVERS, PASSWORD, decodeQuotedPrintable } from '../lib.mjs';

test('no secret reaches the logs of the end-to-end run', () => {
  const dirs = readdirSync(SERVERS).map((d) => join(SERVERS, d));
  const logs = dirs.filter((d) => existsSync(join(d, 'server.log')))
    .map((d) => readFileSync(join(d, 'server.log'), 'utf8'));
  assert.ok(logs.length >= 5, `the run's servers left their logs (${logs.length})`);
  const text = logs.join('\n');
  assert.match(text, /sqlx::query/, 'the logs are at debug, statements included');

  // The invitation tokens the servers mailed.
  const tokens = [];
  for (const dir of dirs) {
    const outbox = join(dir, 'outbox');
    if (!existsSync(outbox)) continue;
    for (const file of readdirSync(outbox)) {
      const mail = decodeQuotedPrintable(readFileSync(join(outbox, file), 'utf8'));
      for (const match of mail.matchAll(/token=([A-Za-z0-9_-]{20,})/g)) tokens.push(match[1]);
    }
  }
  assert.ok(tokens.length > 0, 'the run sent invitations');

  // Every password the journeys type, right or wrong.
  for (const password of [PASSWORD, 'a brand new passphrase', 'not my password at all', 'a passphrase from the reset mail']) {
    assert.ok(!text.includes(password), `a password (${password.slice(0, 3)}…) is in the logs`);
  }
  for (const token of tokens) {
    assert.ok(!text.includes(token), `an invitation token (${token.slice(0, 4)}…) is in the logs`);
  }
  // Authenticator secrets and recovery codes the two-factor journeys noted.
  const secrets = dirs.filter((d) => existsSync(join(d, 'secrets.txt')))
    .flatMap((d) => readFileSync(join(d, 'secrets.txt'), 'utf8').split('\n').filter(Boolean));
  assert.ok(secrets.length > 0, 'the run set up two-factor');
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `a second-factor secret (${secret.slice(0, 3)}…) is in the logs`);
  }
  assert.doesNotMatch(text, /osk_[a-z2-7]{16}\.[A-Za-z0-9_-]{20,}/, 'an API key token is in the logs');
  assert.doesNotMatch(text, /orgspace_session=[A-Za-z0-9_-]{20,}/, 'a session cookie is in the logs');
});
