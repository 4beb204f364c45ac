//! The billing address fields, used by sign-up, new organizations and settings.

use super::field::{error_for, TextField};
use domain::catalog::COUNTRIES;
use domain::text::{join, BillingAddress, BillingAddressInput};
use domain::FieldError;
use leptos::prelude::*;

/// The values of the billing fields.
#[derive(Clone, Copy)]
pub struct BillingValues {
    pub name: RwSignal<String>,
    pub street: RwSignal<String>,
    pub city: RwSignal<String>,
    pub postal_code: RwSignal<String>,
    pub country: RwSignal<String>,
}

impl BillingValues {
    pub fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            street: RwSignal::new(String::new()),
            city: RwSignal::new(String::new()),
            postal_code: RwSignal::new(String::new()),
            country: RwSignal::new(String::new()),
        }
    }

    /// Fills the fields from a stored address.
    pub fn fill(&self, address: &BillingAddress) {
        let input = BillingAddressInput::from(address);
        self.name.set(input.name);
        self.street.set(input.street);
        self.city.set(input.city);
        self.postal_code.set(input.postal_code);
        self.country.set(input.country);
    }

    pub fn input(&self) -> BillingAddressInput {
        BillingAddressInput {
            name: self.name.get_untracked(),
            street: self.street.get_untracked(),
            city: self.city.get_untracked(),
            postal_code: self.postal_code.get_untracked(),
            country: self.country.get_untracked(),
        }
    }
}

/// Billing name, street, city, postal code and country.
#[component]
pub fn BillingFields(
    /// Prefix of the request fields (`organization.billing_address`).
    prefix: String,
    /// The values, two-way.
    values: BillingValues,
    /// The form's field errors.
    errors: RwSignal<Vec<FieldError>>,
    /// Read-only, for people who may not edit.
    #[prop(into, default = Signal::default())]
    readonly: Signal<bool>,
) -> impl IntoView {
    let id = |name: &str| format!("{}-{name}", prefix.replace('.', "-"));
    let field = |name: &str| join(&prefix, name);
    let country_field = field("country");
    let country_id = id("country");
    let country_error = {
        let country_field = country_field.clone();
        Memo::new(move |_| errors.with(|e| error_for(e, &country_field)))
    };
    let country_error_id = format!("{country_id}-error");
    let country_error_for_message = country_error_id.clone();
    view! {
        <fieldset class="billing">
            <legend>"Billing address"</legend>
            <TextField label="Billing name".into() id=id("name") field=field("name") value=values.name errors autocomplete="organization" readonly />
            <TextField label="Street".into() id=id("street") field=field("street") value=values.street errors autocomplete="street-address" readonly />
            <div class="row">
                <TextField label="Postal code".into() id=id("postal") field=field("postal_code") value=values.postal_code errors autocomplete="postal-code" readonly />
                <TextField label="City".into() id=id("city") field=field("city") value=values.city errors autocomplete="address-level2" readonly />
            </div>
            <div class="field" class:invalid=move || country_error.get().is_some()>
                <label for=country_id.clone()>"Country"</label>
                <select
                    id=country_id
                    name=country_field
                    autocomplete="country"
                    prop:value=move || values.country.get()
                    on:change=move |ev| values.country.set(event_target_value(&ev))
                    disabled=move || readonly.get()
                    aria-invalid=move || country_error.get().is_some().then_some("true")
                    aria-describedby=move || country_error.get().is_some().then(|| country_error_id.clone())
                >
                    <option value="">"Choose a country"</option>
                    {COUNTRIES
                        .iter()
                        .map(|(code, name)| view! { <option value=*code>{*name}</option> })
                        .collect_view()}
                </select>
                {move || {
                    country_error
                        .get()
                        .map(|message| {
                            view! { <p class="field-error" id=country_error_for_message.clone()>{message}</p> }
                        })
                }}
            </div>
        </fieldset>
    }
}
