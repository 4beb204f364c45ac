//! The first reads of the page the app opens at (issue 18, `domain::api::reads`).
//! The server's `Link` header had the browser preload them while the wasm
//! downloaded; asking for them here, as the app starts, is what takes those
//! preloads — and takes them at once, because a preload nobody asked for would
//! otherwise answer a later request for the same URL with what it held then (a
//! `401` from before signing in, say). The answers wait here for the page; each
//! is used once, and all are dropped when the app leaves the page it opened at or
//! asks again who is signed in.

use js_sys::Promise;
use std::cell::RefCell;

thread_local! {
    static ANSWERS: RefCell<Vec<(String, Promise)>> = const { RefCell::new(Vec::new()) };
}

/// Asks for the reads of the page the browser opened, but `/api/me`, which the
/// session asks for first thing anyway.
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let started = domain::api::reads::on_open(&path)
        .into_iter()
        .filter(|url| url != domain::api::reads::ME)
        .map(|url| {
            // A plain `fetch`: same mode and credentials as the preload and as
            // gloo-net's requests.
            let answer = window.fetch_with_str(&url);
            (url, answer)
        });
    ANSWERS.with_borrow_mut(|answers| answers.extend(started));
}

/// The answer to `url` started as the app opened, if it is still there.
pub fn take(url: &str) -> Option<Promise> {
    ANSWERS.with_borrow_mut(|answers| {
        let at = answers.iter().position(|(started, _)| started == url)?;
        Some(answers.swap_remove(at).1)
    })
}

/// Drops every answer not yet taken.
pub fn forget() {
    ANSWERS.with_borrow_mut(Vec::clear);
}
