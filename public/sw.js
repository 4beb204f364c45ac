// Orgspace's service worker: keeps the app shell (index.html), the wasm, JS and
// CSS it references, and the catalogues, so that with the network gone the app
// still starts and the role preview works. Data requests (/api/… other than the
// catalogues) always go to the network; pages show an offline state when it fails.
"use strict";

const CACHE = "orgspace-shell-v1";
// Paths the server answers itself; everything else is the app (index.html).
const SERVER_PATHS = /^\/(api\/|healthz$|readyz$|metrics$|sw\.js$)/;
const CATALOGUES = ["/api/roles", "/api/regions", "/api/plans"];

// The same-origin files an index.html references (Trunk's hashed assets), never
// a path the server answers itself: a user's data is never kept in the cache.
function assetsOf(html) {
  const urls = new Set(["/index.html"]);
  for (const match of html.matchAll(/(?:href|src)="(\/[^"#?]+)"/g)) {
    if (!SERVER_PATHS.test(match[1])) urls.add(match[1]);
  }
  return [...urls];
}

// The parts of the wasm pages load on demand (tools/split-wasm.mjs), which
// index.html names in a meta tag: kept once a page has loaded one, never
// fetched ahead (a first visit downloads its own page's parts only).
function partsOf(html) {
  const names = html.match(/<meta name="orgspace-modules" content="([^"]*)"/)?.[1] ?? "";
  return names.split(" ").filter((path) => path.startsWith("/"));
}
const PART = /^\/(split|chunk)_[^/]+\.wasm$/;

// Caches a fresh index.html and everything it references; drops the files of
// older builds, so the cache holds one build.
async function cacheShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put("/index.html", response);
  const keep = new Set([...assetsOf(html), ...partsOf(html), ...CATALOGUES].map((path) => new URL(path, self.location.origin).href));
  await Promise.all(
    assetsOf(html)
      .filter((path) => path !== "/index.html")
      .map(async (path) => {
        if (!(await cache.match(path))) await cache.add(path);
      }),
  );
  for (const request of await cache.keys()) {
    if (!keep.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch("/index.html", { cache: "no-store" });
      if (response.ok) await cacheShell(response);
      const cache = await caches.open(CACHE);
      await Promise.all(CATALOGUES.map((path) => cache.add(path).catch(() => undefined)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

// Network first, the cache when the network fails. A good answer refreshes the
// cache after it is returned (`waitUntil`), so the page never waits for the cache.
async function networkFirst(event, cacheKey, onFresh) {
  try {
    const response = await fetch(event.request);
    if (response.ok) event.waitUntil(onFresh(response.clone()).catch(() => undefined));
    return response;
  } catch (error) {
    const cached = await caches.match(cacheKey);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (CATALOGUES.includes(url.pathname)) {
    event.respondWith(
      networkFirst(event, url.pathname, async (fresh) => (await caches.open(CACHE)).put(url.pathname, fresh)),
    );
  } else if (SERVER_PATHS.test(url.pathname)) {
    // Data and operations: always the network.
  } else if (request.mode === "navigate") {
    event.respondWith(
      networkFirst(event, "/index.html", async (fresh) => {
        if ((fresh.headers.get("content-type") ?? "").startsWith("text/html")) await cacheShell(fresh);
      }),
    );
  } else {
    // Hashed build files never change: the cache first; a part of the wasm
    // is kept once fetched.
    event.respondWith(
      (async () => {
        const cached = await caches.match(request);
        if (cached) return cached;
        const response = await fetch(request);
        if (response.ok && PART.test(url.pathname)) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => undefined));
        }
        return response;
      })(),
    );
  }
});
