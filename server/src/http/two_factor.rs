//! Two-factor authentication (SPEC §15): setting up an authenticator app,
//! recovery codes, passkeys, turning it off, and the second step of signing
//! in. Every change is an entry of the user's personal log and mails a notice.

use super::extract::{ApiJson, ApiPath, AuthUser, ClientInfo};
use super::responses::{Invalid, NotFound, Unauthenticated};
use super::sessions::{
    cleared_pending_cookie, finish_sign_in, password_failures, password_matches, pending_token,
    record_failed_sign_in, set_cookie,
};
use super::state::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::mail::templates;
use crate::operations::{AccountTx, Change};
use crate::secrets::token_hash;
use crate::store::auth::lock_user;
use crate::store::two_factor::{
    clear_two_factor, confirm_totp as save_totp, delete_passkey as remove_passkey,
    delete_pending_sign_in, insert_passkey, organizations_requiring_two_factor, passkey_used,
    rename_passkey as save_name, replace_recovery_codes, take_passkey_registration,
    use_recovery_code, use_totp_step, PasskeyRow,
};
use crate::store::{Actor, Target, UserRow};
use crate::two_factor::{new_recovery_codes, TotpSecret};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::activity::Event;
use domain::api::{
    ConfirmTotpRequest, LoginAnswer, NewPasskeyRequest, PasskeyOptions, PasskeyView, PasskeysView,
    PasswordConfirmation, RecoveryCodesView, RenamePasskeyRequest, SecondFactor,
    SecondFactorRequest, TotpEnrollment,
};
use domain::two_factor::{display_recovery_code, may_turn_off, Method};
use domain::{Denial, ErrorCode, FieldError, Problem, Timestamp};
use serde_json::json;
use std::sync::Arc;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential,
};
use webauthn_rs::Webauthn;

/// How long a passkey registration's challenge stays valid.
const PASSKEY_CEREMONY_SECONDS: i64 = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/two-factor", delete(turn_off))
        .route("/me/two-factor/totp", post(start_totp))
        .route("/me/two-factor/totp/confirm", post(confirm_totp))
        .route("/me/two-factor/recovery-codes", post(new_codes))
        .route(
            "/me/two-factor/passkeys",
            get(list_passkeys).post(add_passkey),
        )
        .route("/me/two-factor/passkeys/options", post(passkey_options))
        .route(
            "/me/two-factor/passkeys/{passkey_id}",
            delete(delete_passkey).patch(rename_passkey),
        )
        .route("/auth/two-factor", post(second_factor))
        .route("/auth/two-factor/passkey", post(passkey_challenge))
}

/// `two_factor_code_invalid` with `status` (401 at sign-in, 422 when setting up).
fn code_invalid(status: u16, detail: &str) -> ApiError {
    ApiError::Problem(Problem::with_status(
        ErrorCode::TwoFactorCodeInvalid,
        status,
        detail,
    ))
}

/// 409 `two_factor_required`: the change needs two-factor to be on first.
fn needs_two_factor_first(what: &str) -> ApiError {
    ApiError::with_status(
        Denial::new(
            ErrorCode::TwoFactorRequired,
            format!("Turn on two-factor authentication with an authenticator app first: {what}."),
        ),
        409,
    )
}

/// 403 `password_incorrect` unless `password` is the user's (rate limited
/// like sign-ins).
async fn confirm_password(state: &AppState, user: &UserRow, password: &str) -> ApiResult<()> {
    if password_matches(state, user, password).await? {
        Ok(())
    } else {
        Err(ApiError::denied(
            ErrorCode::PasswordIncorrect,
            "The password is wrong.",
        ))
    }
}

/// The deployment's WebAuthn relying party, or why passkeys are unavailable.
fn relying_party(state: &AppState) -> ApiResult<Arc<Webauthn>> {
    state.webauthn.clone().ok_or_else(|| {
        ApiError::Internal(
            "passkeys need ORGSPACE_PUBLIC_URL to name a domain (browsers refuse them for an IP address)".into(),
        )
    })
}

