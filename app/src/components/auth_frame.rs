//! The frame of the pages a person reaches signed out: sign-in, sign-up, the
//! mailed links (verify an address, reset a password).

use leptos::prelude::*;

/// A centred panel with the product's name.
#[component]
pub fn AuthFrame(
    /// Wider, for longer forms.
    #[prop(default = false)]
    wide: bool,
    /// The page.
    children: Children,
) -> impl IntoView {
    let class = if wide {
        "panel auth-form wide-form"
    } else {
        "panel auth-form"
    };
    view! {
        <main class="auth">
            <div class=class>
                <div class="brand-line"><span aria-hidden="true">"◆"</span>" Orgspace"</div>
                {children()}
            </div>
        </main>
    }
}
