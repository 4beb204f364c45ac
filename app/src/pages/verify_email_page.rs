//! `/verify-email?token=…`: where a verification mail's link leads. The link
//! is the proof, so this works signed out too; signed in, the session learns
//! the verified address at once.

use crate::api::{self, ApiError};
use crate::components::auth_frame::AuthFrame;
use crate::session::{home_path, use_session};
use domain::api::UserView;
use domain::ErrorCode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What following the link came to.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Verified(UserView),
    Invalid,
    Taken(String),
    Failed(String),
}

fn outcome(answer: Result<UserView, ApiError>) -> Outcome {
    match answer {
        Ok(user) => Outcome::Verified(user),
        Err(error) if error.code() == Some(ErrorCode::TokenInvalid) => Outcome::Invalid,
        Err(error) if error.code() == Some(ErrorCode::EmailTaken) => {
            Outcome::Taken(error.message())
        }
        Err(error) => Outcome::Failed(error.message()),
    }
}

/// The verification link's page.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    crate::browser::set_title("Verify your email");
    let session = use_session();
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    // Followed once, when the page opens; the session reloads afterwards.
    let result = LocalResource::new(move || {
        let token = token.clone();
        async move {
            let answer = outcome(api::verify_email(&token).await);
            if matches!(answer, Outcome::Verified(_)) {
                session.reload().await;
            }
            answer
        }
    });
    let onward = move || match session.me() {
        Some(me) => (home_path(&me), "Go to your account"),
        None => ("/login".to_owned(), "Sign in"),
    };
    view! {
        <AuthFrame>
            {move || match result.get() {
                None => view! { <h1>"Verifying your email"</h1><p class="loading" aria-busy="true">"One moment…"</p> }.into_any(),
                Some(Outcome::Verified(user)) => view! {
                    <h1>"Your email is verified"</h1>
                    <p>{format!("{} is confirmed as yours. Invitations to it now show in Orgspace.", user.email)}</p>
                    <a class="button primary" href=onward().0>{onward().1}</a>
                }.into_any(),
                Some(Outcome::Invalid) => view! {
                    <h1>"This link does not work any more"</h1>
                    <p>"It was used already, it expired, or a newer mail replaced it. Sign in and ask for a new link from the banner at the top of the page."</p>
                    <a class="button primary" href=onward().0>{onward().1}</a>
                }.into_any(),
                Some(Outcome::Taken(message) | Outcome::Failed(message)) => view! {
                    <h1>"Your email could not be verified"</h1>
                    <p class="alert error" role="alert">{message}</p>
                    <a class="button secondary" href=onward().0>{onward().1}</a>
                }.into_any(),
            }}
        </AuthFrame>
    }
}
