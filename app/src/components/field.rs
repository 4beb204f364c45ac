//! A labelled text input with its error shown next to it.

use domain::FieldError;
use leptos::prelude::*;

/// The message for `field` among `errors`, if any.
pub fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// A text input with a label and an inline error.
#[component]
pub fn TextField(
    /// The visible label, which is also the input's accessible name.
    label: String,
    /// The element id (unique on the page).
    id: String,
    /// The request field this input fills, to find its error (`organization.name`).
    field: String,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The form's current field errors.
    errors: RwSignal<Vec<FieldError>>,
    /// The input type.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The `autocomplete` hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Read-only, for people who may not edit.
    #[prop(into, default = Signal::default())]
    readonly: Signal<bool>,
    /// A hint under the field.
    #[prop(optional)]
    hint: Option<String>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = {
        let field = field.clone();
        Memo::new(move |_| errors.with(|errors| error_for(errors, &field)))
    };
    let described_by = {
        let (error_id, hint_id, has_hint) = (error_id.clone(), hint_id.clone(), hint.is_some());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=field
                type=input_type
                autocomplete=autocomplete
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                readonly=move || readonly.get()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// A multi-line text input with a label, a hint and an inline error.
#[component]
pub fn TextAreaField(
    /// The visible label, which is also the text area's accessible name.
    #[prop(into)]
    label: String,
    /// The element id (unique on the page).
    #[prop(into)]
    id: String,
    /// The request field it fills, to find its error.
    field: &'static str,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The form's current field errors.
    errors: RwSignal<Vec<FieldError>>,
    /// Visible lines.
    #[prop(default = 6)]
    rows: u32,
    /// A hint under the field.
    #[prop(optional, into)]
    hint: Option<String>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = Memo::new(move |_| errors.with(|errors| error_for(errors, field)));
    let described_by = hint.is_some().then(|| hint_id.clone());
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id name=field rows=rows spellcheck="false"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-describedby=described_by
                aria-invalid=move || error.get().is_some().then_some("true")></textarea>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// A select with a label and, when it fills a request field, its inline error.
#[component]
pub fn SelectField(
    /// The visible label, which is also the select's accessible name.
    #[prop(into)]
    label: String,
    /// The element id (unique on the page).
    #[prop(into)]
    id: String,
    /// The chosen option's value, two-way.
    value: RwSignal<String>,
    /// The options: (value, label), in order.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The request field it fills and the form's errors, to show its error.
    #[prop(optional)]
    field: Option<(&'static str, RwSignal<Vec<FieldError>>)>,
    /// A hint under the field.
    #[prop(optional, into)]
    hint: Option<String>,
    /// Why it cannot be changed now, if so (disables it; shown on hover).
    #[prop(into, default = Signal::default())]
    denial: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let error = Memo::new(move |_| {
        field.and_then(|(name, errors)| errors.with(|errors| error_for(errors, name)))
    });
    let hint_id = format!("{id}-hint");
    let described_by = hint.is_some().then(|| hint_id.clone());
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
                disabled=move || denial.get().is_some()
                title=move || denial.get()
                aria-describedby=described_by
                aria-invalid=move || error.get().is_some().then_some("true")>
                // Each option knows whether it is chosen: options that arrive
                // after the value (loaded from the server) still show it.
                {move || options.get().into_iter().map(|(option, label)| {
                    let chosen = option.clone();
                    view! { <option value=option selected=move || value.get() == chosen>{label}</option> }
                }).collect_view()}
            </select>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}
