//! Single sign-on (SPEC §16): an organization's OpenID Connect or SAML 2.0
//! connection (Owners), and signing in through it — `POST /api/auth/sso`
//! sends the browser to the provider, which returns it to
//! `GET /api/sso/oidc/callback` or posts its answer to `POST /api/sso/saml/acs`.
//! The state (RelayState) is single use and bound to the browser that started
//! (a cookie); every failure lands on the app's explanation page and is
//! logged as `sso.failed` with its reason (never a token or an assertion).

use super::extract::{cookie, ApiJson, ApiPath, ApiQuery, AuthUser, ClientInfo};
use super::responses::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::sessions::{session_cookie, set_cookie};
use super::state::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::oidc::{self, Provider};
use crate::operations::sso::{sign_in, Vouched};
use crate::operations::users::Client;
use crate::operations::{AccountTx, Change};
use crate::saml::{self, Endpoints};
use crate::secrets::{random_token, token_hash};
use crate::store::sso::{
    delete_connection, remember_assertion, save_connection, ConnectionRow, PendingSso,
};
use crate::store::teams::team_name;
use crate::store::{Store, Target};
use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use domain::activity::Event;
use domain::api::{
    SsoConnectionRequest, SsoConnectionView, SsoProtocol, SsoRedirect, SsoStartRequest,
};
use domain::sso::{email_domain, SsoFailure};
use domain::text::Email;
use domain::{AccountId, ErrorCode, FieldError, Permission, Timestamp};
use serde::Deserialize;
use serde_json::json;

/// The cookie that binds a sign-in at the provider to the browser that began it.
const BROWSER_COOKIE: &str = "orgspace_sso";
/// Where SAML identity providers post their answers (cross-site by design).
pub const SAML_ACS_PATH: &str = "/api/sso/saml/acs";
/// How long a sign-in may take at the provider.
const SSO_SECONDS: i64 = 600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/accounts/{id}/sso",
            get(get_connection).post(save).delete(remove),
        )
        .route("/auth/sso", post(start))
        .route("/sso/oidc/callback", get(callback))
        .route("/sso/{id}/saml/metadata", get(saml_metadata))
        .route("/sso/saml/acs", post(saml_acs))
}

fn redirect_uri(state: &AppState) -> String {
    format!("{}/api/sso/oidc/callback", state.config.base_url())
}

fn saml_endpoints(state: &AppState, account: AccountId) -> Endpoints {
    Endpoints::new(&state.config.base_url(), account)
}

/// The OpenID provider of a connection (`None` for SAML).
fn oidc_provider<'a>(protocol: &'a SsoProtocol, redirect_uri: &'a str) -> Option<Provider<'a>> {
    match protocol {
        SsoProtocol::Oidc {
            issuer,
            client_id,
            client_secret,
        } => Some(Provider {
            issuer,
            client_id,
            client_secret,
            redirect_uri,
        }),
        SsoProtocol::Saml { .. } => None,
    }
}

/// The organization's connection (Owners).
#[utoipa::path(get, path = "/api/accounts/{id}/sso", tag = "sso",
    params(("id" = AccountId, Path, description = "Account id")),
    responses((status = 200, description = "The connection (never its client secret)", body = SsoConnectionView),
        Unauthenticated, Forbidden, NotFound))]
