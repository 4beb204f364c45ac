// Precompresses the built app for the server to send as it is (SPEC §18's
// first load): next to each text or wasm file of `dist/`, a `.br` (brotli,
// quality 11) and a `.gz` (gzip -9) — only when smaller than the file. The
// server picks one by the browser's Accept-Encoding (tower-http ServeDir).
// Prints, per file, the bytes a browser downloads with and without brotli and
// `SERVED_BYTES=<n>`: what the app shell — the main wasm module, the JS and the
// CSS — costs a browser that accepts brotli. The parts of the wasm a page loads
// on demand (`split_*`, and the `chunk_*` they share: tools/split-wasm.mjs) are
// listed, and counted apart.
//
//   node tools/precompress.mjs dist
import { readdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  console.error("usage: node tools/precompress.mjs <dist directory>");
  process.exit(2);
}
const COMPRESSIBLE = /\.(wasm|js|css|html|svg|webmanifest|json)$/;
const SHELL = /\.(wasm|js|css)$/;
const ON_DEMAND = /^(split|chunk)_.*\.wasm$/;

const row = (name, ...cells) => console.log(name.padEnd(44) + cells.map((c) => String(c).padStart(10)).join(""));
row("file", "bytes", "gzip -9", "brotli");
let served = 0;
let onDemand = 0;
for (const name of readdirSync(dir).sort()) {
  if (!COMPRESSIBLE.test(name)) continue;
  const path = join(dir, name);
  const data = readFileSync(path);
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [constants.BROTLI_PARAM_MODE]: name.endsWith(".wasm") ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  const gz = gzipSync(data, { level: 9 });
  for (const [ext, bytes] of [[".br", br], [".gz", gz]]) {
    // A stale variant of an earlier build would be served for this file.
    rmSync(path + ext, { force: true });
    if (bytes.length < data.length) writeFileSync(path + ext, bytes);
  }
  const best = Math.min(br.length, data.length);
  row(name, data.length, gz.length, br.length);
  if (ON_DEMAND.test(name)) onDemand += best;
  else if (SHELL.test(name)) served += best;
}
row("parts of the wasm loaded on demand (brotli)", "", "", onDemand);
row("served to a browser (wasm + js + css, brotli)", "", "", served);
console.log(`SERVED_BYTES=${served}`);
