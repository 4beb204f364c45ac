//! Invitations: an Owner invites by email; the invitee accepts or declines, by id
//! when signed in or by the token from the mail link.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_of, PageParams};
use super::responses::{created, Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::mail::templates;
use crate::operations::invitations::{
    accept_invitation as accept, decline_invitation as decline, invitation, Proof,
};
use crate::operations::{AccountTx, Change};
use crate::secrets::{random_token, token_hash};
use crate::store::invitations::{self as invitations_db, InvitationKey, NewInvitationRow};
use crate::store::sso::sso_required_in;
use crate::store::teams::{first_team, teams_of_account};
use crate::store::{InvitationScope, Target, UserRow};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::activity::Event;
use domain::api::{
    AccountView, CreateInvitationRequest, InvitationTokenRequest, InvitationView, NewInvitation,
    Page,
};
use domain::ids::InvitationId;
use domain::invitation::InvitationStatus;
use domain::rules::check_seat;
use domain::sso::{email_domain, invite_by_email};
use domain::{AccountId, ErrorCode, FieldError, Permission, Problem, TeamId, TeamRole};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/accounts/{id}/invitations",
            get(list_invitations).post(create_invitation),
        )
        .route(
            "/accounts/{id}/invitations/{invitation_id}/resend",
            post(resend_invitation),
        )
        .route(
            "/accounts/{id}/invitations/{invitation_id}",
            delete(revoke_invitation),
        )
        .route("/invitations", get(list_my_invitations))
        .route("/invitations/accept-token", post(accept_invitation_token))
        .route("/invitations/preview", post(preview_invitation))
        .route(
            "/invitations/{invitation_id}/accept",
            post(accept_invitation),
        )
        .route(
            "/invitations/{invitation_id}/decline",
            post(decline_invitation),
        )
}

/// `?status=&limit=&cursor=` of invitation lists.
#[derive(Debug, Default, Deserialize)]
pub struct InvitationsQuery {
    pub status: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl InvitationsQuery {
    fn parse(&self) -> ApiResult<(Option<InvitationStatus>, Option<InvitationId>, usize)> {
        let paging = PageParams {
            limit: self.limit.clone(),
            cursor: self.cursor.clone(),
        }
        .parse()?;
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(raw.parse().map_err(|_| {
                ApiError::Invalid(vec![FieldError::new(
                    "status",
                    "must be pending, accepted, declined, revoked or expired",
                )])
            })?),
        };
        let cursor = paging
            .cursor
            .as_deref()
            .map(|raw| raw.parse().map_err(|_| PageParams::bad_cursor()))
            .transpose()?;
        Ok((status, cursor, paging.limit))
    }
}

/// Sends the invitation mail with its link. A mail failure is logged, not
/// returned: the invitation exists and an Owner can resend it.
async fn send_invitation_mail(
    state: &AppState,
    invitation: &InvitationView,
    inviter: &UserRow,
    token: &str,
) {
    let base = state.config.base_url();
    let from = (inviter.name.as_str(), inviter.email.as_str());
    state
        .mail(templates::invitation(
            &base,
            invitation,
            from,
            token,
            clock::now(),
        ))
        .await;
}

