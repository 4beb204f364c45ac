//! OpenID Connect sign-in (SPEC §16) through the `openidconnect` crate: the
//! provider's discovery document and keys are read at every sign-in (so a
//! rotated key is picked up), the authorization code flow carries PKCE, a
//! state and a nonce, and the ID token's signature, issuer, audience, expiry
//! and nonce are checked by the library.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::time::Duration;

/// What an OpenID provider needs to know about this deployment's client.
#[derive(Clone)]
pub struct Provider<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    /// This server's callback, registered with the provider.
    pub redirect_uri: &'a str,
}

/// Where to send the browser, and what its answer must match.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// Why a sign-in failed, as a short reason for the log and the error page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure(pub String);

fn failure(what: &str, error: impl std::fmt::Display) -> Failure {
    Failure(format!("{what}: {error}"))
}

/// An HTTP client for the provider: no redirects (a discovery or token
/// endpoint that redirects is refused, not followed), bounded waits.
fn http() -> Result<reqwest::Client, Failure> {
    reqwest::ClientBuilder::new()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| failure("HTTP client", e))
}

async fn client(
    provider: &Provider<'_>,
    http: &reqwest::Client,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    Failure,
> {
    let issuer = IssuerUrl::new(provider.issuer.to_owned()).map_err(|e| failure("issuer", e))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| failure("the provider's discovery document", e))?;
    let redirect = RedirectUrl::new(provider.redirect_uri.to_owned())
        .map_err(|e| failure("redirect URI", e))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.to_owned()),
        Some(ClientSecret::new(provider.client_secret.to_owned())),
    )
    .set_redirect_uri(redirect))
}

/// The authorization request for `email` (sent as `login_hint`).
pub async fn authorize(provider: &Provider<'_>, email: &str) -> Result<Authorization, Failure> {
    let http = http()?;
    let client = client(provider, &http).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .add_extra_param("login_hint", email)
        .set_pkce_challenge(challenge)
        .url();
    Ok(Authorization {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// Redeems the code and checks the ID token; who signed in (the email from
/// the ID token, or else from the user-info endpoint).
pub async fn identify(
    provider: &Provider<'_>,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
) -> Result<Identity, Failure> {
    let http = http()?;
    let client = client(provider, &http).await?;
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| failure("token endpoint", e))?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
        .request_async(&http)
        .await
        .map_err(|e| failure("the code was not redeemed", e))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| Failure("the provider sent no ID token".into()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned()))
        .map_err(|e| failure("the ID token was refused", e))?;
    let subject = claims.subject().clone();
    let name = |n: Option<&openidconnect::LocalizedClaim<openidconnect::EndUserName>>| {
        n.and_then(|n| n.get(None)).map(|n| n.as_str().to_owned())
    };
    if let Some(email) = claims.email() {
        return Ok(Identity {
            subject: subject.as_str().to_owned(),
            email: email.as_str().to_owned(),
            email_verified: claims.email_verified().unwrap_or(false),
            name: name(claims.name()),
        });
    }
    // Providers that keep the scopes' claims out of the ID token (as the
    // specification prefers when an access token is issued) answer them at
    // the user-info endpoint, for the same subject (the library checks it).
    let info: openidconnect::core::CoreUserInfoClaims = client
        .user_info(token.access_token().clone(), Some(subject.clone()))
        .map_err(|e| failure("user-info endpoint", e))?
        .request_async(&http)
        .await
        .map_err(|e| failure("user info was refused", e))?;
    let email = info
        .email()
        .map(|e| e.as_str().to_owned())
        .ok_or_else(|| Failure("the provider sent no email".into()))?;
    Ok(Identity {
        subject: subject.as_str().to_owned(),
        email,
        email_verified: info.email_verified().unwrap_or(false),
        name: name(info.name()),
    })
}
