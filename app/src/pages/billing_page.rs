//! `/a/{id}/billing`: status and credit, adding funds, the plan with its seats,
//! and the billing address. What the member may do is decided by `domain`.

use crate::api;
use crate::components::billing_fields::{BillingFields, BillingValues};
use crate::components::field::error_for;
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::{DeniedNotice, PageHead};
use crate::current_account::{use_current_account, use_denial};
use crate::format::money;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{AccountView, BillingView, UpdateAccountRequest};
use domain::billing::parse_amount;
use domain::roles::AccountStatus;
use domain::rules::{check_plan_change, seats_label};
use domain::{AccountKind, FieldError, Permission, Plan};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A fresh idempotency key for one payment attempt.
fn new_payment_key() -> String {
    let part = || (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("pay-{:x}{:x}", part(), part())
}

/// "1 member", "Up to 6 members", "Unlimited members".
fn plan_seats(plan: Plan) -> String {
    match plan.max_members() {
        Some(1) => "1 member".to_owned(),
        Some(n) => format!("Up to {n} members"),
        None => "Unlimited members".to_owned(),
    }
}

/// The billing page.
#[component]
pub fn BillingPage() -> impl IntoView {
    let account = use_current_account();
    let denial = use_denial(Permission::ManageBilling);
    view! {
        <PageHead title="Billing" intro="Credit, plan and billing address of this account. Funds stay in the account they are added to." />
        <DeniedNotice reason=denial />
        {move || match (account.get(), denial.get()) {
            (Some(account), None) => view! { <Billing account /> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// Billing for a member who may see it.
#[component]
fn Billing(
    /// The account.
    account: AccountView,
) -> impl IntoView {
    let id = account.id;
    let billing = load(move || api::billing(id));
    let organization = account.kind == AccountKind::Organization;
    let account = StoredValue::new(account);
    let changed = Callback::new(move |_| billing.refetch());
    view! {
        <Loaded resource=billing let:view>
            <BillingSummary view=view.clone() />
            <AddFundsForm account=account.get_value() on_paid=changed />
            {organization.then(|| view! { <PlanCards account=account.get_value() view=view.clone() on_changed=changed /> })}
        </Loaded>
        <BillingAddressForm account=account.get_value() />
    }
}

/// Status, credit, plan and seats.
#[component]
fn BillingSummary(
    /// The billing facts.
    view: BillingView,
) -> impl IntoView {
    let active = view.status == AccountStatus::Active;
    let used = view.members + view.pending_invitations;
    view! {
        <section class="panel billing-summary" aria-labelledby="billing-status-title">
            <h2 id="billing-status-title">"Status"</h2>
            <dl class="facts">
                <div><dt>"Status"</dt><dd>
                    <span class=if active { "badge ok" } else { "badge warn" }>{if active { "Active" } else { "Suspended" }}</span>
                </dd></div>
                <div><dt>"Credit"</dt><dd class="credit">{money(view.credit_cents)}</dd></div>
                <div><dt>"Plan"</dt><dd>{view.plan.label()}</dd></div>
                <div><dt>"Seats"</dt><dd>{seats_label(view.plan, used)}</dd></div>
            </dl>
            <p class="hint">{if active {
                "Resources can be created while the credit is above zero."
            } else {
                "Add funds to create resources: an account with credit above zero is active."
            }}</p>
        </section>
    }
}

/// Adding funds through the payment provider; a retried payment charges once.
#[component]
fn AddFundsForm(
    /// The account.
    account: AccountView,
    /// Called after a payment went through.
    on_paid: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let amount = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // Kept across retries of one payment, renewed after it went through.
    let payment_key = RwSignal::new(new_payment_key());
    let paying = RwSignal::new(false);
    let account = StoredValue::new(account);
    let pay = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cents = match parse_amount(&amount.get_untracked()) {
            Ok(cents) => cents,
            Err(error) => return errors.set(vec![error]),
        };
        errors.set(Vec::new());
        paying.set(true);
        let a = account.get_value();
        spawn_local(async move {
            match api::add_funds(a.id, cents, &payment_key.get_untracked()).await {
                Ok(view) => {
                    payment_key.set(new_payment_key());
                    amount.set(String::new());
                    let now_active =
                        view.status == AccountStatus::Active && a.status != AccountStatus::Active;
                    session.reload().await;
                    on_paid.run(());
                    toasts.show(if now_active {
                        format!("Added {}. {} is active again.", money(cents), a.name)
                    } else {
                        format!("Added {}.", money(cents))
                    });
                }
                Err(error) if !error.field_errors().is_empty() => errors.set(error.field_errors()),
                Err(error) => toasts.show(error.message()),
            }
            paying.set(false);
        });
    };
    let error = move || error_for(&errors.get(), "amount_cents");
    view! {
        <form class="panel create-form" aria-labelledby="add-funds-title" on:submit=pay novalidate>
            <h2 id="add-funds-title">"Add funds"</h2>
            <div class="form-row">
                <div class="field" class:invalid=move || error().is_some()>
                    <label for="funds-amount">"Amount (EUR)"</label>
                    <input id="funds-amount" type="text" inputmode="decimal" autocomplete="off" placeholder="25.00"
                        aria-describedby="funds-amount-hint funds-amount-error"
                        aria-invalid=move || error().is_some().then_some("true")
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                    <p class="hint" id="funds-amount-hint">"From €0.01 to €100,000.00 per payment. The built-in payment provider takes it at once."</p>
                    <p class="field-error" id="funds-amount-error">{error}</p>
                </div>
            </div>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || paying.get()>"Add funds"</button>
            </div>
        </form>
    }
}

/// The plans, each with its seats and whether the organization fits in it.
#[component]
fn PlanCards(
    /// The organization.
    account: AccountView,
    /// Its billing facts (plan and seats in use).
    view: BillingView,
    /// Called after the plan changed.
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let account = StoredValue::new(account);
    let switch_plan = move |plan: Plan| {
        let a = account.get_value();
        spawn_local(async move {
            match api::change_plan(a.id, plan).await {
                Ok(_) => {
                    toasts.show(format!("{} is now on the {} plan.", a.name, plan.label()));
                    session.reload().await;
                    on_changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let used = view.members + view.pending_invitations;
    let card = move |plan: Plan| {
        let current = plan == view.plan;
        let refusal = check_plan_change(plan, view.members, view.pending_invitations)
            .err()
            .map(|d| d.message);
        let title_id = format!("plan-{}", plan.id());
        let labelled_by = title_id.clone();
        view! {
            <li class="plan-card" class:current=current aria-labelledby=labelled_by>
                <h3 id=title_id>{plan.label()}</h3>
                <p>{plan_seats(plan)}</p>
                {if current {
                    view! { <p class="badge ok">"Current plan"</p> }.into_any()
                } else {
                    view! {
                        <button type="button" class="button secondary" disabled=refusal.is_some()
                            on:click=move |_| switch_plan(plan)>{format!("Switch to {}", plan.label())}</button>
                        {refusal.map(|reason| view! { <p class="hint">{reason}</p> })}
                    }.into_any()
                }}
            </li>
        }
    };
    view! {
        <section class="panel" aria-labelledby="plans-title">
            <h2 id="plans-title">"Plan"</h2>
            <p class="muted">{format!("Members and pending invitations hold seats: {}.", seats_label(view.plan, used))}</p>
            <ul class="plan-cards">{Plan::ALL.into_iter().map(card).collect_view()}</ul>
        </section>
    }
}

/// The billing address, filled from the account.
#[component]
fn BillingAddressForm(
    /// The account.
    account: AccountView,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let address = BillingValues::new();
    if let Some(stored) = &account.billing_address {
        address.fill(stored);
    }
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let id = account.id;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = UpdateAccountRequest {
            name: None,
            billing_address: Some(address.input()),
            region: None,
            require_two_factor: None,
        };
        if let Err(found) = request.validate() {
            return errors.set(found);
        }
        errors.set(Vec::new());
        spawn_local(async move {
            match api::update_account(id, &request).await {
                Ok(_) => {
                    toasts.show("Saved the billing address.".to_owned());
                    session.reload().await;
                }
                Err(error) if !error.field_errors().is_empty() => errors.set(error.field_errors()),
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <form class="panel form" aria-label="Billing address" on:submit=save novalidate>
            <BillingFields prefix="billing_address".into() values=address errors readonly=Signal::derive(|| false) />
            <div class="actions">
                <button type="submit" class="button primary">"Save billing address"</button>
            </div>
        </form>
    }
}
