//! Small facts read from the browser.

/// The browser's IANA time zone (`Europe/Zurich`), if it tells.
pub fn time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = format.resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
}

/// Sets the document title.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} · Orgspace"));
    }
}

/// The browser's clock.
pub fn now() -> domain::Timestamp {
    domain::Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// Copies `text` to the clipboard; false where the browser offers no clipboard.
pub async fn copy(text: &str) -> bool {
    let navigator = web_sys::window().map(|w| w.navigator());
    let Some(navigator) = navigator else {
        return false;
    };
    if !js_sys::Reflect::has(&navigator, &"clipboard".into()).unwrap_or(false) {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

/// Asks the browser's own confirmation question; false if it cannot ask.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// Leaves the app for `url` (an identity provider's sign-in page).
pub fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// Opens `url` in a new tab.
pub fn open_tab(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.open_with_url_and_target(url, "_blank");
    }
}

/// This page's origin (`https://console.example.com`).
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