fn stored_passkey(row: &PasskeyRow) -> ApiResult<Passkey> {
    serde_json::from_str(&row.passkey)
        .map_err(|e| ApiError::Internal(format!("stored passkey {} is unreadable: {e}", row.id)))
}

fn to_json<T: serde::Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(format!("serialising: {e}")))
}

/// Mails `what` ("Two-factor authentication was turned on") to the user.
async fn notify(state: &AppState, user: &UserRow, what: &str, at: Timestamp) {
    let mail = templates::two_factor_notice(&user.email, &user.name, what, at);
    state.mail(mail).await;
}

/// A fresh set of recovery codes: stored hashed, shown once.
async fn fresh_codes(tx: &mut AccountTx, user: &UserRow) -> ApiResult<RecoveryCodesView> {
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|code| token_hash(code)).collect();
    replace_recovery_codes(tx.tx(), user.id, &hashes).await?;
    Ok(RecoveryCodesView {
        recovery_codes: codes.iter().map(|c| display_recovery_code(c)).collect(),
    })
}

/// Starts setting up an authenticator app: a new secret, on once a code from
/// it is confirmed. Starting again replaces a secret not yet confirmed.
#[utoipa::path(post, path = "/api/me/two-factor/totp", tag = "two-factor", responses(
    (status = 200, description = "The secret and its otpauth URI, for a QR code", body = TotpEnrollment),
    Unauthenticated))]
pub async fn start_totp(
    State(state): State<AppState>,
    caller: AuthUser,
) -> ApiResult<Json<TotpEnrollment>> {
    let secret = TotpSecret::generate();
    let enrollment = secret.enrollment(&caller.user.email)?;
    state
        .store
        .set_pending_totp(caller.user.id, &secret)
        .await?;
    Ok(Json(enrollment))
}

