//! `/sso/error?code=…`: why a single sign-on did not sign anyone in. The
//! server sends the browser here with a reason code (never a message from
//! the address bar, which anyone could write).

use crate::components::auth_frame::AuthFrame;
use domain::sso::SsoFailure;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A heading and an explanation for each reason the server gives.
pub fn explanation(code: &str) -> (&'static str, &'static str) {
    let Some(failure) = SsoFailure::parse(code) else {
        return explanation(SsoFailure::Unavailable.id());
    };
    match failure {
        SsoFailure::StateInvalid => (
            "This sign-in cannot be finished here",
            "It was started in another browser, or finished already. Start again from the sign-in page, in this browser.",
        ),
        SsoFailure::Expired => (
            "This sign-in took too long",
            "A sign-in at your identity provider must end within 10 minutes, and its answer must arrive while still valid. Start again from the sign-in page.",
        ),
        SsoFailure::ProviderRefused => (
            "Your identity provider did not sign you in",
            "It refused or cancelled the sign-in. Try again, or ask your administrator whether Orgspace is assigned to you.",
        ),
        SsoFailure::TokenRefused => (
            "Your identity provider's answer was not accepted",
            "Its signature, audience or validity did not check out. Nobody was signed in. Ask your administrator to check the connection's settings.",
        ),
        SsoFailure::SignatureInvalid => (
            "The answer was not signed by your identity provider",
            "Its signature does not match the certificate your organization configured. Nobody was signed in. Ask your administrator to update the provider's metadata in Orgspace.",
        ),
        SsoFailure::AudienceMismatch => (
            "The answer was meant for another service",
            "Your identity provider addressed its answer to another application or address. Nobody was signed in. Ask your administrator to check the entity id and ACS URL at the provider.",
        ),
        SsoFailure::Replayed => (
            "This answer was used before",
            "Each answer from your identity provider signs in once. Start again from the sign-in page.",
        ),
        SsoFailure::EmailUnverified => (
            "Your address is not confirmed by your provider",
            "Your identity provider did not vouch for your email address. Ask your administrator to confirm it there.",
        ),
        SsoFailure::DomainMismatch => (
            "This address does not belong to the organization",
            "Your identity provider signed in an address outside the organization's verified domains. Sign in at your provider with your work account.",
        ),
        SsoFailure::JoinRefused => (
            "You could not join the organization",
            "It has no free seat, or you are in as many organizations as allowed. Ask an Owner of the organization.",
        ),
        SsoFailure::Unavailable => (
            "Single sign-on did not work",
            "Your organization's identity provider could not be reached or answered something unexpected. Try again in a minute.",
        ),
    }
}

/// The page.
#[component]
pub fn SsoErrorPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || query.read().get("code").unwrap_or_default();
    crate::browser::set_title("Single sign-on did not work");
    view! {
        <AuthFrame>
            {move || {
                let (title, text) = explanation(&code());
                view! {
                    <h1>{title}</h1>
                    <p>{text}</p>
                }
            }}
            <a class="button primary wide" href="/login">"Back to sign-in"</a>
        </AuthFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_the_server_gives_is_explained() {
        let mut titles = std::collections::HashSet::new();
        for failure in SsoFailure::ALL {
            let (title, text) = explanation(failure.id());
            assert!(!title.is_empty() && text.ends_with('.'), "{failure:?}");
            assert!(titles.insert(title), "one title per reason: {title}");
        }
        assert_eq!(explanation("<script>").0, "Single sign-on did not work");
    }
}
