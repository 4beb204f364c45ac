//! `/login`: sign in with email and password, then, for users with
//! two-factor on, a code from their authenticator app, a recovery code or a
//! passkey (SPEC §15).

use crate::api;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use crate::session::{leave_when_signed_in, use_session};
use domain::api::{LoginAnswer, LoginRequest, SecondFactorRequest};
use domain::two_factor::Method;
use domain::{ErrorCode, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The sign-in form, and its second step when one is asked.
#[component]
pub fn LoginPage() -> impl IntoView {
    crate::browser::set_title("Sign in");
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    // The second factors offered once the password was right.
    let second_step = RwSignal::new(None::<Vec<Method>>);
    // Signing in with the organization's identity provider instead.
    let sso = RwSignal::new(false);
    leave_when_signed_in();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let mut missing = Vec::new();
        if request.email.trim().is_empty() {
            missing.push(FieldError::new("email", "enter your email"));
        }
        if request.password.is_empty() {
            missing.push(FieldError::new("password", "enter your password"));
        }
        if !form.start(if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }) {
            return;
        }
        spawn_local(async move {
            match api::login(&request).await {
                // Signing in always lands in the personal account: the effect above navigates.
                Ok(LoginAnswer::SignedIn(_)) => session.reload().await,
                Ok(LoginAnswer::TwoFactor(challenge)) => {
                    password.set(String::new());
                    second_step.set(Some(challenge.methods));
                }
                // The address's organization signs it in with SSO: offer that.
                Err(error) if error.code() == Some(ErrorCode::SsoRequired) => {
                    form.failure.set(Some(error.message()));
                    sso.set(true);
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let restart = Callback::new(move |failure: Option<String>| {
        second_step.set(None);
        form.failure.set(failure);
    });
    view! {
        <main class="auth">
            {move || match (second_step.get(), sso.get()) {
                (Some(methods), _) => view! { <SecondFactorForm methods restart /> }.into_any(),
                (None, true) => view! { <SsoForm email form back=Callback::new(move |()| { form.failure.set(None); sso.set(false); }) /> }.into_any(),
                (None, false) => view! {
                    <form class="panel auth-form" on:submit=submit novalidate>
                        <div class="brand-line"><span aria-hidden="true">"◆"</span>" Orgspace"</div>
                        <h1>"Sign in"</h1>
                        <FormFailure state=form />
                        <TextField label="Email".into() id="login-email".into() field="email".into() value=email errors=form.errors input_type="email" autocomplete="email" />
                        <TextField label="Password".into() id="login-password".into() field="password".into() value=password errors=form.errors input_type="password" autocomplete="current-password" />
                        <button type="submit" class="button primary wide" disabled=move || form.busy.get()>
                            {move || if form.busy.get() { "Signing in…" } else { "Sign in" }}
                        </button>
                        <button type="button" class="button secondary wide" on:click=move |_| { form.failure.set(None); sso.set(true); }>"Use single sign-on (SSO)"</button>
                        <p class="switch-form"><a href="/forgot-password">"Forgot password?"</a></p>
                        <p class="switch-form">"New to Orgspace? " <a href="/register">"Create an account"</a></p>
                    </form>
                }.into_any(),
            }}
        </main>
    }
}

/// Single sign-on: the work address, then the organization's identity provider.
#[component]
fn SsoForm(
    /// The address, shared with the password form.
    email: RwSignal<String>,
    /// The page's form state (its failure line carries why SSO is asked).
    form: FormState,
    /// Back to the password.
    back: Callback<()>,
) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = domain::api::SsoStartRequest {
            email: email.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::start_sso(&request.email).await {
                // The provider's page; it sends the browser back signed in.
                Ok(redirect) => crate::browser::go_to(&redirect.redirect_url),
                Err(error) => {
                    form.fail(&error);
                    form.done();
                }
            }
        });
    };
    view! {
        <form class="panel auth-form" on:submit=submit novalidate>
            <div class="brand-line"><span aria-hidden="true">"◆"</span>" Orgspace"</div>
            <h1>"Sign in with SSO"</h1>
            <p class="muted">"Your organization's identity provider signs you in: enter your work email."</p>
            <FormFailure state=form />
            <TextField label="Work email".into() id="sso-email".into() field="email".into() value=email errors=form.errors input_type="email" autocomplete="email" />
            <button type="submit" class="button primary wide" disabled=move || form.busy.get()>
                {move || if form.busy.get() { "Opening your provider…" } else { "Continue" }}
            </button>
            <p class="switch-form">
                <button type="button" class="link-button" on:click=move |_| back.run(())>"Sign in with a password"</button>
            </p>
        </form>
    }
}

/// The second step: a code from the authenticator app (or a recovery code),
/// or a passkey. An expired step (five minutes) starts over at the password.
#[component]
fn SecondFactorForm(
    /// The methods the user has.
    methods: Vec<Method>,
    /// Back to the password, with why.
    restart: Callback<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let using = RwSignal::new(Method::Totp);
    let code = RwSignal::new(String::new());
    let form = FormState::new();
    let has_passkey = methods.contains(&Method::Passkey);
    let finish = move |answer: Result<LoginAnswer, api::ApiError>| async move {
        match answer {
            Ok(_) => session.reload().await,
            Err(error) if error.code() == Some(ErrorCode::Unauthenticated) => {
                restart.run(Some(error.message()))
            }
            Err(error) => form.fail(&error),
        }
        form.done();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = Some(code.get_untracked());
        let request = match using.get_untracked() {
            Method::RecoveryCode => SecondFactorRequest {
                recovery_code: typed,
                ..Default::default()
            },
            _ => SecondFactorRequest {
                code: typed,
                ..Default::default()
            },
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move { finish(api::second_factor(&request).await).await });
    };
    let use_passkey = move |_| {
        if !form.start(Ok::<(), Vec<FieldError>>(())) {
            return;
        }
        spawn_local(async move {
            let answer = match api::passkey_challenge().await {
                Ok(options) => match crate::passkeys::get(options.options).await {
                    Ok(passkey) => {
                        let request = SecondFactorRequest {
                            passkey: Some(passkey),
                            ..Default::default()
                        };
                        api::second_factor(&request).await
                    }
                    Err(why) => {
                        form.failure.set(Some(why));
                        form.done();
                        return;
                    }
                },
                Err(error) => Err(error),
            };
            finish(answer).await;
        });
    };
    let switch = move |_| {
        code.set(String::new());
        form.errors.set(Vec::new());
        using.update(|m| {
            *m = match m {
                Method::RecoveryCode => Method::Totp,
                _ => Method::RecoveryCode,
            }
        });
    };
    view! {
        <form class="panel auth-form" on:submit=submit novalidate>
            <div class="brand-line"><span aria-hidden="true">"◆"</span>" Orgspace"</div>
            <h1>"Two-factor authentication"</h1>
            <p class="muted">{move || match using.get() {
                Method::RecoveryCode => "Enter one of your recovery codes. Each one works once.",
                _ => "Enter the 6-digit code your authenticator app shows for Orgspace.",
            }}</p>
            <FormFailure state=form />
            {move || match using.get() {
                Method::RecoveryCode => view! {
                    <TextField label="Recovery code".into() id="second-factor-recovery".into() field="recovery_code".into() value=code errors=form.errors />
                }.into_any(),
                _ => view! {
                    <TextField label="Authentication code".into() id="second-factor-code".into() field="code".into() value=code errors=form.errors autocomplete="one-time-code" />
                }.into_any(),
            }}
            <button type="submit" class="button primary wide" disabled=move || form.busy.get()>
                {move || if form.busy.get() { "Checking…" } else { "Verify" }}
            </button>
            {has_passkey.then(|| view! {
                <button type="button" class="button secondary wide" on:click=use_passkey disabled=move || form.busy.get()>"Use a passkey"</button>
            })}
            <p class="switch-form">
                <button type="button" class="link-button" on:click=switch>
                    {move || match using.get() {
                        Method::RecoveryCode => "Use your authenticator app",
                        _ => "Use a recovery code",
                    }}
                </button>
            </p>
            <p class="switch-form">
                <button type="button" class="link-button" on:click=move |_| restart.run(None)>"Start over"</button>
            </p>
        </form>
    }
}
