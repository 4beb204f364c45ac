//! Request extractors that answer with problem+json when they refuse.

use super::state::AppState;
use crate::error::{ApiError, ApiResult};
use crate::operations::users::Client;
use crate::secrets::token_hash;
use crate::store::auth::LAST_SEEN_PRECISION_MS;
use crate::store::{AccountRow, Actor, UserRow};
use axum::extract::MatchedPath;
use axum::extract::{
    ConnectInfo, FromRef, FromRequest, FromRequestParts, Path, RawPathParams, Request,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use domain::api_keys::{parse_bearer, ApiKeyId, BearerError};
use domain::two_factor::{policy_gate, AccountRequest};
use domain::{AccountId, ErrorCode};
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "orgspace_session";

/// A JSON body. Unreadable JSON is a 400, JSON of the wrong shape a 422 naming
/// the field, both with our problem document.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let mime = v.split(';').next().unwrap_or_default().trim();
                mime == "application/json" || mime.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::Malformed(
                "The body must be JSON, sent with Content-Type: application/json.".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::Malformed(format!("The body could not be read: {e}.")))?;
        let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(deserializer) {
            Ok(value) => Ok(Self(value)),
            Err(error) => {
                let path = error.path().to_string();
                let inner = error.into_inner();
                if inner.is_data() {
                    let field = if path == "." { "body".to_owned() } else { path };
                    Err(ApiError::Invalid(vec![domain::FieldError::new(
                        field,
                        inner.to_string(),
                    )]))
                } else {
                    Err(ApiError::Malformed(format!(
                        "The body is not valid JSON: {inner}."
                    )))
                }
            }
        }
    }
}

/// A path parameter; one that does not parse (a malformed id) names nothing,
/// so it is a 404.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| ApiError::NotFound("resource"))
    }
}

/// Query parameters, read leniently as text; handlers check the values.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| Self(q.0))
            .map_err(|e| ApiError::Invalid(vec![domain::FieldError::new("query", e.body_text())]))
    }
}

/// The caller: a signed-in user (session cookie), or a user acting through one of
/// their API keys (`Authorization: Bearer {key id}.{secret}`); 401 without either.
///
/// A key acts only inside its own account: on `/api/accounts/{id}/…` with
/// another account the answer is 404 (as for any account one cannot see), and on
/// endpoints outside accounts (`/api/me`, sign-out, one's invitations…) it is
/// 403. Inside its account the handlers look up the owner's current membership
/// as for a session, so a key carries exactly its owner's current permissions.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user: UserRow,
    /// The key the call came through, if any.
    pub key: Option<ApiKeyId>,
    /// The session the call came with (none through a key).
    pub session: Option<String>,
    /// The account the route names (`/api/accounts/{id}…`) as this user sees
    /// it, read with the session in one statement; `None` inside: no access.
    account: Option<(AccountId, Option<AccountRow>)>,
}

impl AuthUser {
    /// The account `id` as this caller sees it, or 404 when they have no
    /// access: the row read with the session when the route names `id` (it is
    /// this request's own read, never kept past it), else a read now.
    pub async fn member_account(&self, state: &AppState, id: AccountId) -> ApiResult<AccountRow> {
        match &self.account {
            Some((read, account)) if *read == id => {
                account.clone().ok_or(ApiError::NotFound("account"))
            }
            _ => state.store.member_account(id, self.user.id).await,
        }
    }

    /// Who the activity log names for this call's changes.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user.id,
            api_key: self.key.clone(),
        }
    }
}

/// The session token sent by the client, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `name` sent by the client, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Whether two equally long hex digests are equal, in time independent of where
/// they differ.
fn digests_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Authenticates an `Authorization` header and checks the key's scope.
async fn key_caller(
    state: &AppState,
    parts: &mut Parts,
    authorization: &header::HeaderValue,
) -> Result<AuthUser, ApiError> {
    let text = authorization
        .to_str()
        .map_err(|_| ApiError::Unauthenticated(BearerError::NotBearer.message()))?;
    let (id, secret) = parse_bearer(text).map_err(|e| ApiError::Unauthenticated(e.message()))?;
    let now = crate::clock::now();
    let credentials = state
        .store
        .key_credentials(&id, now)
        .await?
        .filter(|c| digests_equal(&c.secret_hash, &token_hash(secret)))
        .ok_or(ApiError::Unauthenticated(
            "This API key is not valid: it was revoked, or the token is mistyped.",
        ))?;
    if let Some(refusal) = credentials.status.refusal() {
        return Err(ApiError::Unauthenticated(refusal));
    }
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::NotFound("resource"))?;
    let account = params
        .iter()
        .find(|(name, _)| *name == "id")
        .map(|(_, v)| v);
    match account {
        None => return Err(ApiError::denied(
            ErrorCode::Forbidden,
            "An API key acts only inside its own account; this endpoint needs a signed-in session.",
        )),
        Some(raw) if raw.parse::<AccountId>().ok() != Some(credentials.account) => {
            return Err(ApiError::NotFound("account"))
        }
        Some(_) => {}
    }
    let stale = credentials.last_used_at.is_none_or(|at| {
        now.as_millis() - at.as_millis() >= crate::store::api_keys::LAST_USED_PRECISION_MS
    });
    if stale {
        state.store.touch_key(&id, now).await?;
    }
    Ok(AuthUser {
        user: credentials.user,
        key: Some(id),
        session: None,
        account: None,
    })
}