/// Confirms the authenticator app with its first code: two-factor is on (or
/// the app replaced), and a fresh set of recovery codes is shown once.
#[utoipa::path(post, path = "/api/me/two-factor/totp/confirm", tag = "two-factor", request_body = ConfirmTotpRequest, responses(
    (status = 200, description = "On; ten recovery codes, shown only now", body = RecoveryCodesView),
    Unauthenticated,
    (status = 422, description = "`two_factor_code_invalid`: the code does not match (or no app is being set up); `validation`: not six digits", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn confirm_totp(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<ConfirmTotpRequest>,
) -> ApiResult<Json<RecoveryCodesView>> {
    let user = &caller.user;
    let code = request.validate().map_err(ApiError::Invalid)?;
    let Some(secret) = user.totp_pending_secret.clone() else {
        return Err(code_invalid(
            422,
            "No authenticator app is being set up: start again.",
        ));
    };
    let now = now();
    let (bucket, limit) = password_failures(&state, &user.email);
    state.store.check_rate(&bucket, limit, now).await?;
    let Some(step) = secret.matching_step(&code, now)? else {
        state.store.hit_rate(&bucket, now).await?;
        return Err(code_invalid(
            422,
            "That code does not match. Check that the app shows Orgspace and that your device's clock is right, then try the newest code.",
        ));
    };
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    let replaced = user.two_factor_on();
    save_totp(tx.tx(), user.id, &secret, step).await?;
    let codes = fresh_codes(&mut tx, user).await?;
    let payload = json!({ "method": Method::Totp.id(), "replaced": replaced });
    tx.commit(Change::new(
        Event::UserTwoFactorEnabled,
        Target::User(user.id),
        payload,
    ))
    .await?;
    let what = match replaced {
        true => "A new authenticator app was set up",
        false => "Two-factor authentication was turned on",
    };
    notify(&state, user, what, now).await;
    Ok(Json(codes))
}

/// Replaces the recovery codes (the old set stops working).
#[utoipa::path(post, path = "/api/me/two-factor/recovery-codes", tag = "two-factor", request_body = PasswordConfirmation, responses(
    (status = 200, description = "A fresh set, shown only now", body = RecoveryCodesView),
    Unauthenticated,
    (status = 403, description = "`password_incorrect`", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`two_factor_required`: two-factor is off", body = Problem, content_type = "application/problem+json"),
    Invalid,
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn new_codes(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<PasswordConfirmation>,
) -> ApiResult<Json<RecoveryCodesView>> {
    let user = &caller.user;
    let password = request.validate().map_err(ApiError::Invalid)?;
    if !user.two_factor_on() {
        return Err(needs_two_factor_first("recovery codes answer it"));
    }
    confirm_password(&state, user, password).await?;
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    let now = tx.now();
    let codes = fresh_codes(&mut tx, user).await?;
    tx.commit(Change::new(
        Event::UserRecoveryCodesRegenerated,
        Target::User(user.id),
        json!({}),
    ))
    .await?;
    notify(&state, user, "New recovery codes were made", now).await;
    Ok(Json(codes))
}

/// Turns every second factor off (authenticator app, passkeys, recovery
/// codes) — not while the user belongs to an organization that requires it.
#[utoipa::path(delete, path = "/api/me/two-factor", tag = "two-factor", request_body = PasswordConfirmation, responses(
    (status = 204, description = "Off"),
    Unauthenticated,
    (status = 403, description = "`password_incorrect`", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`two_factor_required`: an organization of the user requires it", body = Problem, content_type = "application/problem+json"),
    Invalid,
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn turn_off(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<PasswordConfirmation>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let password = request.validate().map_err(ApiError::Invalid)?;
    confirm_password(&state, user, password).await?;
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    // After the user's lock: joining an organization takes it too.
    lock_user(tx.tx(), user.id).await?;
    let requiring = organizations_requiring_two_factor(tx.tx(), user.id).await?;
    may_turn_off(&requiring).map_err(|denial| ApiError::with_status(denial, 409))?;
    let now = tx.now();
    clear_two_factor(tx.tx(), user.id).await?;
    if !user.two_factor_on() {
        tx.unchanged();
        return Ok(StatusCode::NO_CONTENT);
    }
    tx.commit(Change::new(
        Event::UserTwoFactorDisabled,
        Target::User(user.id),
        json!({}),
    ))
    .await?;
    notify(
        &state,
        user,
        "Two-factor authentication was turned off",
        now,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// The user's passkeys.
#[utoipa::path(get, path = "/api/me/two-factor/passkeys", tag = "two-factor", responses(
    (status = 200, description = "Oldest first", body = PasskeysView),
    Unauthenticated))]
pub async fn list_passkeys(
    State(state): State<AppState>,
    caller: AuthUser,
) -> ApiResult<Json<PasskeysView>> {
    let rows = state.store.passkeys_of(caller.user.id).await?;
    Ok(Json(PasskeysView {
        items: rows.iter().map(PasskeyRow::view).collect(),
    }))
}

/// Starts registering a passkey: the options for the browser's
/// `navigator.credentials.create`. Two-factor must be on (a passkey is a
/// further way to answer it).
#[utoipa::path(post, path = "/api/me/two-factor/passkeys/options", tag = "two-factor", responses(
    (status = 200, description = "WebAuthn creation options (valid five minutes)", body = PasskeyOptions),
    Unauthenticated,
    (status = 409, description = "`two_factor_required`: two-factor is off", body = Problem, content_type = "application/problem+json")))]
pub async fn passkey_options(
    State(state): State<AppState>,
    caller: AuthUser,
) -> ApiResult<Json<PasskeyOptions>> {
    let user = &caller.user;
    if !user.two_factor_on() {
        return Err(needs_two_factor_first(
            "a passkey is a further way to answer it",
        ));
    }
    let webauthn = relying_party(&state)?;
    let mut known = Vec::new();
    for row in state.store.passkeys_of(user.id).await? {
        known.push(stored_passkey(&row)?.cred_id().clone());
    }
    let (options, ceremony) = webauthn
        .start_passkey_registration(user.id.as_uuid(), &user.email, &user.name, Some(known))
        .map_err(|e| ApiError::Internal(format!("passkey registration: {e}")))?;
    let expires_at = now().plus_seconds(PASSKEY_CEREMONY_SECONDS);
    let ceremony = to_json(&ceremony)?;
    state
        .store
        .put_passkey_registration(user.id, &ceremony, expires_at)
        .await?;
    let options = serde_json::to_value(&options)
        .map_err(|e| ApiError::Internal(format!("serialising: {e}")))?;
    Ok(Json(PasskeyOptions { options }))
}

