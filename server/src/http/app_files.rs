//! The built app's files (`dist/`), as a browser should get them on its first
//! visit and every one after (SPEC §18): the brotli or gzip variant
//! `tools/precompress.mjs` wrote at build time when the browser accepts it,
//! Trunk's content-hashed files cached for a year without asking again, and
//! everything else (`index.html`, `sw.js`, any path the app routes) revalidated
//! on each use, so a new build is seen at once. The app's HTML comes with a
//! `Link` header naming the API reads of its route (`domain::api::reads`), so
//! the browser fetches them while the app downloads instead of after it started.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::MethodRouter;
use domain::api::reads;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// For a file whose name changes with its content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For a file that keeps its name across builds: stored, but checked first.
const REVALIDATE: &str = "no-cache";

/// The service for every path the API and operations routes do not take:
/// the file under `dir` if there is one, else `index.html` (the app routes).
pub fn service(dir: &Path) -> MethodRouter {
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    axum::routing::get_service(files).layer(middleware::from_fn(cache_control))
}

/// Sets how long the answer may be reused: a year for a hashed file, never
/// without asking for anything else; and, on the app's HTML, what the page
/// fetches first.
async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let hashed = is_content_hashed(&path);
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        let html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|kind| kind.as_bytes().starts_with(b"text/html"));
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        // A cache keeps the brotli and the plain answer apart.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if html {
            if let Ok(link) = HeaderValue::from_str(&page_preloads(&path)) {
                headers.insert(header::LINK, link);
            }
        }
    }
    response
}

/// The `Link` header of the app's HTML at `path`: the API reads the page makes
/// as it opens, fetched as the app fetches them (same origin, with the session
/// cookie: `crossorigin=anonymous` is a `fetch` in `same-origin` credentials
/// mode, which is gloo-net's), so a preload is what the app's request gets
/// (the app takes them as it starts: `app/src/opening.rs`).
/// The shell files need no header: Chromium starts a header's preloads when the
/// document commits, as it does index.html's own (measured, issue 18 note).
pub fn page_preloads(path: &str) -> String {
    reads::on_open(path)
        .into_iter()
        .map(|url| format!("<{url}>; rel=preload; as=fetch; crossorigin=anonymous"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the last segment of `path` carries Trunk's content hash: a part of
/// exactly 16 lowercase hex digits between `-`, `_` or `.`
/// (`orgspace-app-0123456789abcdef_bg.wasm`, `main-0123456789abcdef.css`).
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _extension)) = name.rsplit_once('.') else {
        return false;
    };
    stem.split(['-', '_', '.']).any(|part| {
        part.len() == 16
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_preloads_the_routes_reads_as_the_app_fetches_them() {
        assert_eq!(
            page_preloads("/login"),
            "</api/me>; rel=preload; as=fetch; crossorigin=anonymous"
        );
        let account = "0190f3a4-1b2c-7d3e-8f40-5a6b7c8d9e0f";
        assert_eq!(
            page_preloads(&format!("/a/{account}/billing")),
            format!(
                "</api/me>; rel=preload; as=fetch; crossorigin=anonymous, \
                 </api/accounts/{account}/billing>; rel=preload; as=fetch; crossorigin=anonymous"
            )
        );
    }

    #[test]
    fn trunks_hashed_names_are_told_from_names_that_stay() {
        for hashed in [
            "/orgspace-app-0123456789abcdef_bg.wasm",
            "/orgspace-app-0123456789abcdef.js",
            "/main-fedcba9876543210.css",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for stays in [
            "/",
            "/index.html",
            "/sw.js",
            "/favicon.svg",
            "/manifest.webmanifest",
            "/a/0123456789abcdef0123/members",
            "/orgspace-app-0123456789ABCDEF.js",
            "/orgspace-app-0123456789abcde.js",
            "/0123456789abcdef",
        ] {
            assert!(!is_content_hashed(stays), "{stays}");
        }
    }
}
