//! Toasts: short notes that an action completed, read out by screen readers.

use leptos::prelude::*;

/// The toast context.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<(u64, String)>>,
    next: StoredValue<u64>,
}

pub fn provide_toasts() -> Toasts {
    let toasts = Toasts {
        items: RwSignal::new(Vec::new()),
        next: StoredValue::new(0),
    };
    provide_context(toasts);
    toasts
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

impl Toasts {
    /// Shows `message` for a few seconds.
    pub fn show(self, message: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|items| items.push((id, message.into())));
        set_timeout(
            move || self.items.update(|items| items.retain(|(i, _)| *i != id)),
            std::time::Duration::from_secs(6),
        );
    }
}

/// Where toasts appear (once, at the root).
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            {move || {
                toasts
                    .items
                    .get()
                    .into_iter()
                    .map(|(_, message)| view! { <p class="toast">{message}</p> })
                    .collect_view()
            }}
        </div>
    }
}