/// Registers the passkey the browser made from the options.
#[utoipa::path(post, path = "/api/me/two-factor/passkeys", tag = "two-factor", request_body = NewPasskeyRequest, responses(
    (status = 201, description = "Registered", body = PasskeyView),
    Unauthenticated,
    (status = 409, description = "`two_factor_required`: two-factor is off", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`two_factor_code_invalid`: the passkey was not accepted (or the options expired); `validation`", body = Problem, content_type = "application/problem+json")))]
pub async fn add_passkey(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<NewPasskeyRequest>,
) -> ApiResult<Response> {
    let user = &caller.user;
    let name = request.validate().map_err(ApiError::Invalid)?;
    if !user.two_factor_on() {
        return Err(needs_two_factor_first(
            "a passkey is a further way to answer it",
        ));
    }
    let credential: RegisterPublicKeyCredential = serde_json::from_value(request.credential)
        .map_err(|e| {
            ApiError::Invalid(vec![FieldError::new(
                "credential",
                format!("is not a WebAuthn registration response: {e}"),
            )])
        })?;
    let webauthn = relying_party(&state)?;
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    let now = tx.now();
    let ceremony = take_passkey_registration(tx.tx(), user.id, now)
        .await?
        .ok_or_else(|| code_invalid(422, "The passkey request expired: add the passkey again."))?;
    let ceremony: PasskeyRegistration = serde_json::from_str(&ceremony)
        .map_err(|e| ApiError::Internal(format!("stored passkey ceremony: {e}")))?;
    let passkey = webauthn
        .finish_passkey_registration(&credential, &ceremony)
        .map_err(|e| {
            code_invalid(
                422,
                &format!("The passkey was not accepted ({e}). Try again."),
            )
        })?;
    let row = PasskeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        name,
        created_at: now,
        last_used_at: None,
        passkey: to_json(&passkey)?,
    };
    let credential_id = URL_SAFE_NO_PAD.encode(passkey.cred_id().as_ref() as &[u8]);
    if !insert_passkey(tx.tx(), user.id, &row, &credential_id).await? {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "credential",
            "this passkey is registered already",
        )]));
    }
    let payload = json!({ "passkey_id": row.id, "name": row.name });
    tx.commit(Change::new(
        Event::UserPasskeyAdded,
        Target::User(user.id),
        payload,
    ))
    .await?;
    let what = format!("The passkey \"{}\" was added", row.name);
    notify(&state, user, &what, now).await;
    Ok((StatusCode::CREATED, Json(row.view())).into_response())
}

/// Renames one of the user's passkeys.
#[utoipa::path(patch, path = "/api/me/two-factor/passkeys/{passkey_id}", tag = "two-factor", request_body = RenamePasskeyRequest,
    params(("passkey_id" = String, Path, description = "Passkey id")),
    responses(
        (status = 200, description = "Renamed", body = PasskeyView),
        Unauthenticated,
        NotFound,
        Invalid))]
pub async fn rename_passkey(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<RenamePasskeyRequest>,
) -> ApiResult<Json<PasskeyView>> {
    let name = request.validate().map_err(ApiError::Invalid)?;
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    let row = save_name(tx.tx(), caller.user.id, &id, &name)
        .await?
        .ok_or(ApiError::NotFound("passkey"))?;
    let payload = json!({ "passkey_id": row.id, "name": row.name });
    tx.commit(Change::new(
        Event::UserPasskeyRenamed,
        Target::User(caller.user.id),
        payload,
    ))
    .await?;
    Ok(Json(row.view()))
}

