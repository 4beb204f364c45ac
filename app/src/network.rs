//! Whether the browser is online, and the service worker that keeps the app
//! shell, the wasm, the CSS and the catalogues for offline use (`public/sw.js`).

use crate::session::{use_session, SessionState};
use leptos::prelude::*;

/// The network context; cheap to copy.
#[derive(Clone, Copy)]
pub struct Network {
    /// The browser's `navigator.onLine`, kept current by its events.
    pub online: RwSignal<bool>,
}

/// Tracks the network and, when it comes back, asks the server again for the
/// session if it could not be reached before. Pages that load data read
/// `online` so they reload too.
pub fn provide_network() -> Network {
    let online = RwSignal::new(
        web_sys::window()
            .map(|w| w.navigator().on_line())
            .unwrap_or(true),
    );
    let network = Network { online };
    provide_context(network);
    let on = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    // The listeners live as long as the app.
    std::mem::forget(on);
    std::mem::forget(off);
    let session = use_session();
    Effect::new(move |was_online: Option<bool>| {
        let now_online = online.get();
        if now_online
            && was_online == Some(false)
            && matches!(session.state.get_untracked(), SessionState::Failed(_))
        {
            session.refresh();
        }
        now_online
    });
    register_service_worker();
    network
}

pub fn use_network() -> Network {
    expect_context::<Network>()
}

/// Registers `/sw.js`; without service-worker support the app simply needs the network.
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let promise = container.register("/sw.js");
    leptos::task::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
            leptos::logging::warn!("service worker not registered: {error:?}");
        }
    });
}

/// A bar shown while offline.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let network = use_network();
    view! {
        <Show when=move || !network.online.get()>
            <p class="alert warning banner offline-banner" role="status">
                <strong>"You are offline. "</strong>
                "Pages that need the server will load when the connection returns; the "
                <a href="/roles">"role preview"</a>
                " works offline."
            </p>
        </Show>
    }
}
