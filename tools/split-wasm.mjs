// Trunk's post_build hook (Trunk.toml): cuts the app's wasm at its
// `wasm_split` points (app/src/app.rs) into the module every page needs and
// the parts loaded on demand (issue 18: the module a browser downloads first
// went from 432 KB to about 180 KB, brotli).
//
// Trunk runs wasm-bindgen on the whole module, whose split points import from
// a placeholder; the cut has to happen between rustc and wasm-bindgen
// (trunk-rs/trunk#1022). So, from the module cargo built (linked with
// `--emit-relocs`, .cargo/config.toml) and into Trunk's staging directory:
//   1. `wasm-split-cli` cuts it: the main module, one module per split name,
//      the chunks two of them share, and the JS that loads them
//      (`__wasm_split.js`);
//   2. `wasm-bindgen` binds the main module (`--keep-lld-exports`: the parts
//      import its function table), in place of Trunk's two files;
//   3. in release, `wasm-opt -Oz` shrinks every module (Trunk's own wasm-opt
//      is off: app/index.html);
//   4. the parts and their loader get content-hashed names (the server keeps
//      hashed files for a year); index.html preloads the loader and names the
//      parts in a `<meta name="orgspace-modules">` for the service worker,
//      which keeps each part once a page has loaded it (public/sw.js).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("tools/split-wasm.mjs runs as Trunk's post_build hook (TRUNK_STAGING_DIR is not set)");
  process.exit(2);
}
const release = process.env.TRUNK_PROFILE === "release";
const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const built = join(target, "wasm32-unknown-unknown", release ? "wasm-release" : "debug", "orgspace-app.wasm");
const localWasmOpt = join(root, "end2end", "node_modules", ".bin", "wasm-opt");
const wasmOpt = existsSync(localWasmOpt) ? localWasmOpt : "wasm-opt";
// The features rustc enables for wasm32-unknown-unknown.
const FEATURES = ["bulk-memory", "multivalue", "mutable-globals", "nontrapping-float-to-int", "reference-types", "sign-ext"]
  .map((feature) => `--enable-${feature}`);

const run = (command, args) => execFileSync(command, args, { stdio: ["ignore", "ignore", "inherit"] });
const hash16 = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

const htmlPath = join(staging, "index.html");
let html = readFileSync(htmlPath, "utf8");
const trunks = html.match(/\/(orgspace-app-[0-9a-f]+)\.js/)?.[1];
if (!trunks || !existsSync(join(staging, `${trunks}.js`))) {
  console.error(`tools/split-wasm.mjs: no orgspace-app-<hash>.js in ${htmlPath}`);
  process.exit(1);
}
// The main JS and module are named after what makes them — the module cargo
// built and this script — not after Trunk's unsplit files: a browser keeps
// them for a year, so a change here must change their names too.
const stem = `orgspace-app-${hash16(Buffer.concat([readFileSync(built), readFileSync(fileURLToPath(import.meta.url))]))}`;

const work = mkdtempSync(join(tmpdir(), "orgspace-split-"));
try {
  const cut = join(work, "cut");
  const bound = join(work, "bound");
  run("wasm-split-cli", [built, cut, "--out-name", stem]);
  run("wasm-bindgen", ["--target", "web", "--keep-lld-exports", "--no-typescript", "--out-dir", bound, "--out-name", stem, join(cut, `${stem}.wasm`)]);
  const optimized = (from, to) => {
    if (release) run(wasmOpt, ["-Oz", ...FEATURES, from, "-o", to]);
    else copyFileSync(from, to);
    return readFileSync(to);
  };
  for (const file of [`${trunks}.js`, `${trunks}_bg.wasm`]) rmSync(join(staging, file));
  optimized(join(bound, `${stem}_bg.wasm`), join(staging, `${stem}_bg.wasm`));

  let loader = readFileSync(join(cut, "__wasm_split.js"), "utf8");
  const parts = [];
  for (const name of readdirSync(cut).sort()) {
    if (!name.endsWith(".wasm") || name === `${stem}.wasm`) continue;
    const bytes = optimized(join(cut, name), join(work, name));
    const hashed = `${name.slice(0, -".wasm".length)}-${hash16(bytes)}.wasm`;
    writeFileSync(join(staging, hashed), bytes);
    const before = loader;
    loader = loader.replaceAll(`"./${name}"`, `"./${hashed}"`);
    if (loader === before) throw new Error(`__wasm_split.js does not load ./${name}`);
    parts.push(hashed);
  }
  const loaderName = `__wasm_split-${hash16(loader)}.js`;
  writeFileSync(join(staging, loaderName), loader);

  const js = readFileSync(join(bound, `${stem}.js`), "utf8");
  // The `import … from` lines only: the imports object keeps the module name
  // the wasm asks for.
  const linked = js.replaceAll(`from "./__wasm_split.js"`, `from "./${loaderName}"`);
  if (linked === js) throw new Error(`${stem}.js does not import ./__wasm_split.js`);
  writeFileSync(join(staging, `${stem}.js`), linked);

  // The loader is part of every start (the main JS imports it): preloaded
  // beside the main JS. The parts are named for the service worker only.
  const modules = parts.map((name) => `/${name}`).join(" ");
  html = html.replaceAll(`/${trunks}`, `/${stem}`).replace(
    "</head>",
    `<link rel="modulepreload" href="/${loaderName}" crossorigin="anonymous"><meta name="orgspace-modules" content="${modules}"></head>`,
  );
  writeFileSync(htmlPath, html);
  console.log(`split the app's wasm: ${stem}_bg.wasm, ${parts.join(", ")}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