pub async fn get_connection(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Json<SsoConnectionView>> {
    caller
        .member_account(&state, id)
        .await?
        .decide(Permission::ManageSecurity)?;
    let row = state
        .store
        .sso_connection(id)
        .await?
        .ok_or(ApiError::NotFound("single sign-on connection"))?;
    Ok(Json(row.view(&state.config.base_url())))
}

/// Creates or replaces the connection; an OpenID provider's discovery
/// document is read first and a SAML provider's metadata checked, so a
/// mistyped issuer or a metadata without a certificate is told at once.
#[utoipa::path(post, path = "/api/accounts/{id}/sso", tag = "sso", request_body = SsoConnectionRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses((status = 200, description = "Saved", body = SsoConnectionView),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn save(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<SsoConnectionRequest>,
) -> ApiResult<Json<SsoConnectionView>> {
    caller
        .member_account(&state, id)
        .await?
        .decide(Permission::ManageSecurity)?;
    let connection = request.validate().map_err(ApiError::Invalid)?;
    let redirect = redirect_uri(&state);
    let issuer = match (
        &connection.protocol,
        oidc_provider(&connection.protocol, &redirect),
    ) {
        (SsoProtocol::Saml { idp_metadata_xml }, _) => {
            saml::read_idp_metadata(idp_metadata_xml)
                .map_err(|why| ApiError::Invalid(vec![FieldError::new("idp_metadata_xml", why)]))?
                .entity_id
        }
        (SsoProtocol::Oidc { issuer, .. }, provider) => {
            let probed = match provider {
                Some(provider) => oidc::authorize(&provider, "probe@orgspace.invalid")
                    .await
                    .map(drop),
                None => Err(oidc::Failure("not an OpenID connection".into())),
            };
            if let Err(why) = probed {
                let message = format!("is not an OpenID provider Orgspace can use ({})", why.0);
                return Err(ApiError::Invalid(vec![FieldError::new("issuer", message)]));
            }
            issuer.clone()
        }
    };
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageSecurity).await?;
    if let Some(team) = connection.default_team {
        if team_name(tx.tx(), id, team).await?.is_none() {
            let unknown = FieldError::new("default_team", "is not a team of this organization");
            return Err(ApiError::Invalid(vec![unknown]));
        }
    }
    let now = tx.now();
    save_connection(tx.tx(), id, &connection, &issuer, now).await?;
    let payload = json!({
        "type": connection.protocol.id(), "issuer": issuer,
        "default_role": connection.default_role.id(), "required": connection.required,
    });
    let change = Change::new(Event::SsoConfigured, Target::SsoConnection(id), payload);
    tx.commit(change).await?;
    let row = state
        .store
        .sso_connection(id)
        .await?
        .ok_or_else(|| ApiError::Internal("the saved connection vanished".into()))?;
    Ok(Json(row.view(&state.config.base_url())))
}

/// Removes the connection.
#[utoipa::path(delete, path = "/api/accounts/{id}/sso", tag = "sso",
    params(("id" = AccountId, Path, description = "Account id")),
    responses((status = 204, description = "Removed"), Unauthenticated, Forbidden, NotFound))]
pub async fn remove(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<StatusCode> {
    let mut tx =
        AccountTx::open(&state.store, caller.actor(), id, Permission::ManageSecurity).await?;
    if !delete_connection(tx.tx(), id).await? {
        return Err(ApiError::NotFound("single sign-on connection"));
    }
    let change = Change::new(Event::SsoRemoved, Target::SsoConnection(id), json!({}));
    tx.commit(change).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The connection that signs `email` in: its domain verified by an
/// organization that has one.
pub async fn connection_for(store: &Store, email: &str) -> ApiResult<Option<ConnectionRow>> {
    let Some(domain) = email_domain(email) else {
        return Ok(None);
    };
    let Some(owner) = store.verified_domain(&domain).await? else {
        return Ok(None);
    };
    store.sso_connection(owner.account).await
}

/// Starts signing `email` in at its organization's provider.
#[utoipa::path(post, path = "/api/auth/sso", tag = "sso", request_body = SsoStartRequest, responses(
    (status = 200, description = "Open `redirect_url`; a cookie binds the sign-in to this browser", body = SsoRedirect),
    (status = 404, description = "`sso_not_configured`: no organization signs this domain in", body = domain::Problem, content_type = "application/problem+json"),
    Invalid))]
