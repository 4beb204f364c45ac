//! The head of a page: its one `h1`, a line saying what the page is for, and
//! the page's main actions; and the notice shown instead of a page's content
//! when the member may not use it.

use leptos::prelude::*;

/// The page's heading (also the document title) with an intro and actions.
#[component]
pub fn PageHead(
    /// The page's name.
    #[prop(into)]
    title: String,
    /// What the page is for.
    #[prop(into)]
    intro: Signal<String>,
    /// The page's main actions, at the right.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    crate::browser::set_title(&title);
    view! {
        <div class="page-head">
            <div>
                <h1>{title}</h1>
                <p class="muted">{move || intro.get()}</p>
            </div>
            {children.map(|actions| view! { <div class="actions">{actions()}</div> })}
        </div>
    }
}

/// Why the member may not use this page (from `domain`), if so.
#[component]
pub fn DeniedNotice(
    /// The reason, or `None` when allowed.
    #[prop(into)]
    reason: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        reason.get().map(|reason| {
            view! { <div class="panel"><p class="alert info" role="status">{reason}</p></div> }
        })
    }
}