/// Deletes one of the user's passkeys.
#[utoipa::path(delete, path = "/api/me/two-factor/passkeys/{passkey_id}", tag = "two-factor",
    params(("passkey_id" = String, Path, description = "Passkey id")),
    responses((status = 204, description = "Deleted"), Unauthenticated, NotFound))]
pub async fn delete_passkey(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let mut tx = AccountTx::personal(&state.store, caller.actor()).await?;
    let now = tx.now();
    let name = remove_passkey(tx.tx(), user.id, &id)
        .await?
        .ok_or(ApiError::NotFound("passkey"))?;
    let payload = json!({ "passkey_id": id, "name": name });
    tx.commit(Change::new(
        Event::UserPasskeyRemoved,
        Target::User(user.id),
        payload,
    ))
    .await?;
    notify(
        &state,
        user,
        &format!("The passkey \"{name}\" was removed"),
        now,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// The pending sign-in of this request: its token's hash and its user.
async fn pending(
    state: &AppState,
    headers: &HeaderMap,
) -> ApiResult<(String, UserRow, Option<String>)> {
    const EXPIRED: &str =
        "This sign-in expired (after 5 minutes) or was finished. Enter your password again.";
    let hash = pending_token(headers)
        .map(|token| token_hash(&token))
        .ok_or(ApiError::Unauthenticated(EXPIRED))?;
    let pending = state
        .store
        .pending_sign_in(&hash, now())
        .await?
        .ok_or(ApiError::Unauthenticated(EXPIRED))?;
    let user = state
        .store
        .user_by_id(pending.user)
        .await?
        .filter(UserRow::two_factor_on)
        .ok_or(ApiError::Unauthenticated(EXPIRED))?;
    Ok((hash, user, pending.passkey_state))
}

/// Asks for a passkey at sign-in: the options for the browser's
/// `navigator.credentials.get`, bound to this pending sign-in.
#[utoipa::path(post, path = "/api/auth/two-factor/passkey", tag = "two-factor", responses(
    (status = 200, description = "WebAuthn request options", body = PasskeyOptions),
    (status = 401, description = "`unauthenticated`: no pending sign-in (or it expired); `two_factor_code_invalid`: the user has no passkey", body = Problem, content_type = "application/problem+json")))]
