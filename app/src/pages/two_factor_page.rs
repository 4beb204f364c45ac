//! `/a/{personal}/two-factor`: the user's second factors (SPEC §15) — an
//! authenticator app (QR code drawn here, no outside service), recovery codes
//! shown once and downloadable, passkeys, and turning it all off.

use crate::api;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::PageHead;
use crate::format::short_time;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{ConfirmTotpRequest, NewPasskeyRequest, PasskeyView, PasswordConfirmation};
use domain::two_factor::{parse_passkey_name, recovery_codes_file, TwoFactor};
use leptos::prelude::*;
use leptos::task::spawn_local;
use qrcodegen::{QrCode, QrCodeEcc};

/// A base32 secret in groups of four, as people type it into an app.
pub fn secret_groups(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    groups.join(" ")
}

/// A `data:` address that downloads the recovery codes as a text file.
pub fn recovery_file_href(email: &str, codes: &[String]) -> String {
    let text = recovery_codes_file(email, codes);
    let mut href = String::from("data:text/plain;charset=utf-8,");
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                href.push(char::from(byte))
            }
            _ => href.push_str(&format!("%{byte:02X}")),
        }
    }
    href
}

/// An `otpauth://` address as an SVG QR code (Nayuki's `qrcodegen` makes the
/// modules; each dark one is a unit square of one path, with the standard
/// four-module quiet zone).
fn qr_svg(uri: &str) -> Option<String> {
    let code = QrCode::encode_text(uri, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let side = size + 8;
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#ffffff\"/><path d=\"{path}\" fill=\"#000000\"/></svg>"
    ))
}

/// The page.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let session = use_session();
    // Codes just made, shown once above everything else.
    let fresh_codes = RwSignal::new(None::<Vec<String>>);
    let state = Memo::new(move |_| session.me().map(|me| (me.user.email, me.user.two_factor)));
    view! {
        <PageHead title="Two-factor authentication" intro="A second step after your password: a code from an authenticator app, or a passkey. Organizations can require it." />
        {move || fresh_codes.get().map(|codes| view! {
            <RecoveryCodes codes email=state.get().map(|s| s.0).unwrap_or_default() on_done=Callback::new(move |()| fresh_codes.set(None)) />
        })}
        {move || state.get().map(|(_, two_factor)| view! {
            <AppPanel two_factor fresh_codes />
            {two_factor.enabled.then(|| view! {
                <RecoveryPanel two_factor fresh_codes />
                <PasskeysPanel />
                <TurnOffPanel fresh_codes />
            })}
        })}
    }
}

