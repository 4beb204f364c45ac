//! A question before an action: what will happen, "Cancel", and the action.

use leptos::prelude::*;

/// A panel asking to confirm an action. Shown in place (not a modal), next to
/// what it acts on; the heading names the panel for assistive technology.
#[component]
pub fn ConfirmPanel(
    /// The heading's element id (unique on the page).
    id: &'static str,
    /// The question, as the heading ("Remove Tess Tech?").
    #[prop(into)]
    title: String,
    /// The action button's text ("Remove member").
    #[prop(into)]
    action: String,
    /// A destructive action: danger colours.
    #[prop(default = false)]
    danger: bool,
    /// Called on "Cancel".
    on_cancel: Callback<()>,
    /// Called on the action.
    on_confirm: Callback<()>,
    /// What will happen.
    children: Children,
) -> impl IntoView {
    let (panel, button) = if danger {
        ("panel preview danger-zone", "button danger")
    } else {
        ("panel preview", "button primary")
    };
    view! {
        <section class=panel aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {children()}
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="button" class=button on:click=move |_| on_confirm.run(())>{action}</button>
            </div>
        </section>
    }
}
