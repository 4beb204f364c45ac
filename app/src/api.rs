//! The only place that does HTTP: typed calls to the server's JSON API.

use domain::api::reads;
use domain::api::{
    AccountView, AuthResponse, ChangePasswordRequest, LoginAnswer, LoginRequest, MeResponse,
    NewOrganizationRequest, PasskeyOptions, PasskeyView, PasskeysView, PasswordConfirmation,
    RecoveryCodesView, RegisterRequest, SecondFactorRequest, TotpEnrollment, UpdateAccountRequest,
};
use domain::{AccountId, ErrorCode, FieldError, Problem};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;

/// Why a call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server refused, with its problem document.
    Problem(Problem),
    /// The server could not be reached.
    Offline,
    /// The server answered something the API does not promise.
    Unexpected(String),
}

impl ApiError {
    /// A sentence for a person.
    pub fn message(&self) -> String {
        match self {
            Self::Problem(problem) => problem.detail.clone(),
            Self::Offline => {
                "Orgspace cannot be reached. Check your connection and try again.".into()
            }
            Self::Unexpected(what) => format!("Something unexpected happened ({what}). Try again."),
        }
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Problem(problem) => Some(problem.code),
            _ => None,
        }
    }

    /// The invalid fields, for forms.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Problem(problem) => problem.errors.clone(),
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

/// So that `ErrorBoundary` can show it.
impl std::error::Error for ApiError {}

// The network part is written once: only the small `serde_json` calls are
// generic over the request and answer types, so each endpoint adds its own
// (de)serializer and not another copy of the request's async state machine
// (issue 18: the wasm the browser downloads).

async fn answer(response: Result<Response, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = response.map_err(|_| ApiError::Offline)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    match response
        .text()
        .await
        .map(|text| serde_json::from_str::<Problem>(&text))
    {
        Ok(Ok(problem)) => Err(ApiError::Problem(problem)),
        _ => Err(ApiError::Unexpected(format!("HTTP {status}"))),
    }
}

/// Sends the request (with `body` as its JSON, if any) and returns the
/// answer's text when the server accepted it.
async fn exchange(request: RequestBuilder, body: Option<String>) -> Result<String, ApiError> {
    let sent = match body {
        Some(body) => {
            request
                .header("content-type", "application/json")
                .body(body)
                .map_err(|e| ApiError::Unexpected(e.to_string()))?
                .send()
                .await
        }
        None => request.send().await,
    };
    text_of(sent).await
}

/// The answer's text when the server accepted the request.
async fn text_of(response: Result<Response, gloo_net::Error>) -> Result<String, ApiError> {
    answer(response)
        .await?
        .text()
        .await
        .map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// One of the opening page's first reads (`opening.rs`): the answer asked for
/// as the app started, if it is still there, else `request` sent now.
async fn opening_or(url: &str, request: RequestBuilder) -> Result<String, ApiError> {
    let Some(started) = crate::opening::take(url) else {
        return exchange(request, None).await;
    };
    let response = wasm_bindgen_futures::JsFuture::from(started)
        .await
        .map_err(|_| ApiError::Offline)
        .and_then(|raw| {
            raw.dyn_into::<web_sys::Response>()
                .map_err(|_| ApiError::Unexpected("not a response".into()))
        })?;
    text_of(Ok(Response::from(response))).await
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Unexpected(e.to_string()))
}

fn encode<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Unexpected(e.to_string()))
}

async fn json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ApiError> {
    decode(&exchange(request, None).await?)
}

async fn json_with<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    let body = encode(body)?;
    decode(&exchange(request, Some(body)).await?)
}

async fn no_content(request: RequestBuilder) -> Result<(), ApiError> {
    exchange(request, None).await.map(|_| ())
}

pub async fn me() -> Result<MeResponse, ApiError> {
    json(Request::get(reads::ME)).await
}

pub async fn register(body: &RegisterRequest) -> Result<AuthResponse, ApiError> {
    json_with(Request::post("/api/auth/register"), body).await
}

/// Signs in: done, or (with two-factor on) the second step is asked.
pub async fn login(body: &LoginRequest) -> Result<LoginAnswer, ApiError> {
    json_with(Request::post("/api/auth/login"), body).await
}

