//! A modal `<dialog>`: the browser traps focus inside and closes it on Escape.

use leptos::prelude::*;

/// A modal dialog shown while `open` is true.
#[component]
pub fn Modal(
    /// Whether the dialog is shown; set to false when the user closes it.
    open: RwSignal<bool>,
    /// Unique id, for the title's id.
    id: &'static str,
    /// The dialog's heading and accessible name.
    #[prop(into)]
    title: Signal<String>,
    /// The content.
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let Some(element) = dialog.get() else { return };
        if open.get() {
            if !element.open() {
                let _ = element.show_modal();
            }
        } else if element.open() {
            element.close();
        }
    });
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <dialog node_ref=dialog id=id class="modal" aria-labelledby=labelled_by on:close=move |_| open.set(false)>
            <div class="modal-head">
                <h2 id=title_id>{move || title.get()}</h2>
                <button type="button" class="icon-button" aria-label="Close" on:click=move |_| open.set(false)>"×"</button>
            </div>
            {children()}
        </dialog>
    }
}