/// The authenticator app: on or off, and setting one up (or replacing it).
#[component]
fn AppPanel(
    /// The user's second factors.
    two_factor: TwoFactor,
    /// Where confirmed recovery codes go.
    fresh_codes: RwSignal<Option<Vec<String>>>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let enrollment = RwSignal::new(None::<domain::api::TotpEnrollment>);
    let code = RwSignal::new(String::new());
    let form = FormState::new();
    let start = move |_| {
        spawn_local(async move {
            match api::start_totp().await {
                Ok(started) => enrollment.set(Some(started)),
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = ConfirmTotpRequest {
            code: code.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::confirm_totp(&request.code).await {
                Ok(codes) => {
                    enrollment.set(None);
                    code.set(String::new());
                    fresh_codes.set(Some(codes.recovery_codes));
                    session.reload().await;
                    toasts.show("Two-factor authentication is on.");
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <section class="panel" aria-labelledby="app-title">
            <div class="section-head">
                <h2 id="app-title">"Authenticator app"</h2>
                {if two_factor.totp {
                    view! { <span class="badge ok">"On"</span> }.into_any()
                } else {
                    view! { <span class="badge">"Off"</span> }.into_any()
                }}
            </div>
            {move || match enrollment.get() {
                None => view! {
                    <p>{if two_factor.totp {
                        "Sign-in asks for a code from your app. Replacing the app stops the old one."
                    } else {
                        "Use an app such as 1Password, Google Authenticator or Authy: it shows a new 6-digit code every 30 seconds."
                    }}</p>
                    <button type="button" class="button primary" on:click=start>
                        {if two_factor.totp { "Replace the app" } else { "Set up an authenticator app" }}
                    </button>
                }.into_any(),
                Some(started) => view! {
                    <div class="totp-setup">
                        <div class="qr" role="img" aria-label="QR code to scan with your authenticator app" inner_html=qr_svg(&started.otpauth_uri).unwrap_or_default()></div>
                        <div>
                            <p>"Scan the code with your app, or type this key into it:"</p>
                            <p><code class="secret" aria-label="Setup key">{secret_groups(&started.secret)}</code></p>
                            <form on:submit=confirm novalidate>
                                <FormFailure state=form />
                                <TextField label="Code from the app".into() id="totp-code".into() field="code".into() value=code errors=form.errors autocomplete="one-time-code" />
                                <div class="actions">
                                    <button type="button" class="button secondary" on:click=move |_| enrollment.set(None)>"Cancel"</button>
                                    <button type="submit" class="button primary" disabled=move || form.busy.get()>"Turn on"</button>
                                </div>
                            </form>
                        </div>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// Codes just made: shown once, downloadable.
#[component]
fn RecoveryCodes(
    /// The codes.
    codes: Vec<String>,
    /// The user's email, named in the file.
    email: String,
    /// "I have saved them".
    on_done: Callback<()>,
) -> impl IntoView {
    let href = recovery_file_href(&email, &codes);
    view! {
        <section class="panel notice" aria-labelledby="codes-title">
            <h2 id="codes-title">"Save your recovery codes"</h2>
            <p>"Each code signs you in once when your app or passkey is not at hand. They are shown only now."</p>
            <ul class="recovery-codes" aria-label="Recovery codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
            <div class="actions">
                <a class="button secondary" href=href download="orgspace-recovery-codes.txt">"Download as a text file"</a>
                <button type="button" class="button primary" on:click=move |_| on_done.run(())>"I have saved them"</button>
            </div>
        </section>
    }
}

/// A change confirmed with the password.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Confirmed {
    /// A fresh set of recovery codes.
    NewCodes,
    /// Every second factor off.
    TurnOff,
}

/// The recovery codes left, and a new set.
#[component]
fn RecoveryPanel(
    /// The user's second factors.
    two_factor: TwoFactor,
    /// Where new codes go.
    fresh_codes: RwSignal<Option<Vec<String>>>,
) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="recovery-title">
            <h2 id="recovery-title">"Recovery codes"</h2>
            <p>{format!("{} of 10 left. A new set replaces them all.", two_factor.recovery_codes_left)}</p>
            <PasswordConfirmed action=Confirmed::NewCodes fresh_codes />
        </section>
    }
}

/// The password field and the button of a [`Confirmed`] change.
#[component]
fn PasswordConfirmed(
    /// What the password confirms.
    action: Confirmed,
    /// Where new codes go.
    fresh_codes: RwSignal<Option<Vec<String>>>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = PasswordConfirmation {
            password: password.get_untracked(),
        };
        if !form.start(request.validate().map(|_| ())) {
            return;
        }
        spawn_local(async move {
            let done = match action {
                Confirmed::NewCodes => api::new_recovery_codes(&request.password)
                    .await
                    .map(|codes| fresh_codes.set(Some(codes.recovery_codes))),
                Confirmed::TurnOff => api::turn_off_two_factor(&request.password)
                    .await
                    .map(|()| toasts.show("Two-factor authentication is off.")),
            };
            match done {
                Ok(()) => {
                    password.set(String::new());
                    session.reload().await;
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let (id, label, button, class) = match action {
        Confirmed::NewCodes => (
            "recovery-password",
            "Password to confirm",
            "Make new codes",
            "button secondary",
        ),
        Confirmed::TurnOff => (
            "off-password",
            "Password to turn off",
            "Turn off",
            "button danger",
        ),
    };
    view! {
        <form on:submit=submit novalidate>
            <FormFailure state=form />
            <TextField label=label.into() id=id.into() field="password".into() value=password errors=form.errors input_type="password" autocomplete="current-password" />
            <button type="submit" class=class disabled=move || form.busy.get()>{button}</button>
        </form>
    }
}

/// Passkeys: the list, adding one (the browser makes it), renaming, removing.
#[component]
fn PasskeysPanel() -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let passkeys = load(|| async { api::passkeys().await.map(|p| p.items) });
    let name = RwSignal::new(String::new());
    let form = FormState::new();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = parse_passkey_name(&name.get_untracked())
            .map_err(|e| vec![domain::FieldError::new("name", e)]);
        if !form.start(checked.clone()) {
            return;
        }
        let Ok(name_typed) = checked else { return };
        spawn_local(async move {
            let made = match api::passkey_options().await {
                Ok(options) => crate::passkeys::create(options.options).await,
                Err(error) => Err(error.message()),
            };
            match made {
                Ok(credential) => {
                    let request = NewPasskeyRequest {
                        name: name_typed.clone(),
                        credential,
                    };
                    match api::add_passkey(&request).await {
                        Ok(_) => {
                            name.set(String::new());
                            toasts.show(format!("Added the passkey {name_typed}."));
                            passkeys.refetch();
                            session.reload().await;
                        }
                        Err(error) => form.fail(&error),
                    }
                }
                Err(why) => form.failure.set(Some(why)),
            }
            form.done();
        });
    };
    let changed = Callback::new(move |()| {
        passkeys.refetch();
        session.refresh();
    });
    view! {
        <section class="panel" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">"Passkeys"</h2>
            <p>"A passkey (your device's fingerprint or face unlock, or a security key) can answer instead of a code."</p>
            <Loaded resource=passkeys let:items>
                {if items.is_empty() {
                    view! { <p class="muted">"No passkey yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="passkeys" aria-label="Your passkeys">
                            {items.into_iter().map(|passkey| view! { <PasskeyRow passkey changed /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </Loaded>
            <form class="inline-form" on:submit=add novalidate>
                <FormFailure state=form />
                <TextField label="Passkey name".into() id="passkey-name".into() field="name".into() value=name errors=form.errors hint="Like \"Work laptop\" or \"YubiKey\".".to_owned() />
                <button type="submit" class="button secondary" disabled=move || form.busy.get()>"Add a passkey"</button>
            </form>
        </section>
    }
}

/// One passkey, with renaming and removing.
#[component]
fn PasskeyRow(
    /// The passkey.
    passkey: PasskeyView,
    /// After a change.
    changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let editing = RwSignal::new(false);
    let name = RwSignal::new(passkey.name.clone());
    let form = FormState::new();
    let id = StoredValue::new(passkey.id.clone());
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = name.get_untracked();
        if !form
            .start(parse_passkey_name(&typed).map_err(|e| vec![domain::FieldError::new("name", e)]))
        {
            return;
        }
        spawn_local(async move {
            match api::rename_passkey(&id.get_value(), &typed).await {
                Ok(_) => changed.run(()),
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let remove = move |_| {
        let label = name.get_untracked();
        spawn_local(async move {
            match api::delete_passkey(&id.get_value()).await {
                Ok(()) => {
                    toasts.show(format!("Removed the passkey {label}."));
                    changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let used = passkey
        .last_used_at
        .map(|at| format!("last used {}", short_time(at)))
        .unwrap_or_else(|| "never used".into());
    let meta = format!("added {}, {used}", short_time(passkey.created_at));
    view! {
        <li class="passkey">
            {move || if editing.get() {
                view! {
                    <form class="inline-form" on:submit=rename novalidate>
                        <TextField label="New name".into() id=format!("rename-{}", id.get_value()) field="name".into() value=name errors=form.errors />
                        <button type="submit" class="button primary small">"Save"</button>
                        <button type="button" class="button secondary small" on:click=move |_| editing.set(false)>"Cancel"</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <span><strong>{name.get()}</strong>" "<span class="muted">{meta.clone()}</span></span>
                    <span class="row-actions">
                        <button type="button" class="button secondary small" on:click=move |_| editing.set(true)>"Rename"<span class="sr-only">{format!(" {}", name.get())}</span></button>
                        <button type="button" class="button danger-outline small" on:click=remove>"Remove"<span class="sr-only">{format!(" {}", name.get())}</span></button>
                    </span>
                }.into_any()
            }}
        </li>
    }
}

/// Turning every second factor off, with the password.
#[component]
fn TurnOffPanel(
    /// The page's place for new codes (turning off makes none).
    fresh_codes: RwSignal<Option<Vec<String>>>,
) -> impl IntoView {
    view! {
        <section class="panel danger-zone" aria-labelledby="off-title">
            <h2 id="off-title">"Turn off two-factor authentication"</h2>
            <p>"Your app, passkeys and recovery codes stop working; the password alone signs you in. Not possible while an organization of yours requires two-factor."</p>
            <PasswordConfirmed action=Confirmed::TurnOff fresh_codes />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_reads_in_groups_of_four() {
        assert_eq!(secret_groups("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(secret_groups(""), "");
    }

    #[test]
    fn the_codes_download_as_a_text_file() {
        let href = recovery_file_href("ana@acme.test", &["abcde-23456".into()]);
        assert!(href.starts_with("data:text/plain;charset=utf-8,Orgspace%20recovery%20codes"));
        assert!(href.ends_with("abcde-23456%0A"));
    }

    #[test]
    fn an_otpauth_address_draws_as_an_svg_qr_code() {
        let svg =
            qr_svg("otpauth://totp/Orgspace:ana%40acme.test?secret=ABCD&issuer=Orgspace").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        // A finder pattern's corner module, inside the quiet zone.
        assert!(svg.contains("M4,4h1v1h-1z"), "{svg}");
    }
}