/// Changes the password; the server ends every session and starts a new one here.
pub async fn change_password(body: &ChangePasswordRequest) -> Result<(), ApiError> {
    send_json(Request::put("/api/me/password"), body).await
}

pub async fn logout() -> Result<(), ApiError> {
    no_content(Request::post("/api/auth/logout")).await
}

pub async fn create_organization(body: &NewOrganizationRequest) -> Result<AccountView, ApiError> {
    json_with(Request::post("/api/accounts"), body).await
}

pub async fn update_account(
    id: AccountId,
    body: &UpdateAccountRequest,
) -> Result<AccountView, ApiError> {
    json_with(Request::patch(&format!("/api/accounts/{id}")), body).await
}

pub async fn delete_account(id: AccountId) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("/api/accounts/{id}"))).await
}

pub async fn leave_account(id: AccountId) -> Result<(), ApiError> {
    no_content(Request::post(&format!("/api/accounts/{id}/leave"))).await
}

pub async fn members(
    id: AccountId,
    query: &str,
    cursor: Option<&str>,
) -> Result<domain::api::Page<domain::api::MemberView>, ApiError> {
    // The parameters go through `query`, not into the path: gloo-net leaves a
    // path's own query string with a trailing `&`, and the first page must be
    // the very URL the server preloads (`reads::members_first_page`).
    let mut params = vec![("limit", reads::MEMBERS_PER_PAGE.to_string())];
    if !query.trim().is_empty() {
        params.push(("q", query.trim().to_owned()));
    }
    if let Some(cursor) = cursor {
        params.push(("cursor", cursor.to_owned()));
    }
    let request = Request::get(&reads::members(id)).query(params);
    if query.trim().is_empty() && cursor.is_none() {
        return decode(&opening_or(&reads::members_first_page(id), request).await?);
    }
    json(request).await
}

pub async fn change_role(
    id: AccountId,
    user: domain::UserId,
    role: domain::OrgRole,
) -> Result<domain::api::MemberView, ApiError> {
    let body = domain::api::ChangeRoleRequest {
        role: role.id().to_owned(),
    };
    json_with(
        Request::patch(&format!("/api/accounts/{id}/members/{user}")),
        &body,
    )
    .await
}

pub async fn remove_member(id: AccountId, user: domain::UserId) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/accounts/{id}/members/{user}"
    )))
    .await
}

pub async fn transfer_ownership(
    id: AccountId,
    body: &domain::api::TransferOwnershipRequest,
) -> Result<AccountView, ApiError> {
    json_with(
        Request::post(&format!("/api/accounts/{id}/transfer-ownership")),
        body,
    )
    .await
}

pub async fn teams(id: AccountId) -> Result<domain::api::Page<domain::api::TeamView>, ApiError> {
    json(Request::get(&format!("/api/accounts/{id}/teams"))).await
}

pub async fn invitations(
    id: AccountId,
    status: Option<domain::invitation::InvitationStatus>,
) -> Result<domain::api::Page<domain::api::InvitationView>, ApiError> {
    let filter = status
        .map(|s| format!("&status={}", s.id()))
        .unwrap_or_default();
    json(Request::get(&format!(
        "/api/accounts/{id}/invitations?limit=200{filter}"
    )))
    .await
}

pub async fn invite(
    id: AccountId,
    body: &domain::api::CreateInvitationRequest,
) -> Result<domain::api::InvitationView, ApiError> {
    json_with(
        Request::post(&format!("/api/accounts/{id}/invitations")),
        body,
    )
    .await
}

pub async fn resend_invitation(
    id: AccountId,
    invitation: domain::ids::InvitationId,
) -> Result<domain::api::InvitationView, ApiError> {
    json(Request::post(&format!(
        "/api/accounts/{id}/invitations/{invitation}/resend"
    )))
    .await
}

pub async fn revoke_invitation(
    id: AccountId,
    invitation: domain::ids::InvitationId,
) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/accounts/{id}/invitations/{invitation}"
    )))
    .await
}