pub async fn passkey_challenge(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<PasskeyOptions>> {
    let (hash, user, _) = pending(&state, &headers).await?;
    let webauthn = relying_party(&state)?;
    let mut passkeys = Vec::new();
    for row in state.store.passkeys_of(user.id).await? {
        passkeys.push(stored_passkey(&row)?);
    }
    if passkeys.is_empty() {
        return Err(code_invalid(
            401,
            "You have no passkey yet: use a code from your authenticator app.",
        ));
    }
    let (options, ceremony) = webauthn
        .start_passkey_authentication(&passkeys)
        .map_err(|e| ApiError::Internal(format!("passkey authentication: {e}")))?;
    state
        .store
        .set_pending_passkey_state(&hash, &to_json(&ceremony)?)
        .await?;
    let options = serde_json::to_value(&options)
        .map_err(|e| ApiError::Internal(format!("serialising: {e}")))?;
    Ok(Json(PasskeyOptions { options }))
}

/// A second factor that matched, to spend in the sign-in's transaction.
enum Answer {
    /// An authenticator code of this step (refused if the step was used).
    TotpStep(u64),
    /// A recovery code, by its hash (refused if used).
    RecoveryCode(String),
    /// A passkey that signed the challenge: its id and updated record.
    Passkey { id: String, record: String },
}

/// What `factor` proves for `user`, checked before the transaction opens (it
/// reads the user's passkeys); `None` if it does not match.
async fn check(
    state: &AppState,
    user: &UserRow,
    factor: &SecondFactor,
    passkey_state: Option<&str>,
    now: Timestamp,
) -> ApiResult<Option<Answer>> {
    match factor {
        SecondFactor::Totp(code) => match &user.totp_secret {
            Some(secret) => Ok(secret.matching_step(code, now)?.map(Answer::TotpStep)),
            None => Ok(None),
        },
        SecondFactor::RecoveryCode(code) => Ok(Some(Answer::RecoveryCode(token_hash(code)))),
        SecondFactor::Passkey(answer) => {
            let Some(ceremony) = passkey_state else {
                return Ok(None);
            };
            let ceremony: PasskeyAuthentication = serde_json::from_str(ceremony)
                .map_err(|e| ApiError::Internal(format!("stored passkey ceremony: {e}")))?;
            let credential = serde_json::from_value::<PublicKeyCredential>(answer.clone())
                .map_err(|e| {
                    ApiError::Invalid(vec![FieldError::new(
                        "passkey",
                        format!("is not a WebAuthn authentication response: {e}"),
                    )])
                })?;
            let webauthn = relying_party(state)?;
            let Ok(result) = webauthn.finish_passkey_authentication(&credential, &ceremony) else {
                return Ok(None);
            };
            for row in state.store.passkeys_of(user.id).await? {
                let mut passkey = stored_passkey(&row)?;
                if passkey.update_credential(&result).is_some() {
                    let record = to_json(&passkey)?;
                    return Ok(Some(Answer::Passkey { id: row.id, record }));
                }
            }
            Ok(None)
        }
    }
}

/// Spends a matching answer; `false` if it was spent already (a replayed
/// code, a used recovery code).
async fn spend(tx: &mut AccountTx, user: &UserRow, answer: &Answer) -> ApiResult<bool> {
    let now = tx.now();
    match answer {
        Answer::TotpStep(step) => use_totp_step(tx.tx(), user.id, *step).await,
        Answer::RecoveryCode(hash) => use_recovery_code(tx.tx(), user.id, hash, now).await,
        Answer::Passkey { id, record } => {
            passkey_used(tx.tx(), id, record, now).await?;
            Ok(true)
        }
    }
}

/// Finishes a sign-in with its second factor: an authenticator code (once per
/// code), a recovery code (once each) or a passkey. Wrong answers count
/// against the same budget as wrong passwords.
#[utoipa::path(post, path = "/api/auth/two-factor", tag = "two-factor", request_body = SecondFactorRequest, responses(
    (status = 200, description = "Signed in; sets the session cookie", body = LoginAnswer),
    (status = 401, description = "`two_factor_code_invalid`: wrong, used, or too old; `unauthenticated`: no pending sign-in (or it expired)", body = Problem, content_type = "application/problem+json"),
    Invalid,
    (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json")))]
pub async fn second_factor(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SecondFactorRequest>,
) -> ApiResult<Response> {
    let (hash, user, passkey_state) = pending(&state, &headers).await?;
    let factor = request.validate().map_err(ApiError::Invalid)?;
    let method = match factor {
        SecondFactor::Totp(_) => Method::Totp,
        SecondFactor::RecoveryCode(_) => Method::RecoveryCode,
        SecondFactor::Passkey(_) => Method::Passkey,
    };
    let now = now();
    let (bucket, limit) = password_failures(&state, &user.email);
    state.store.check_rate(&bucket, limit, now).await?;
    let answer = check(&state, &user, &factor, passkey_state.as_deref(), now).await?;
    let mut tx = AccountTx::personal(&state.store, Actor::user(user.id)).await?;
    let spent = match &answer {
        Some(answer) => spend(&mut tx, &user, answer).await?,
        None => false,
    };
    // Deleting the pending sign-in decides a race between two right answers.
    if !spent || !delete_pending_sign_in(tx.tx(), &hash).await? {
        tx.unchanged();
        state.store.hit_rate(&bucket, now).await?;
        record_failed_sign_in(&state, user.id, client, Some(method));
        return Err(code_invalid(
            401,
            match method {
                Method::Totp => "That code is not right, or it was used already. Enter the newest code from your authenticator app.",
                Method::RecoveryCode => "That recovery code is not one of yours, or it was used already.",
                Method::Passkey => "The passkey was not accepted. Try again, or use a code.",
            },
        ));
    }
    let mut response = finish_sign_in(&state, tx, &user, &client, &headers, Some(method)).await?;
    set_cookie(&mut response, &cleared_pending_cookie(&state));
    Ok(response)
}