/// The teams a new invitation brings: those it names (each must be the
/// organization's), or the first team as team member.
async fn invitation_teams(
    tx: &mut AccountTx,
    invite: &NewInvitation,
) -> ApiResult<Vec<(TeamId, TeamRole)>> {
    let id = tx.account().id;
    if invite.teams.is_empty() {
        let first = first_team(tx.tx(), id).await?.ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new(
                "teams",
                "this organization has no team; name one",
            )])
        })?;
        return Ok(vec![(first, TeamRole::TeamMember)]);
    }
    let ids: Vec<_> = invite.teams.iter().map(|(t, _)| *t).collect();
    let known = teams_of_account(tx.tx(), id, &ids).await?;
    let errors: Vec<FieldError> = (0..ids.len())
        .filter(|i| !known.contains(&ids[*i]))
        .map(|i| {
            FieldError::new(
                format!("teams[{i}].team_id"),
                "is not a team of this organization",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(invite.teams.clone())
    } else {
        Err(ApiError::Invalid(errors))
    }
}

/// The seats in use for inviting `email`: members (as read under the
/// account's lock) and pending invitations, after marking overdue
/// invitations expired (which also frees their email for a new invitation).
/// Refuses with `already_member` when someone with `email` is a member.
async fn seats_for(tx: &mut AccountTx, email: &str) -> ApiResult<(u32, u32)> {
    let (id, now) = (tx.account().id, tx.now());
    invitations_db::expire_due(tx.tx(), id, now).await?;
    let here = invitations_db::address_here(tx.tx(), id, email).await?;
    if here.member {
        let name = &tx.account().name;
        return Err(ApiError::denied(
            ErrorCode::AlreadyMember,
            format!("{email} is already a member of {name}."),
        ));
    }
    Ok((tx.account().member_count(), here.pending))
}

/// Invites an email with a role and teams (Owners). Members plus pending
/// invitations may not pass the plan's seats.
#[utoipa::path(post, path = "/api/accounts/{id}/invitations", tag = "invitations", request_body = CreateInvitationRequest,
    params(("id" = AccountId, Path, description = "Account id")),
    responses(
        (status = 201, description = "Invited; the mail is sent", body = InvitationView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`already_member`, `invitation_pending` or `member_limit_reached`", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn create_invitation(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiJson(request): ApiJson<CreateInvitationRequest>,
) -> ApiResult<Response> {
    let mut tx = AccountTx::open(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageInvitations,
    )
    .await?;
    let invite = request.validate().map_err(ApiError::Invalid)?;
    let teams = invitation_teams(&mut tx, &invite).await?;
    let email = invite.email.as_str();
    let domain = email_domain(email).unwrap_or_default();
    let required = sso_required_in(tx.tx(), id, &domain).await?;
    invite_by_email(&tx.account().name, required)?;
    let (members, pending) = seats_for(&mut tx, email).await?;
    let (token, invitation_id) = (
        random_token(),
        InvitationId::from_uuid(uuid::Uuid::now_v7()),
    );
    let row = NewInvitationRow {
        id: invitation_id,
        account: id,
        email,
        role: invite.role,
        note: invite.note.as_deref(),
        invited_by: caller.user.id,
        token_hash: &token_hash(&token),
        expires_at: tx.now().plus_seconds(state.config.invitation_ttl),
    };
    // A pending invitation for this email is refused before the seat count, so
    // the answer names the real obstacle.
    let now = tx.now();
    if !invitations_db::insert_invitation(tx.tx(), &row, now).await? {
        return Err(pending_already(email, &tx.account().name));
    }
    check_seat(tx.account().plan, members, pending)?;
    for (team, role) in &teams {
        invitations_db::insert_invitation_team(tx.tx(), invitation_id, *team, *role).await?;
    }
    let teams_json: Vec<_> = teams
        .iter()
        .map(|(t, r)| json!({"team_id": t.to_string(), "role": r.id()}))
        .collect();
    let payload = json!({ "email": email, "role": invite.role.id(), "teams": teams_json });
    tx.commit(Change::new(
        Event::MemberInvited,
        Target::Invitation(invitation_id),
        payload,
    ))
    .await?;
    let view = invitation(&state.store, InvitationKey::Id(invitation_id), clock::now()).await?;
    send_invitation_mail(&state, &view, &caller.user, &token).await;
    Ok(created(
        format!("/api/accounts/{id}/invitations/{invitation_id}"),
        view,
    ))
}

/// `invitation_pending`: `email` already has a pending invitation to `organization`.
fn pending_already(email: &str, organization: &str) -> ApiError {
    ApiError::denied(
        ErrorCode::InvitationPending,
        format!("{email} already has a pending invitation to {organization}. Resend it instead."),
    )
}

/// The organization's invitations, newest first, optionally of one status (Owners).
#[utoipa::path(get, path = "/api/accounts/{id}/invitations", tag = "invitations",
    params(("id" = AccountId, Path, description = "Account id"),
        ("status" = Option<InvitationStatus>, Query, description = "Only this status"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "From `next_cursor`")),
    responses(
        (status = 200, description = "A page of invitations", body = Page<InvitationView>),
        Unauthenticated,
        Forbidden,
        NotFound,
        Invalid))]