pub async fn my_invitations() -> Result<domain::api::Page<domain::api::InvitationView>, ApiError> {
    json(Request::get("/api/invitations?status=pending&limit=200")).await
}

pub async fn accept_invitation(
    invitation: domain::ids::InvitationId,
) -> Result<AccountView, ApiError> {
    json(Request::post(&format!(
        "/api/invitations/{invitation}/accept"
    )))
    .await
}

pub async fn decline_invitation(invitation: domain::ids::InvitationId) -> Result<(), ApiError> {
    no_content(Request::post(&format!(
        "/api/invitations/{invitation}/decline"
    )))
    .await
}

pub async fn preview_invitation(token: &str) -> Result<domain::api::InvitationView, ApiError> {
    let body = domain::api::InvitationTokenRequest {
        token: token.to_owned(),
    };
    json_with(Request::post("/api/invitations/preview"), &body).await
}

pub async fn accept_invitation_token(token: &str) -> Result<AccountView, ApiError> {
    let body = domain::api::InvitationTokenRequest {
        token: token.to_owned(),
    };
    json_with(Request::post("/api/invitations/accept-token"), &body).await
}

pub async fn billing(id: AccountId) -> Result<domain::api::BillingView, ApiError> {
    let url = reads::billing(id);
    decode(&opening_or(&url, Request::get(&url)).await?)
}

pub async fn create_team(id: AccountId, name: &str) -> Result<domain::api::TeamView, ApiError> {
    let body = domain::api::TeamNameRequest {
        name: name.to_owned(),
    };
    json_with(Request::post(&format!("/api/accounts/{id}/teams")), &body).await
}

pub async fn rename_team(
    id: AccountId,
    team: domain::TeamId,
    name: &str,
) -> Result<domain::api::TeamView, ApiError> {
    let body = domain::api::TeamNameRequest {
        name: name.to_owned(),
    };
    json_with(
        Request::patch(&format!("/api/accounts/{id}/teams/{team}")),
        &body,
    )
    .await
}

pub async fn delete_team(id: AccountId, team: domain::TeamId) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("/api/accounts/{id}/teams/{team}"))).await
}

pub async fn set_team_member(
    id: AccountId,
    team: domain::TeamId,
    user: domain::UserId,
    role: domain::TeamRole,
) -> Result<domain::api::MemberView, ApiError> {
    let body = domain::api::TeamMemberRequest {
        role: role.id().to_owned(),
    };
    json_with(
        Request::put(&format!("/api/accounts/{id}/teams/{team}/members/{user}")),
        &body,
    )
    .await
}

pub async fn remove_team_member(
    id: AccountId,
    team: domain::TeamId,
    user: domain::UserId,
) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/accounts/{id}/teams/{team}/members/{user}"
    )))
    .await
}

/// Every member (up to 200), for pickers.
pub async fn all_members(
    id: AccountId,
) -> Result<domain::api::Page<domain::api::MemberView>, ApiError> {
    json(Request::get(&format!(
        "/api/accounts/{id}/members?limit=200"
    )))
    .await
}

pub async fn instances(
    id: AccountId,
    cursor: Option<&str>,
) -> Result<domain::api::Page<domain::api::InstanceView>, ApiError> {
    let mut url = format!("/api/accounts/{id}/instances?limit=50");
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
    }
    json(Request::get(&url)).await
}

pub async fn create_instance(
    id: AccountId,
    body: &domain::api::CreateInstanceRequest,
) -> Result<domain::api::InstanceView, ApiError> {
    json_with(
        Request::post(&format!("/api/accounts/{id}/instances")),
        body,
    )
    .await
}

pub async fn delete_instance(id: AccountId, instance: domain::InstanceId) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/accounts/{id}/instances/{instance}"
    )))
    .await
}

/// Adds funds; `idempotency_key` makes a retried payment charge once.
pub async fn add_funds(
    id: AccountId,
    amount_cents: i64,
    idempotency_key: &str,
) -> Result<domain::api::BillingView, ApiError> {
    let body = domain::api::FundsRequest { amount_cents };
    json_with(
        Request::post(&format!("/api/accounts/{id}/funds"))
            .header("Idempotency-Key", idempotency_key),
        &body,
    )
    .await
}

