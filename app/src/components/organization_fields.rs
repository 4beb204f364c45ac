//! The fields of a new organization: name, region and billing address.

use super::billing_fields::{BillingFields, BillingValues};
use super::field::{error_for, TextField};
use crate::browser::time_zone;
use domain::api::NewOrganizationRequest;
use domain::text::join;
use domain::{FieldError, Region};
use leptos::prelude::*;

/// The values of a new organization's fields.
#[derive(Clone, Copy)]
pub struct OrganizationValues {
    pub name: RwSignal<String>,
    pub region: RwSignal<String>,
    pub billing: BillingValues,
}

impl OrganizationValues {
    /// Empty fields, with the region closest to the browser's time zone chosen.
    pub fn new() -> Self {
        let suggested = time_zone().and_then(|zone| Region::suggest_for_time_zone(&zone));
        Self {
            name: RwSignal::new(String::new()),
            region: RwSignal::new(suggested.map(|r| r.id().to_owned()).unwrap_or_default()),
            billing: BillingValues::new(),
        }
    }

    pub fn request(&self) -> NewOrganizationRequest {
        NewOrganizationRequest {
            name: self.name.get_untracked(),
            region: self.region.get_untracked(),
            billing_address: self.billing.input(),
        }
    }
}

/// Organization name, region (with the time-zone suggestion and the note that it
/// cannot change) and billing address.
#[component]
pub fn OrganizationFields(
    /// Prefix of the request fields (`organization` in sign-up, empty otherwise).
    prefix: String,
    /// The values, two-way.
    values: OrganizationValues,
    /// The form's field errors.
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let id_base = if prefix.is_empty() {
        "org".to_owned()
    } else {
        prefix.replace('.', "-")
    };
    let suggested = time_zone().and_then(|zone| Region::suggest_for_time_zone(&zone));
    let region_field = join(&prefix, "region");
    let region_error = {
        let region_field = region_field.clone();
        Memo::new(move |_| errors.with(|e| error_for(e, &region_field)))
    };
    let region_id = format!("{id_base}-region");
    let region_hint_id = format!("{region_id}-hint");
    let region_error_id = format!("{region_id}-error");
    let described_by = {
        let (hint, error) = (region_hint_id.clone(), region_error_id.clone());
        move || match region_error.get() {
            Some(_) => format!("{hint} {error}"),
            None => hint.clone(),
        }
    };
    view! {
        <TextField
            label="Organization name".into()
            id=format!("{id_base}-name")
            field=join(&prefix, "name")
            value=values.name
            errors
            autocomplete="organization"
        />
        <div class="field" class:invalid=move || region_error.get().is_some()>
            <label for=region_id.clone()>"Region"</label>
            <select
                id=region_id
                name=region_field
                prop:value=move || values.region.get()
                on:change=move |ev| values.region.set(event_target_value(&ev))
                aria-describedby=described_by
                aria-invalid=move || region_error.get().is_some().then_some("true")
            >
                <option value="">"Choose a region"</option>
                {Region::ALL
                    .into_iter()
                    .map(|region| view! { <option value=region.id()>{region.label()}</option> })
                    .collect_view()}
            </select>
            <p class="hint" id=region_hint_id>
                "Where your organization's data is stored and processed — the data center, not where your team works. "
                <strong>"It cannot be changed later."</strong>
                {suggested.map(|region| format!(" Suggested from your time zone: {}.", region.label()))}
            </p>
            {move || region_error.get().map(|message| view! { <p class="field-error" id=region_error_id.clone()>{message}</p> })}
        </div>
        <BillingFields prefix=join(&prefix, "billing_address") values=values.billing errors />
    }
}