pub async fn list_invitations(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(query): ApiQuery<InvitationsQuery>,
) -> ApiResult<Json<Page<InvitationView>>> {
    let account = caller.member_account(&state, id).await?;
    account.decide(Permission::ManageInvitations)?;
    let (status, cursor, limit) = query.parse()?;
    let scope = InvitationScope::Account(&account);
    let now = clock::now();
    let page = state
        .store
        .list_invitations(scope, status, cursor, limit, now);
    Ok(Json(page_of(page.await?)))
}

/// Sends an invitation again with a new link and a new expiry (Owners). An
/// expired, revoked or declined one becomes pending again if a seat is free.
#[utoipa::path(post, path = "/api/accounts/{id}/invitations/{invitation_id}/resend", tag = "invitations",
    params(("id" = AccountId, Path, description = "Account id"), ("invitation_id" = InvitationId, Path, description = "Invitation id")),
    responses(
        (status = 200, description = "Pending again, with a new expiry", body = InvitationView),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`already_member`, `invitation_pending` or `member_limit_reached`", body = Problem, content_type = "application/problem+json")))]
pub async fn resend_invitation(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, invitation_id)): ApiPath<(AccountId, InvitationId)>,
) -> ApiResult<Json<InvitationView>> {
    let mut tx = AccountTx::open(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageInvitations,
    )
    .await?;
    let facts = invitations_db::invitation_facts(tx.tx(), invitation_id)
        .await?
        .filter(|f| f.account == id)
        .ok_or(ApiError::NotFound("invitation"))?;
    let now = tx.now();
    let renewed = facts.state.resend(now, state.config.invitation_ttl)?;
    if !facts.state.holds_seat(now) {
        let (members, pending) = seats_for(&mut tx, &facts.email).await?;
        check_seat(tx.account().plan, members, pending)?;
    }
    let token = random_token();
    let hash = token_hash(&token);
    if !invitations_db::save_state(tx.tx(), invitation_id, renewed, Some(&hash)).await? {
        return Err(pending_already(&facts.email, &tx.account().name));
    }
    let payload = json!({ "email": facts.email, "previous_status": facts.state.status_at(now).id(), "expires_at": renewed.expires_at().to_string() });
    tx.commit(Change::new(
        Event::MemberInvitationResent,
        Target::Invitation(invitation_id),
        payload,
    ))
    .await?;
    let view = invitation(&state.store, InvitationKey::Id(invitation_id), clock::now()).await?;
    send_invitation_mail(&state, &view, &caller.user, &token).await;
    Ok(Json(view))
}

/// Revokes an invitation (Owners); its link stops working.
#[utoipa::path(delete, path = "/api/accounts/{id}/invitations/{invitation_id}", tag = "invitations",
    params(("id" = AccountId, Path, description = "Account id"), ("invitation_id" = InvitationId, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Revoked"),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`already_member` (it was accepted)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_revoked` (declined or revoked already)", body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, invitation_id)): ApiPath<(AccountId, InvitationId)>,
) -> ApiResult<StatusCode> {
    let mut tx = AccountTx::open(
        &state.store,
        caller.actor(),
        id,
        Permission::ManageInvitations,
    )
    .await?;
    let facts = invitations_db::invitation_facts(tx.tx(), invitation_id)
        .await?
        .filter(|f| f.account == id)
        .ok_or(ApiError::NotFound("invitation"))?;
    let revoked = facts.state.revoke(tx.now())?;
    invitations_db::save_state(tx.tx(), invitation_id, revoked, None).await?;
    let payload = json!({ "email": facts.email });
    tx.commit(Change::new(
        Event::MemberInvitationRevoked,
        Target::Invitation(invitation_id),
        payload,
    ))
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invitations addressed to the signed-in user's email, newest first.
#[utoipa::path(get, path = "/api/invitations", tag = "invitations",
    params(("status" = Option<InvitationStatus>, Query, description = "Only this status"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "From `next_cursor`")),
    responses(
        (status = 200, description = "My invitations", body = Page<InvitationView>),
        Unauthenticated,
        Invalid))]