pub async fn change_plan(id: AccountId, plan: domain::Plan) -> Result<AccountView, ApiError> {
    let body = domain::api::ChangePlanRequest {
        plan: plan.id().to_owned(),
    };
    json_with(Request::put(&format!("/api/accounts/{id}/plan")), &body).await
}

pub async fn api_keys(
    id: AccountId,
    cursor: Option<&str>,
) -> Result<domain::api::Page<domain::api::ApiKeyView>, ApiError> {
    let mut url = format!("/api/accounts/{id}/api-keys?limit=50");
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
    }
    json(Request::get(&url)).await
}

pub async fn create_api_key(
    id: AccountId,
    body: &domain::api::CreateApiKeyRequest,
) -> Result<domain::api::CreatedApiKey, ApiError> {
    json_with(Request::post(&format!("/api/accounts/{id}/api-keys")), body).await
}

pub async fn revoke_api_key(
    id: AccountId,
    key: &domain::api_keys::ApiKeyId,
) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/accounts/{id}/api-keys/{key}"
    )))
    .await
}

/// The query string of the activity filters (without `?`).
pub fn activity_query(query: &domain::activity::ActivityQuery) -> String {
    let mut parts = Vec::new();
    for (name, value) in [
        ("event", &query.event),
        ("actor", &query.actor),
        ("since", &query.since),
        ("until", &query.until),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{name}={}", js_sys::encode_uri_component(value)));
        }
    }
    parts.join("&")
}

pub async fn activity(
    id: AccountId,
    query: &domain::activity::ActivityQuery,
    cursor: Option<&str>,
) -> Result<domain::api::Page<domain::api::ActivityView>, ApiError> {
    let mut url = format!(
        "/api/accounts/{id}/activity?limit=50&{}",
        activity_query(query)
    );
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
    }
    json(Request::get(&url)).await
}

pub async fn daily_activity(
    id: AccountId,
    query: &domain::activity::ActivityQuery,
    days: u32,
) -> Result<Vec<domain::api::DailyActivity>, ApiError> {
    let filters = domain::activity::ActivityQuery {
        since: None,
        until: None,
        ..query.clone()
    };
    json(Request::get(&format!(
        "/api/accounts/{id}/activity/daily?days={days}&{}",
        activity_query(&filters)
    )))
    .await
}

/// Follows a mailed verification link; the user as they are now.
pub async fn verify_email(token: &str) -> Result<domain::api::UserView, ApiError> {
    #[derive(serde::Deserialize)]
    struct Answer {
        user: domain::api::UserView,
    }
    let body = domain::api::VerifyEmailRequest {
        token: token.to_owned(),
    };
    let answer: Answer = json_with(Request::post("/api/auth/verify-email"), &body).await?;
    Ok(answer.user)
}

/// Mails a fresh verification link to the signed-in user.
pub async fn resend_verification() -> Result<(), ApiError> {
    no_content(Request::post("/api/me/verification-email")).await
}

/// Asks for a password reset link for `email` (the answer never tells whether
/// an account has it).
pub async fn request_password_reset(email: &str) -> Result<(), ApiError> {
    let body = domain::api::PasswordResetRequest {
        email: email.to_owned(),
    };
    send_json(Request::post("/api/auth/password-reset"), &body).await
}

/// Sets a new password with a mailed reset link's token.
pub async fn confirm_password_reset(
    body: &domain::api::PasswordResetConfirmRequest,
) -> Result<(), ApiError> {
    send_json(Request::post("/api/auth/password-reset/confirm"), body).await
}

/// Changes the signed-in user's name.
pub async fn update_profile(name: &str) -> Result<MeResponse, ApiError> {
    let body = domain::api::UpdateProfileRequest {
        name: name.to_owned(),
    };
    json_with(Request::patch("/api/me"), &body).await
}

/// Asks to change the address: a link goes to the new one.
pub async fn change_email(body: &domain::api::ChangeEmailRequest) -> Result<(), ApiError> {
    send_json(Request::put("/api/me/email"), body).await
}