pub async fn start(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SsoStartRequest>,
) -> ApiResult<Response> {
    let email = request.validate().map_err(ApiError::Invalid)?;
    let connection = connection_for(&state.store, email.as_str())
        .await?
        .ok_or_else(|| {
            ApiError::denied(
                ErrorCode::SsoNotConfigured,
                "No organization signs this address in with single sign-on. Sign in with your password.",
            )
        })?;
    let unreachable = |why: String| {
        tracing::warn!(reason = %why, account = %connection.account, "SSO provider unavailable");
        ApiError::denied(
            ErrorCode::SsoNotConfigured,
            "Your organization's identity provider cannot be reached right now. Try again in a minute.",
        )
    };
    let browser = random_token();
    let now = now();
    let mut pending = PendingSso {
        account: connection.account,
        browser_hash: token_hash(&browser),
        nonce: String::new(),
        pkce_verifier: String::new(),
        request_id: None,
        email: email.as_str().to_owned(),
        expires_at: now.plus_seconds(SSO_SECONDS),
    };
    let redirect = redirect_uri(&state);
    let (url, state_token) = match &connection.protocol {
        SsoProtocol::Oidc { .. } => {
            let provider = oidc_provider(&connection.protocol, &redirect)
                .ok_or_else(|| unreachable("not an OpenID connection".into()))?;
            let authorization = oidc::authorize(&provider, email.as_str())
                .await
                .map_err(|why| unreachable(why.0))?;
            pending.nonce = authorization.nonce;
            pending.pkce_verifier = authorization.pkce_verifier;
            (authorization.url, authorization.state)
        }
        SsoProtocol::Saml { idp_metadata_xml } => {
            let relay_state = random_token();
            let endpoints = saml_endpoints(&state, connection.account);
            let request = saml::authn_request(&endpoints, idp_metadata_xml, &relay_state)
                .map_err(unreachable)?;
            pending.request_id = Some(request.id);
            (request.url, relay_state)
        }
    };
    state
        .store
        .insert_pending_sso(&token_hash(&state_token), &pending, now)
        .await?;
    let mut response = Json(SsoRedirect { redirect_url: url }).into_response();
    set_cookie(
        &mut response,
        &browser_cookie(&state, &browser, SSO_SECONDS),
    );
    Ok(response)
}

/// The cookie binding a sign-in to this browser. A SAML answer is posted by
/// the provider's page, a cross-site POST that a `SameSite=Lax` cookie does
/// not follow: on HTTPS it is `SameSite=None; Secure`; on plain HTTP (this
/// machine only) browsers refuse `None` without `Secure`, so it is `Lax`,
/// which follows a provider on the same site (localhost).
fn browser_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let same_site = if state.config.secure_cookies() {
        "SameSite=None; Secure"
    } else {
        "SameSite=Lax"
    };
    format!("{BROWSER_COOKIE}={value}; Path=/api/sso; HttpOnly; {same_site}; Max-Age={max_age}")
}

/// What the provider sends back.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// A failed sign-in: the reason the app explains, and the detail logged.
struct Failed {
    failure: SsoFailure,
    detail: String,
}

fn failed(failure: SsoFailure, detail: impl Into<String>) -> Failed {
    Failed {
        failure,
        detail: detail.into(),
    }
}

/// A 303 to `location`.
fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The OpenID provider's answer: on success a session and the organization;
/// on failure the explanation page.
#[utoipa::path(get, path = "/api/sso/oidc/callback", tag = "sso",
    params(("code" = Option<String>, Query, description = "The authorization code"),
        ("state" = Option<String>, Query, description = "The state of the request"),
        ("error" = Option<String>, Query, description = "The provider's error")),
    responses((status = 303, description = "To the organization, signed in; or to `/sso/error?code=…`")))]
pub async fn callback(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> ApiResult<Response> {
    let relay = query.state.clone();
    conclude(&state, &client, &headers, relay, Answer::Oidc(&query)).await
}

/// What the identity provider posts to the assertion consumer service.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AcsForm {
    /// The signed `<samlp:Response>`, base64.
    #[serde(rename = "SAMLResponse")]
    saml_response: Option<String>,
    /// The state of the request.
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// The SAML identity provider's answer (HTTP-POST binding): on success a
/// session and the organization; on failure the explanation page.
#[utoipa::path(post, path = "/api/sso/saml/acs", tag = "sso",
    request_body(content = AcsForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "To the organization, signed in; or to `/sso/error?code=…`")))]
pub async fn saml_acs(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    form: Result<Form<AcsForm>, FormRejection>,
) -> ApiResult<Response> {
    let Form(form) = form.unwrap_or_default();
    let relay = form.relay_state.clone();
    conclude(&state, &client, &headers, relay, Answer::Saml(&form)).await
}

/// Orgspace's SAML service provider metadata for the organization, to give
/// its identity provider (its URL is the entity id).
#[utoipa::path(get, path = "/api/sso/{id}/saml/metadata", tag = "sso",
    params(("id" = AccountId, Path, description = "The organization's id")),
    responses((status = 200, description = "SAML 2.0 metadata", content_type = "application/samlmetadata+xml", body = String),
        NotFound))]