impl<S: Send + Sync> FromRequestParts<S> for AuthUser
where
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let route = route_account(parts, &state).await?;
        // Only the Bearer scheme means an API key: other schemes (a proxy's
        // Basic authentication in front of a staging site) leave the session to decide.
        if let Some(authorization) = parts.headers.get(header::AUTHORIZATION).cloned() {
            let bearer = authorization
                .to_str()
                .ok()
                .and_then(|v| v.split_whitespace().next())
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer"));
            if bearer {
                let caller = key_caller(&state, parts, &authorization).await?;
                two_factor_policy(&state, parts, &caller, route).await?;
                return Ok(caller);
            }
        }
        let token =
            session_token(&parts.headers).ok_or(ApiError::Unauthenticated("Sign in first."))?;
        let now = crate::clock::now();
        let ended = || ApiError::Unauthenticated("Your session has ended. Sign in again.");
        let (user, session, account) = match route {
            Some(id) => {
                let (user, session, account) = state
                    .store
                    .session_with_account(&token_hash(&token), now, id)
                    .await?
                    .ok_or_else(ended)?;
                (user, session, Some((id, account)))
            }
            None => {
                let (user, session) = state
                    .store
                    .user_by_session(&token_hash(&token), now)
                    .await?
                    .ok_or_else(ended)?;
                (user, session, None)
            }
        };
        let stale = now.as_millis() - session.last_seen_at.as_millis() >= LAST_SEEN_PRECISION_MS;
        if stale {
            state.store.touch_session(&session.id, now).await?;
        }
        let caller = Self {
            user,
            key: None,
            session: Some(session.id),
            account,
        };
        two_factor_policy(&state, parts, &caller, route).await?;
        Ok(caller)
    }
}

/// The account an `/api/accounts/{id}…` route names, if it names one.
async fn route_account(parts: &mut Parts, state: &AppState) -> ApiResult<Option<AccountId>> {
    let named = parts
        .extensions
        .get::<MatchedPath>()
        .is_some_and(|path| path.as_str().starts_with("/api/accounts/{id}"));
    if !named {
        return Ok(None);
    }
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::NotFound("resource"))?;
    Ok(params
        .iter()
        .find(|(name, _)| *name == "id")
        .and_then(|(_, v)| v.parse::<AccountId>().ok()))
}

/// SPEC §15: inside an organization that requires two-factor, a member
/// without it gets 403 `two_factor_required` (through a session or a key
/// alike), except to look at the account and to leave. Users with two-factor
/// on never pay for the check; non-members fall through to the handler's 404.
/// `route` is the account the route names ([`route_account`]).
async fn two_factor_policy(
    state: &AppState,
    parts: &Parts,
    caller: &AuthUser,
    route: Option<AccountId>,
) -> Result<(), ApiError> {
    if caller.user.two_factor_on() {
        return Ok(());
    }
    let Some(id) = route else {
        return Ok(());
    };
    let account = match caller.member_account(state, id).await {
        Ok(account) => account,
        Err(ApiError::NotFound(_)) => return Ok(()),
        Err(error) => return Err(error),
    };
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let request = match (&parts.method, route) {
        (&Method::GET, Some("/api/accounts/{id}")) => AccountRequest::ViewAccount,
        (&Method::POST, Some("/api/accounts/{id}/leave")) => AccountRequest::Leave,
        _ => AccountRequest::Other,
    };
    Ok(policy_gate(
        &account.name,
        account.requires_two_factor(),
        false,
        request,
    )?)
}

/// The longest `User-Agent` kept with a session or a sign-in.
const MAX_USER_AGENT: usize = 512;

/// Where a request comes from: the client's address and `User-Agent`.
#[derive(Clone, Debug)]
pub struct ClientInfo(pub Client);

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo
where
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ClientAddr(ip) = ClientAddr::from_request_parts(parts, state).await?;
        let user_agent: String = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_USER_AGENT)
            .collect();
        Ok(Self(Client {
            ip: ip.to_string(),
            user_agent,
        }))
    }
}

/// The client's address: the peer, or with `--trust-proxy` the first
/// `X-Forwarded-For` entry.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr
where
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok());
            if let Some(ip) = forwarded {
                return Ok(Self(ip));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(Self(peer))
    }
}