pub async fn sessions() -> Result<domain::api::SessionsView, ApiError> {
    json(Request::get("/api/me/sessions")).await
}

pub async fn revoke_session(id: &str) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/me/sessions/{}",
        js_sys::encode_uri_component(id)
    )))
    .await
}

pub async fn revoke_other_sessions() -> Result<(), ApiError> {
    no_content(Request::delete("/api/me/sessions")).await
}

/// What deleting the user would do to each of their organizations.
pub async fn deletion_plan() -> Result<domain::api::DeletionPlanView, ApiError> {
    json(Request::get("/api/me/deletion")).await
}

/// Deletes the signed-in user (the password confirms it).
pub async fn delete_me(password: &str) -> Result<(), ApiError> {
    let body = domain::api::DeleteUserRequest {
        password: password.to_owned(),
    };
    send_json(Request::delete("/api/me"), &body).await
}

/// The second step of a sign-in: a code, a recovery code or a passkey's answer.
pub async fn second_factor(body: &SecondFactorRequest) -> Result<LoginAnswer, ApiError> {
    json_with(Request::post("/api/auth/two-factor"), body).await
}

/// The options for signing in with a passkey.
pub async fn passkey_challenge() -> Result<PasskeyOptions, ApiError> {
    json(Request::post("/api/auth/two-factor/passkey")).await
}

/// Starts setting up an authenticator app.
pub async fn start_totp() -> Result<TotpEnrollment, ApiError> {
    json(Request::post("/api/me/two-factor/totp")).await
}

/// Confirms the authenticator app with a first code; the recovery codes.
pub async fn confirm_totp(code: &str) -> Result<RecoveryCodesView, ApiError> {
    let body = domain::api::ConfirmTotpRequest {
        code: code.to_owned(),
    };
    json_with(Request::post("/api/me/two-factor/totp/confirm"), &body).await
}

/// A fresh set of recovery codes.
pub async fn new_recovery_codes(password: &str) -> Result<RecoveryCodesView, ApiError> {
    let body = PasswordConfirmation {
        password: password.to_owned(),
    };
    json_with(Request::post("/api/me/two-factor/recovery-codes"), &body).await
}

/// Turns every second factor off.
pub async fn turn_off_two_factor(password: &str) -> Result<(), ApiError> {
    let body = PasswordConfirmation {
        password: password.to_owned(),
    };
    send_json(Request::delete("/api/me/two-factor"), &body).await
}

pub async fn passkeys() -> Result<PasskeysView, ApiError> {
    json(Request::get("/api/me/two-factor/passkeys")).await
}

/// The options for registering a passkey.
pub async fn passkey_options() -> Result<PasskeyOptions, ApiError> {
    json(Request::post("/api/me/two-factor/passkeys/options")).await
}

pub async fn add_passkey(body: &domain::api::NewPasskeyRequest) -> Result<PasskeyView, ApiError> {
    json_with(Request::post("/api/me/two-factor/passkeys"), body).await
}

pub async fn rename_passkey(id: &str, name: &str) -> Result<PasskeyView, ApiError> {
    let body = domain::api::RenamePasskeyRequest {
        name: name.to_owned(),
    };
    let path = format!(
        "/api/me/two-factor/passkeys/{}",
        js_sys::encode_uri_component(id)
    );
    json_with(Request::patch(&path), &body).await
}

pub async fn delete_passkey(id: &str) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/me/two-factor/passkeys/{}",
        js_sys::encode_uri_component(id)
    )))
    .await
}

/// The organization's domains (SPEC §16).
pub async fn domains(id: AccountId) -> Result<domain::api::DomainsView, ApiError> {
    json(Request::get(&format!("/api/accounts/{id}/domains"))).await
}

pub async fn add_domain(id: AccountId, name: &str) -> Result<domain::api::DomainView, ApiError> {
    let body = domain::api::NewDomainRequest {
        domain: name.to_owned(),
    };
    json_with(Request::post(&format!("/api/accounts/{id}/domains")), &body).await
}