pub async fn saml_metadata(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Response> {
    if !state.store.is_organization(id).await? {
        return Err(ApiError::NotFound("organization"));
    }
    let xml = saml::sp_metadata(&saml_endpoints(&state, id)).map_err(ApiError::Internal)?;
    let content_type = HeaderValue::from_static("application/samlmetadata+xml");
    Ok(([(header::CONTENT_TYPE, content_type)], xml).into_response())
}

/// A provider's answer, by protocol.
#[derive(Clone, Copy)]
enum Answer<'a> {
    Oidc(&'a CallbackQuery),
    Saml(&'a AcsForm),
}

/// Takes the sign-in the answer's state names (once) and finishes it.
async fn conclude(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    relay: Option<String>,
    answer: Answer<'_>,
) -> ApiResult<Response> {
    let pending = match &relay {
        Some(value) => state.store.take_pending_sso(&token_hash(value)).await?,
        None => None,
    };
    let account = pending.as_ref().map(|p| p.account);
    match finish(state, client, headers, answer, pending).await {
        Ok((token, org)) => {
            let mut response = see_other(&format!("/a/{org}"));
            set_cookie(&mut response, &session_cookie(state, &token));
            set_cookie(&mut response, &browser_cookie(state, "", 0));
            Ok(response)
        }
        Err(failure) => {
            let code = failure.failure.id();
            tracing::info!(code, detail = %failure.detail, "SSO sign-in failed");
            if let Some(account) = account {
                record_failure(&state.store, account, &failure, client).await;
            }
            Ok(see_other(&format!("/sso/error?code={code}")))
        }
    }
}

/// Whom the provider vouched for.
struct Identity {
    email: String,
    verified: bool,
    name: Option<String>,
}

fn internal(e: ApiError) -> Failed {
    failed(SsoFailure::Unavailable, e.to_string())
}

async fn finish(
    state: &AppState,
    client: &Client,
    headers: &HeaderMap,
    answer: Answer<'_>,
    pending: Option<PendingSso>,
) -> Result<(String, AccountId), Failed> {
    if let Answer::Oidc(CallbackQuery {
        error: Some(error), ..
    }) = answer
    {
        return Err(failed(
            SsoFailure::ProviderRefused,
            format!("the provider answered {error}"),
        ));
    }
    let pending =
        pending.ok_or_else(|| failed(SsoFailure::StateInvalid, "unknown or used state"))?;
    let browser = cookie(headers, BROWSER_COOKIE).map(|b| token_hash(&b));
    if browser.as_deref() != Some(pending.browser_hash.as_str()) {
        return Err(failed(
            SsoFailure::StateInvalid,
            "the sign-in began in another browser",
        ));
    }
    if pending.expires_at <= now() {
        return Err(failed(
            SsoFailure::Expired,
            "the sign-in took longer than 10 minutes",
        ));
    }
    let connection = state
        .store
        .sso_connection(pending.account)
        .await
        .map_err(internal)?
        .ok_or_else(|| failed(SsoFailure::Unavailable, "the connection was removed"))?;
    let identity = match (answer, &connection.protocol) {
        (Answer::Oidc(query), SsoProtocol::Oidc { .. }) => {
            oidc_identity(state, &connection, query, &pending).await?
        }
        (Answer::Saml(form), SsoProtocol::Saml { idp_metadata_xml }) => {
            saml_identity(state, idp_metadata_xml, form, &pending).await?
        }
        _ => {
            return Err(failed(
                SsoFailure::StateInvalid,
                "the answer's protocol is not the connection's (it changed during the sign-in)",
            ))
        }
    };
    if !identity.verified {
        return Err(failed(
            SsoFailure::EmailUnverified,
            format!("the provider did not vouch for {}", identity.email),
        ));
    }
    let email = Email::parse(&identity.email).map_err(|_| {
        failed(
            SsoFailure::DomainMismatch,
            "the provider sent an address that is not one",
        )
    })?;
    let domain = email_domain(email.as_str()).unwrap_or_default();
    let owner = state
        .store
        .verified_domain(&domain)
        .await
        .map_err(internal)?;
    if owner.map(|d| d.account) != Some(pending.account) {
        return Err(failed(
            SsoFailure::DomainMismatch,
            format!("{domain} is not a verified domain of this organization"),
        ));
    }
    let vouched = Vouched {
        connection: &connection,
        email: &email,
        name: identity.name.as_deref(),
        client,
    };
    let session = sign_in(
        &state.store,
        state.config.limits(),
        state.config.session_ttl,
        vouched,
        now(),
    )
    .await
    .map_err(|e| match &e {
        ApiError::Denied(denial) => failed(SsoFailure::JoinRefused, denial.message.clone()),
        _ => internal(e),
    })?;
    tracing::info!(user = %session.user.id, account = %pending.account, joined = session.joined, "signed in with SSO");
    Ok((session.token, pending.account))
}

/// Redeems the OpenID code; the ID token's checks are the library's.
async fn oidc_identity(
    state: &AppState,
    connection: &ConnectionRow,
    query: &CallbackQuery,
    pending: &PendingSso,
) -> Result<Identity, Failed> {
    let code = query
        .code
        .as_deref()
        .ok_or_else(|| failed(SsoFailure::ProviderRefused, "no code in the answer"))?;
    let redirect = redirect_uri(state);
    let provider = oidc_provider(&connection.protocol, &redirect)
        .ok_or_else(|| failed(SsoFailure::Unavailable, "not an OpenID connection"))?;
    let identity = oidc::identify(&provider, code, &pending.pkce_verifier, &pending.nonce)
        .await
        .map_err(|why| failed(SsoFailure::TokenRefused, why.0))?;
    Ok(Identity {
        email: identity.email,
        verified: identity.email_verified,
        name: identity.name,
    })
}

/// Checks the SAML answer (signature, issuer, audience, recipient, time:
/// samael and xmlsec), then the replay cache, then that it answers this
/// browser's request. The address is the organization's provider's word:
/// it must still be on one of the organization's verified domains.
async fn saml_identity(
    state: &AppState,
    idp_metadata_xml: &str,
    form: &AcsForm,
    pending: &PendingSso,
) -> Result<Identity, Failed> {
    let response = form
        .saml_response
        .clone()
        .ok_or_else(|| failed(SsoFailure::TokenRefused, "no SAMLResponse in the answer"))?;
    let endpoints = saml_endpoints(state, pending.account);
    let metadata = idp_metadata_xml.to_owned();
    let answer =
        tokio::task::spawn_blocking(move || saml::verify(&endpoints, &metadata, &response))
            .await
            .map_err(|e| failed(SsoFailure::Unavailable, e.to_string()))?
            .map_err(|refused| failed(refused.failure, refused.detail))?;
    let until = Timestamp::from_millis(answer.valid_until_millis);
    let fresh = remember_assertion(&state.store, pending.account, &answer.assertion_id, until)
        .await
        .map_err(internal)?;
    if !fresh {
        return Err(failed(
            SsoFailure::Replayed,
            format!("assertion {} was accepted before", answer.assertion_id),
        ));
    }
    if !answer
        .in_response_to
        .iter()
        .any(|id| Some(id) == pending.request_id.as_ref())
    {
        return Err(failed(
            SsoFailure::StateInvalid,
            "the answer is not InResponseTo the request this browser started",
        ));
    }
    let email = answer.email.ok_or_else(|| {
        failed(
            SsoFailure::TokenRefused,
            "the answer names no email address",
        )
    })?;
    Ok(Identity {
        email,
        verified: true,
        name: answer.name,
    })
}

/// Writes `sso.failed` to the organization's log (after the answer's decision;
/// a failure to write it is logged, not shown).
async fn record_failure(store: &Store, account: AccountId, failure: &Failed, client: &Client) {
    let recorded = async {
        let tx = store.begin_write().await?;
        let payload = json!({ "reason": failure.failure.id(), "detail": failure.detail, "client": client.ip });
        // No user is known for a failed sign-in: the entry names none.
        let target = Target::SsoConnection(account);
        tx.commit_unattributed(account, Event::SsoFailed, target, payload, now())
            .await
    };
    if let Err(error) = recorded.await {
        tracing::warn!(%error, %account, "a failed SSO sign-in was not recorded");
    }
}
