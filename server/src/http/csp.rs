//! The Content-Security-Policy of the built app.

use axum::http::HeaderValue;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The Content-Security-Policy for the app built in `app_dir`: scripts only from
/// this server plus the inline module Trunk writes into `index.html` to start the
/// app (allowed by its SHA-256, so no `unsafe-inline`), WebAssembly compilation
/// (`wasm-unsafe-eval`, which allows no JavaScript `eval`), styles, images, the
/// manifest, the service worker and API calls from this server only; no frames,
/// plugins, foreign forms or `<base>`.
pub fn content_security_policy(app_dir: &std::path::Path) -> HeaderValue {
    let index = std::fs::read_to_string(app_dir.join("index.html")).unwrap_or_default();
    let hashes: String = inline_scripts(&index)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(" 'sha256-{}'", STANDARD.encode(digest))
        })
        .collect();
    let policy = format!(
        "default-src 'self'; script-src 'self'{hashes} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
         worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// The text of each `<script>` element without a `src` in `html`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_those_without_src() {
        let html = r#"<head><script type="module">import init from '/a.js';
await init();</script><script src="/b.js"></script><script>x()</script></head>"#;
        let scripts: Vec<_> = inline_scripts(html).collect();
        assert_eq!(scripts, ["import init from '/a.js';\nawait init();", "x()"]);
    }

    #[test]
    fn the_policy_allows_the_inline_start_script_by_hash_and_nothing_inline_else() {
        let dir = std::env::temp_dir().join(format!("orgspace-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            "<script type=\"module\">start()</script>",
        )
        .unwrap();
        let policy = content_security_policy(&dir);
        let policy = policy.to_str().unwrap();
        let expected = STANDARD.encode(Sha256::digest(b"start()"));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
