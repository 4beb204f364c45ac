// What a browser downloads on its first visit (SPEC §18): the app shell's hashed
// files as their build-time brotli or gzip variant, byte for byte, cached for a
// year; index.html and sw.js revalidated; large API answers compressed, small
// ones not; the HTML names the page's first API reads in its Link header. Raw HTTP (node:http), so the encodings and byte counts are the
// server's, not a client's after decoding.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer } from '../lib.mjs';

const DIST = process.env.ORGSPACE_APP_DIR ?? new URL('../../dist', import.meta.url).pathname;
let server;
before(async () => { server = await startServer(); });
after(() => server?.stop());

/** GET `path` with `headers`; resolves to { status, headers, body (raw bytes) }. */
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = { br: brotliDecompressSync, gzip: gunzipSync, identity: (b) => b };

test('the app shell is served precompressed, byte for byte, and cached for a year', async () => {
  const index = await get('/', { 'accept-encoding': 'br, gzip' });
  assert.equal(index.status, 200);
  assert.equal(index.headers['cache-control'], 'no-cache', 'index.html is revalidated');
  const html = decode[index.headers['content-encoding'] ?? 'identity'](index.body).toString();
  const shell = [...html.matchAll(/(?:href|src)="\/([^"#?]+\.(?:wasm|js|css))"/g)].map((m) => m[1]);
  assert.ok(shell.some((f) => f.endsWith('.wasm')) && shell.some((f) => f.endsWith('.js')) && shell.some((f) => f.endsWith('.css')),
    `index.html references the wasm, JS and CSS: ${shell}`);

  let served = 0;
  let plain = 0;
  for (const file of new Set(shell)) {
    const original = readFileSync(join(DIST, file));
    for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['', 'identity']]) {
      const answer = await get(`/${file}`, accept ? { 'accept-encoding': accept } : {});
      assert.equal(answer.status, 200, file);
      assert.equal(answer.headers['cache-control'], 'public, max-age=31536000, immutable', `${file} is immutable`);
      assert.match(answer.headers.vary ?? '', /accept-encoding/i, `${file} varies by encoding`);
      assert.equal(answer.headers['content-encoding'] ?? 'identity', encoding, `${file} with Accept-Encoding: ${accept}`);
      const variant = { br: '.br', gzip: '.gz', identity: '' }[encoding];
      assert.ok(existsSync(join(DIST, file + variant)), `${file}${variant} was built`);
      assert.equal(answer.body.length, readFileSync(join(DIST, file + variant)).length, `${file} sent as built (${encoding})`);
      assert.ok(decode[encoding](answer.body).equals(original), `${file} decodes to the built file (${encoding})`);
      if (encoding === 'br') served += answer.body.length;
      if (encoding === 'identity') plain += answer.body.length;
    }
  }
  console.log(`app shell as served: ${served} bytes with brotli (${plain} bytes uncompressed)`);
  assert.ok(served < plain / 3, 'brotli cuts the download by more than two thirds');

  // The parts of the wasm pages load on demand (tools/split-wasm.mjs), named in
  // index.html for the service worker: hashed, precompressed, cached for a year.
  const parts = (html.match(/<meta name="orgspace-modules" content="([^"]*)"/)?.[1] ?? '')
    .split(' ').filter(Boolean).map((path) => path.slice(1));
  assert.ok(parts.some((f) => /^split_members-[0-9a-f]{16}\.wasm$/.test(f)), `the members page's part is named: ${parts}`);
  let onDemand = 0;
  for (const file of parts) {
    const answer = await get(`/${file}`, { 'accept-encoding': 'br, gzip' });
    assert.equal(answer.status, 200, file);
    assert.equal(answer.headers['cache-control'], 'public, max-age=31536000, immutable', `${file} is immutable`);
    assert.equal(answer.headers['content-type'], 'application/wasm', file);
    assert.equal(answer.headers['content-encoding'], 'br', file);
    assert.ok(brotliDecompressSync(answer.body).equals(readFileSync(join(DIST, file))), `${file} decodes to the built file`);
    onDemand += answer.body.length;
  }
  console.log(`parts of the wasm loaded on demand: ${parts.length} files, ${onDemand} bytes with brotli`);

  const sw = await get('/sw.js', { 'accept-encoding': 'br' });
  assert.equal(sw.status, 200);
  assert.equal(sw.headers['cache-control'], 'no-cache', 'the service worker is revalidated');

  // A revalidation of an unchanged index.html costs no body.
  const again = await get('/', { 'if-modified-since': index.headers['last-modified'] });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  // An app route is index.html, revalidated like it.
  const route = await get('/a/some-account/members', { 'accept-encoding': 'br' });
  assert.equal(route.status, 200);
  assert.equal(route.headers['cache-control'], 'no-cache');
  // Its Link header names the reads the page makes as it opens (issue 18): the
  // browser fetches them while the app downloads. A page for no account preloads
  // who is signed in only; the members page its first page and the seats too.
  assert.equal(route.headers.link, '</api/me>; rel=preload; as=fetch; crossorigin=anonymous');
  assert.equal(index.headers.link, route.headers.link);
  const account = '0190f3a4-1b2c-7d3e-8f40-5a6b7c8d9e0f';
  const members = await get(`/a/${account}/members`);
  assert.deepEqual(members.headers.link.split(', ').map((value) => value.split(';')[0]),
    ['</api/me>', `</api/accounts/${account}/members?limit=50>`, `</api/accounts/${account}/billing>`]);
  assert.equal((await get('/sw.js')).headers.link, undefined, 'only the HTML says what to preload');
});

test('large API answers are compressed when the client accepts it, small ones are not', async () => {
  const spec = await get('/api/openapi.json', { 'accept-encoding': 'br, gzip' });
  assert.equal(spec.status, 200);
  assert.equal(spec.headers['content-encoding'], 'br');
  const document = JSON.parse(brotliDecompressSync(spec.body).toString());
  assert.ok(document.paths['/api/accounts/{id}/members'], 'the OpenAPI document, whole');
  const gzipped = await get('/api/openapi.json', { 'accept-encoding': 'gzip' });
  assert.equal(gzipped.headers['content-encoding'], 'gzip');
  const asIs = await get('/api/openapi.json');
  assert.equal(asIs.headers['content-encoding'], undefined);
  assert.ok(spec.body.length < asIs.body.length / 4, `${spec.body.length} of ${asIs.body.length} bytes`);

  const small = await get('/api/me', { 'accept-encoding': 'br, gzip' });
  assert.equal(small.status, 401);
  assert.equal(small.headers['content-encoding'], undefined, 'a small answer is sent as it is');
  assert.equal(JSON.parse(small.body.toString()).code, 'unauthenticated');
});