/// Looks the domain's TXT record up.
pub async fn verify_domain(
    id: AccountId,
    domain: &str,
) -> Result<domain::api::DomainView, ApiError> {
    let path = format!(
        "/api/accounts/{id}/domains/{}/verify",
        js_sys::encode_uri_component(domain)
    );
    json(Request::post(&path)).await
}

pub async fn remove_domain(id: AccountId, domain: &str) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/accounts/{id}/domains/{}",
        js_sys::encode_uri_component(domain)
    )))
    .await
}

/// The organization's single sign-on connection.
pub async fn sso_connection(
    id: AccountId,
) -> Result<Option<domain::api::SsoConnectionView>, ApiError> {
    match json(Request::get(&format!("/api/accounts/{id}/sso"))).await {
        Ok(view) => Ok(Some(view)),
        Err(error) if error.code() == Some(ErrorCode::NotFound) => Ok(None),
        Err(error) => Err(error),
    }
}

pub async fn save_sso(
    id: AccountId,
    body: &domain::api::SsoConnectionRequest,
) -> Result<domain::api::SsoConnectionView, ApiError> {
    json_with(Request::post(&format!("/api/accounts/{id}/sso")), body).await
}

pub async fn remove_sso(id: AccountId) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("/api/accounts/{id}/sso"))).await
}

/// Where to sign `email` in with single sign-on.
pub async fn start_sso(email: &str) -> Result<domain::api::SsoRedirect, ApiError> {
    let body = domain::api::SsoStartRequest {
        email: email.to_owned(),
    };
    json_with(Request::post("/api/auth/sso"), &body).await
}

/// Sends `body` and expects an answer without content (204 or 202).
async fn send_json<B: Serialize>(request: RequestBuilder, body: &B) -> Result<(), ApiError> {
    let body = encode(body)?;
    exchange(request, Some(body)).await.map(|_| ())
}

// Organization hierarchy (SPEC §17).

pub async fn children(
    id: AccountId,
    cursor: Option<String>,
) -> Result<domain::api::Page<domain::api::ChildView>, ApiError> {
    let mut path = format!("/api/accounts/{id}/children?limit=50");
    if let Some(cursor) = cursor {
        path.push_str(&format!("&cursor={cursor}"));
    }
    json(Request::get(&path)).await
}

pub async fn create_child(
    id: AccountId,
    body: &domain::api::NewChildRequest,
) -> Result<AccountView, ApiError> {
    json_with(Request::post(&format!("/api/accounts/{id}/children")), body).await
}

pub async fn link(id: AccountId, child: AccountId) -> Result<domain::api::LinkOutcome, ApiError> {
    let body = domain::api::LinkRequestBody {
        child_id: child.to_string(),
    };
    json_with(Request::post(&format!("/api/accounts/{id}/links")), &body).await
}

pub async fn unlink(id: AccountId, child: AccountId) -> Result<(), ApiError> {
    no_content(Request::delete(&format!(
        "/api/accounts/{id}/links/{child}"
    )))
    .await
}

pub async fn link_requests(id: AccountId) -> Result<Vec<domain::api::LinkRequestView>, ApiError> {
    json(Request::get(&format!("/api/accounts/{id}/link-requests"))).await
}

/// Accepts (`true`) or declines a link request received by `id`.
pub async fn answer_link_request(
    id: AccountId,
    request: &str,
    accept: bool,
) -> Result<domain::api::LinkRequestView, ApiError> {
    let verb = if accept { "accept" } else { "decline" };
    let path = format!("/api/accounts/{id}/link-requests/{request}/{verb}");
    json(Request::post(&path)).await
}

pub async fn set_billing_mode(
    id: AccountId,
    billing: domain::hierarchy::BillingMode,
) -> Result<AccountView, ApiError> {
    let body = domain::api::BillingModeRequest {
        billing: billing.id().to_owned(),
    };
    json_with(
        Request::put(&format!("/api/accounts/{id}/billing-mode")),
        &body,
    )
    .await
}

pub async fn report(id: AccountId) -> Result<domain::api::HierarchyReport, ApiError> {
    json(Request::get(&format!(
        "/api/accounts/{id}/report?limit=200"
    )))
    .await
}
