//! `/a/{id}/billing`: status and credit, adding funds, the plan with its seats,
//! and the billing address. What the member may do is decided by `domain`.

use super::account_layout::use_current_account;
use crate::api;
use crate::components::billing_fields::{BillingFields, BillingValues};
use crate::components::field::error_for;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{BillingView, UpdateAccountRequest};
use domain::billing::{format_cents, parse_amount};
use domain::roles::{decide, AccountStatus};
use domain::rules::{check_plan_change, seats_label};
use domain::{AccountKind, FieldError, Permission, Plan};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Money as shown: `€25.00`.
pub fn money(cents: i64) -> String {
    format!("€{}", format_cents(cents))
}

/// A fresh idempotency key for one payment attempt.
fn new_payment_key() -> String {
    let part = || (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("pay-{:x}{:x}", part(), part())
}

/// The billing page.
#[component]
pub fn BillingPage() -> impl IntoView {
    crate::browser::set_title("Billing");
    let account = use_current_account();
    let session = use_session();
    let toasts = use_toasts();
    let billing = RwSignal::new(None::<Result<BillingView, api::ApiError>>);
    let amount = RwSignal::new(String::new());
    let amount_errors = RwSignal::new(Vec::<FieldError>::new());
    // Kept across retries of one payment, renewed after it went through.
    let payment_key = RwSignal::new(new_payment_key());
    let paying = RwSignal::new(false);
    let address = BillingValues::new();
    let address_errors = RwSignal::new(Vec::<FieldError>::new());

    let denial = Memo::new(move |_| {
        account
            .get()
            .and_then(|a| decide(a.kind, a.role, Permission::ManageBilling).err())
            .map(|d| d.message)
    });
    let load = move || {
        let Some(id) = account.get_untracked().map(|a| a.id) else {
            return;
        };
        spawn_local(async move {
            let answer = api::billing(id).await;
            if let Ok(view) = &answer {
                if let Some(a) = &view.billing_address {
                    address.fill(a);
                }
            }
            billing.set(Some(answer));
        });
    };
    Effect::new(move |_| {
        if account.get().is_some() && denial.get().is_none() {
            load();
        }
    });

    let pay = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(a) = account.get_untracked() else {
            return;
        };
        let cents = match parse_amount(&amount.get_untracked()) {
            Ok(cents) => cents,
            Err(error) => {
                amount_errors.set(vec![error]);
                return;
            }
        };
        amount_errors.set(Vec::new());
        paying.set(true);
        spawn_local(async move {
            match api::add_funds(a.id, cents, &payment_key.get_untracked()).await {
                Ok(view) => {
                    payment_key.set(new_payment_key());
                    amount.set(String::new());
                    let now_active =
                        view.status == AccountStatus::Active && a.status != AccountStatus::Active;
                    billing.set(Some(Ok(view)));
                    session.reload().await;
                    toasts.show(if now_active {
                        format!("Added {}. {} is active again.", money(cents), a.name)
                    } else {
                        format!("Added {}.", money(cents))
                    });
                }
                Err(error) if !error.field_errors().is_empty() => {
                    amount_errors.set(error.field_errors())
                }
                Err(error) => toasts.show(error.message()),
            }
            paying.set(false);
        });
    };

    let switch_plan = move |plan: Plan| {
        let Some(a) = account.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::change_plan(a.id, plan).await {
                Ok(_) => {
                    toasts.show(format!("{} is now on the {} plan.", a.name, plan.label()));
                    session.reload().await;
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };

    let save_address = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(a) = account.get_untracked() else {
            return;
        };
        let request = UpdateAccountRequest {
            name: None,
            billing_address: Some(address.input()),
            region: None,
        };
        if let Err(found) = request.validate() {
            address_errors.set(found);
            return;
        }
        address_errors.set(Vec::new());
        spawn_local(async move {
            match api::update_account(a.id, &request).await {
                Ok(_) => {
                    toasts.show("Saved the billing address.".to_owned());
                    session.reload().await;
                }
                Err(error) if !error.field_errors().is_empty() => {
                    address_errors.set(error.field_errors())
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };

    view! {
        <div class="page-head"><div>
            <h1>"Billing"</h1>
            <p class="muted">"Credit, plan and billing address of this account. Funds stay in the account they are added to."</p>
        </div></div>
        {move || denial.get().map(|reason| view! {
            <div class="panel"><p class="alert info" role="status">{reason}</p></div>
        })}
        <Show when=move || denial.get().is_none()>
            {move || match billing.get() {
                None => view! { <div class="skeleton block" aria-busy="true"></div> }.into_any(),
                Some(Err(api::ApiError::Offline)) => view! { <super::instances_page::OfflineState /> }.into_any(),
                Some(Err(error)) => view! { <p class="alert error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(view)) => {
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
                        <form class="panel create-form" aria-labelledby="add-funds-title" on:submit=pay novalidate>
                            <h2 id="add-funds-title">"Add funds"</h2>
                            <div class="form-row">
                                <div class="field" class:invalid=move || error_for(&amount_errors.get(), "amount_cents").is_some()>
                                    <label for="funds-amount">"Amount (EUR)"</label>
                                    <input id="funds-amount" type="text" inputmode="decimal" autocomplete="off" placeholder="25.00"
                                        aria-describedby="funds-amount-hint funds-amount-error"
                                        aria-invalid=move || error_for(&amount_errors.get(), "amount_cents").is_some().then_some("true")
                                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                                    <p class="hint" id="funds-amount-hint">"From €0.01 to €100,000.00 per payment. The built-in payment provider takes it at once."</p>
                                    <p class="field-error" id="funds-amount-error">{move || error_for(&amount_errors.get(), "amount_cents")}</p>
                                </div>
                            </div>
                            <div class="actions">
                                <button type="submit" class="button primary" disabled=move || paying.get()>"Add funds"</button>
                            </div>
                        </form>
                        <Show when=move || account.get().is_some_and(|a| a.kind == AccountKind::Organization)>
                            <section class="panel" aria-labelledby="plans-title">
                                <h2 id="plans-title">"Plan"</h2>
                                <p class="muted">{format!("Members and pending invitations hold seats: {}.", seats_label(view.plan, used))}</p>
                                <ul class="plan-cards">
                                    {Plan::ALL.into_iter().map(|plan| {
                                        let current = plan == view.plan;
                                        let refusal = check_plan_change(plan, view.members, view.pending_invitations).err().map(|d| d.message);
                                        let seats = match plan.max_members() {
                                            Some(1) => "1 member".to_owned(),
                                            Some(n) => format!("Up to {n} members"),
                                            None => "Unlimited members".to_owned(),
                                        };
                                        let fits = refusal.is_none();
                                        let title_id = format!("plan-{}", plan.id());
                                        let labelled_by = title_id.clone();
                                        view! {
                                            <li class="plan-card" class:current=current aria-labelledby=labelled_by>
                                                <h3 id=title_id>{plan.label()}</h3>
                                                <p>{seats}</p>
                                                {if current {
                                                    view! { <p class="badge ok">"Current plan"</p> }.into_any()
                                                } else {
                                                    view! {
                                                        <button type="button" class="button secondary" disabled=!fits
                                                            on:click=move |_| switch_plan(plan)>{format!("Switch to {}", plan.label())}</button>
                                                        {refusal.map(|reason| view! { <p class="hint">{reason}</p> })}
                                                    }.into_any()
                                                }}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        </Show>
                    }.into_any()
                }
            }}
            <form class="panel form" aria-label="Billing address" on:submit=save_address novalidate>
                <BillingFields prefix="billing_address".into() values=address errors=address_errors readonly=Signal::derive(|| false) />
                <div class="actions">
                    <button type="submit" class="button primary">"Save billing address"</button>
                </div>
            </form>
        </Show>
    }
}