pub async fn list_my_invitations(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<InvitationsQuery>,
) -> ApiResult<Json<Page<InvitationView>>> {
    let (status, cursor, limit) = query.parse()?;
    // Invitations follow verified mailboxes: until then, there are none to see.
    if !caller.user.email_verified() {
        return Ok(Json(Page {
            items: Vec::new(),
            next_cursor: None,
        }));
    }
    let scope = InvitationScope::Email(&caller.user.email);
    let now = clock::now();
    let page = state
        .store
        .list_invitations(scope, status, cursor, limit, now);
    Ok(Json(page_of(page.await?)))
}

/// Accepts an invitation addressed to the signed-in user.
#[utoipa::path(post, path = "/api/invitations/{invitation_id}/accept", tag = "invitations",
    params(("invitation_id" = InvitationId, Path, description = "Invitation id")),
    responses(
        (status = 200, description = "Joined; the organization as the new member sees it", body = AccountView),
        Unauthenticated,
        (status = 403, description = "`invitation_email_mismatch`, or `email_unverified` until the address is verified", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`already_member` or `org_limit_reached`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired` or `invitation_revoked`", body = Problem, content_type = "application/problem+json")))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(invitation_id): ApiPath<InvitationId>,
) -> ApiResult<Json<AccountView>> {
    check_verified(&caller)?;
    let limits = state.config.limits();
    let (user, now) = (&caller.user, clock::now());
    let account = accept(
        &state.store,
        limits,
        user,
        invitation_id,
        Proof::VerifiedEmail,
        now,
    )
    .await?;
    Ok(Json(account.view()))
}

/// 403 `email_unverified` until the caller's mailbox has answered.
fn check_verified(caller: &AuthUser) -> ApiResult<()> {
    let user = &caller.user;
    Ok(domain::identity::check_verified(
        user.email_verified(),
        &user.email,
    )?)
}

/// Accepts the invitation whose link token is given (from the mail); holding
/// it proves the mailbox, so the address counts as verified too.
#[utoipa::path(post, path = "/api/invitations/accept-token", tag = "invitations", request_body = InvitationTokenRequest,
    responses(
        (status = 200, description = "Joined", body = AccountView),
        Unauthenticated,
        (status = 403, description = "`invitation_email_mismatch`, or `email_unverified` until the address is verified", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no invitation has this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_member` or `org_limit_reached`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired` or `invitation_revoked`", body = Problem, content_type = "application/problem+json")))]
pub async fn accept_invitation_token(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<InvitationTokenRequest>,
) -> ApiResult<Json<AccountView>> {
    let now = clock::now();
    let hash = token_hash(request.token.trim());
    let found = invitation(&state.store, InvitationKey::TokenHash(&hash), now).await?;
    let limits = state.config.limits();
    let account = accept(
        &state.store,
        limits,
        &caller.user,
        found.id,
        Proof::MailedToken,
        now,
    )
    .await?;
    Ok(Json(account.view()))
}

/// Shows the invitation behind a link token, without signing in, so the invitee
/// sees who invited them before signing up or in. Knowing the token is the right
/// to see it.
#[utoipa::path(post, path = "/api/invitations/preview", tag = "invitations", request_body = InvitationTokenRequest,
    responses(
        (status = 200, description = "The invitation", body = InvitationView),
        (status = 404, description = "`not_found`: no invitation has this token", body = Problem, content_type = "application/problem+json")))]
pub async fn preview_invitation(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<InvitationTokenRequest>,
) -> ApiResult<Json<InvitationView>> {
    let hash = token_hash(request.token.trim());
    let view = invitation(&state.store, InvitationKey::TokenHash(&hash), clock::now()).await?;
    Ok(Json(view))
}

/// Declines an invitation addressed to the signed-in user.
#[utoipa::path(post, path = "/api/invitations/{invitation_id}/decline", tag = "invitations",
    params(("invitation_id" = InvitationId, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Declined"),
        Unauthenticated,
        (status = 403, description = "`invitation_email_mismatch`, or `email_unverified` until the address is verified", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`already_member`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired` or `invitation_revoked`", body = Problem, content_type = "application/problem+json")))]
pub async fn decline_invitation(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(invitation_id): ApiPath<InvitationId>,
) -> ApiResult<StatusCode> {
    check_verified(&caller)?;
    let email = caller.user.email.clone();
    decline(
        &state.store,
        caller.actor(),
        &email,
        invitation_id,
        clock::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
