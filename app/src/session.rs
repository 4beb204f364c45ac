//! Who is signed in, shared by every page: `provide_session()` at the root,
//! `use_session()` below it.

use crate::api::{self, ApiError};
use domain::api::{AccountView, MeResponse};
use domain::AccountId;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the app knows about the signed-in user.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// Asking the server.
    Loading,
    /// Nobody is signed in.
    SignedOut,
    /// Signed in.
    SignedIn(MeResponse),
    /// The server could not answer.
    Failed(ApiError),
}

/// The session context; cheap to copy.
#[derive(Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
}

pub fn provide_session() -> Session {
    let session = Session {
        state: RwSignal::new(SessionState::Loading),
    };
    provide_context(session);
    session.refresh();
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    /// Asks the server again (after a change to accounts, say).
    pub fn refresh(self) {
        spawn_local(async move {
            self.reload().await;
        });
    }

    /// Asks the server again and waits for the answer.
    pub async fn reload(self) {
        if self.state.get_untracked() != SessionState::Loading {
            // Who is signed in may change: the opening page's first answers
            // were asked for as somebody else, or before a second factor.
            crate::opening::forget();
        }
        let state = match api::me().await {
            Ok(me) => SessionState::SignedIn(me),
            Err(error) if error.code() == Some(domain::ErrorCode::Unauthenticated) => {
                SessionState::SignedOut
            }
            Err(error) => SessionState::Failed(error),
        };
        self.state.set(state);
    }

    pub fn me(self) -> Option<MeResponse> {
        match self.state.get() {
            SessionState::SignedIn(me) => Some(me),
            _ => None,
        }
    }

    /// One of the user's accounts.
    pub fn account(self, id: AccountId) -> Option<AccountView> {
        self.me()
            .and_then(|me| me.accounts.into_iter().find(|a| a.id == id))
    }
}

/// After joining an organization: the session learns the new account, a toast
/// says so, and the app opens it (`navigate` is `use_navigate()`'s).
pub async fn welcome_to(
    session: Session,
    toasts: crate::toast::Toasts,
    account: AccountView,
    navigate: impl Fn(&str, leptos_router::NavigateOptions),
) {
    session.reload().await;
    toasts.show(format!(
        "You joined {} as {}.",
        account.name,
        account.role.label()
    ));
    navigate(&format!("/a/{}", account.id), Default::default());
}

/// Where a signed-in user lands: their personal account.
pub fn home_path(me: &MeResponse) -> String {
    match me.accounts.first() {
        Some(personal) => format!("/a/{}/organizations", personal.id),
        None => "/login".to_owned(),
    }
}

/// Where to go after signing in: `next` when it is a path of this app (never
/// another site), else the personal account.
pub fn after_sign_in(me: &MeResponse, next: Option<String>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => home_path(me),
    }
}

/// On the sign-in and sign-up pages: once signed in, go on to `?next=` or home.
pub fn leave_when_signed_in() {
    let session = use_session();
    let navigate = leptos_router::hooks::use_navigate();
    let query = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if let SessionState::SignedIn(me) = session.state.get() {
            navigate(
                &after_sign_in(&me, query.read_untracked().get("next")),
                Default::default(),
            );
        }
    });
}
