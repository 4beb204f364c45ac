//! Invitations: an Owner invites by email; the invitee accepts or declines, by id
//! when signed in or by the token from the mail link.

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::openapi::problems::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::pagination::PageParams;
use super::{created, now, AppState};
use crate::error::{ApiError, ApiResult};
use crate::mail::Mail;
use crate::secrets::{random_token, token_hash};
use crate::store::accounts as db;
use crate::store::invitations::{self as invitations_db, InvitationKey, NewInvitationRow};
use crate::store::members as members_db;
use crate::store::{self, users, Activity, Actor, InvitationScope, UserRow};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::api::{
    AccountView, CreateInvitationRequest, InvitationTokenRequest, InvitationView, Page,
};
use domain::ids::InvitationId;
use domain::invitation::{check_invitee, InvitationStatus};
use domain::roles::decide;
use domain::rules::{check_join, check_seat};
use domain::{AccountId, ErrorCode, FieldError, Permission, Problem, TeamRole, Timestamp};
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
        let cursor = match paging.cursor.as_deref() {
            None => None,
            Some(raw) => Some(raw.parse().map_err(|_| {
                ApiError::Invalid(vec![FieldError::new(
                    "cursor",
                    "is not a cursor this list gave",
                )])
            })?),
        };
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
    let link = format!(
        "{}/invitations/accept?token={token}",
        state.config.base_url()
    );
    let note = invitation
        .note
        .as_deref()
        .map(|note| {
            format!(
                "\n{} wrote:\n\n    {}\n",
                inviter.name,
                note.replace('\n', "\n    ")
            )
        })
        .unwrap_or_default();
    let days = (invitation.expires_at.as_millis() - now().as_millis()) / 86_400_000;
    let text = format!(
        "Hello,\n\n{inviter} ({inviter_email}) invited you to join {org} on Orgspace as {role}.\n{note}\n\
         Accept the invitation:\n{link}\n\n\
         The link works once and expires on {expires} (in {days} days). If you have no Orgspace account yet, \
         you can create one with this email address from the link.\n\n\
         If you did not expect this invitation, you can ignore this message.\n",
        inviter = inviter.name,
        inviter_email = inviter.email,
        org = invitation.account_name,
        role = invitation.role.label(),
        expires = invitation.expires_at,
    );
    let mail = Mail {
        to: invitation.email.clone(),
        subject: format!(
            "{} invited you to {} on Orgspace",
            inviter.name, invitation.account_name
        ),
        text,
    };
    if let Err(error) = state.mailer.send(&state.config.mail_from, mail).await {
        tracing::error!(%error, invitation = %invitation.id, "the invitation mail could not be sent");
    }
}

/// The invitation whose link carries `token` (only the token's hash is stored).
async fn invitation_by_token(state: &AppState, token: &str) -> ApiResult<InvitationView> {
    state
        .store
        .invitation(InvitationKey::TokenHash(&token_hash(token.trim())), now())
        .await?
        .ok_or(ApiError::NotFound("invitation"))
}

async fn invitation_view(state: &AppState, id: InvitationId) -> ApiResult<InvitationView> {
    state
        .store
        .invitation(InvitationKey::Id(id), now())
        .await?
        .ok_or(ApiError::NotFound("invitation"))
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
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageInvitations)?;
    let invite = request.validate().map_err(ApiError::Invalid)?;
    let teams = if invite.teams.is_empty() {
        let first = members_db::first_team(&mut tx, id).await?.ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new(
                "teams",
                "this organization has no team; name one",
            )])
        })?;
        vec![(first, TeamRole::TeamMember)]
    } else {
        let ids: Vec<_> = invite.teams.iter().map(|(t, _)| *t).collect();
        let known = members_db::teams_of_account(&mut tx, id, &ids).await?;
        let errors: Vec<FieldError> = ids
            .iter()
            .enumerate()
            .filter(|(_, t)| !known.contains(t))
            .map(|(i, _)| {
                FieldError::new(
                    format!("teams[{i}].team_id"),
                    "is not a team of this organization",
                )
            })
            .collect();
        if !errors.is_empty() {
            return Err(ApiError::Invalid(errors));
        }
        invite.teams.clone()
    };
    if members_db::is_member_by_email(&mut tx, id, invite.email.as_str()).await? {
        return Err(ApiError::denied(
            ErrorCode::AlreadyMember,
            format!("{} is already a member of {}.", invite.email, account.name),
        ));
    }
    invitations_db::expire_due(&mut tx, id, now).await?;
    let headcount = db::headcount(&mut tx, id).await?;
    let pending = invitations_db::count_pending(&mut tx, id).await?;
    let token = random_token();
    let invitation_id = InvitationId::from_uuid(uuid::Uuid::now_v7());
    let row = NewInvitationRow {
        id: invitation_id,
        account: id,
        email: invite.email.as_str(),
        role: invite.role,
        note: invite.note.as_deref(),
        invited_by: user.id,
        token_hash: &token_hash(&token),
        expires_at: now.plus_seconds(state.config.invitation_ttl),
    };
    // A pending invitation for this email is refused before the seat count, so the
    // answer names the real obstacle.
    if !invitations_db::insert_invitation(&mut tx, &row, now).await? {
        return Err(ApiError::denied(
            ErrorCode::InvitationPending,
            format!(
                "{} already has a pending invitation to {}. Resend it instead.",
                invite.email, account.name
            ),
        ));
    }
    check_seat(account.plan, headcount.n_members, pending)?;
    for (team, role) in &teams {
        invitations_db::insert_invitation_team(&mut tx, invitation_id, *team, *role).await?;
    }
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "member.invited",
        target_type: "invitation",
        target_id: invitation_id.to_string(),
        payload: json!({
            "email": invite.email.as_str(),
            "role": invite.role.id(),
            "teams": teams.iter().map(|(t, r)| json!({"team_id": t.to_string(), "role": r.id()})).collect::<Vec<_>>(),
        }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    let view = invitation_view(&state, invitation_id).await?;
    send_invitation_mail(&state, &view, user, &token).await;
    Ok(created(
        format!("/api/accounts/{id}/invitations/{invitation_id}"),
        view,
    ))
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
    let user = &caller.user;
    let account = state.store.member_account(id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageInvitations)?;
    let (status, cursor, limit) = query.parse()?;
    let (items, next) = state
        .store
        .list_invitations(InvitationScope::Account(id), status, cursor, limit, now())
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: next.map(|id| id.to_string()),
    }))
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
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageInvitations)?;
    let facts = invitations_db::invitation_facts(&mut tx, invitation_id)
        .await?
        .filter(|f| f.account == id)
        .ok_or(ApiError::NotFound("invitation"))?;
    let renewed = facts.state.resend(now, state.config.invitation_ttl)?;
    if !facts.state.holds_seat(now) {
        if members_db::is_member_by_email(&mut tx, id, &facts.email).await? {
            return Err(ApiError::denied(
                ErrorCode::AlreadyMember,
                format!("{} is already a member.", facts.email),
            ));
        }
        invitations_db::expire_due(&mut tx, id, now).await?;
        let headcount = db::headcount(&mut tx, id).await?;
        check_seat(
            account.plan,
            headcount.n_members,
            invitations_db::count_pending(&mut tx, id).await?,
        )?;
    }
    let token = random_token();
    if !invitations_db::save_state(&mut tx, invitation_id, renewed, Some(&token_hash(&token)))
        .await?
    {
        return Err(ApiError::denied(
            ErrorCode::InvitationPending,
            format!(
                "{} has another pending invitation to this organization.",
                facts.email
            ),
        ));
    }
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "member.invitation_resent",
        target_type: "invitation",
        target_id: invitation_id.to_string(),
        payload: json!({ "email": facts.email, "previous_status": facts.state.status_at(now).id(), "expires_at": renewed.expires_at().to_string() }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    let view = invitation_view(&state, invitation_id).await?;
    send_invitation_mail(&state, &view, user, &token).await;
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
    let user = &caller.user;
    let now = now();
    let mut tx = state.store.begin_write().await?;
    let account = db::locked_member_account(&mut tx, id, user.id).await?;
    decide(account.kind, account.role, Permission::ManageInvitations)?;
    let facts = invitations_db::invitation_facts(&mut tx, invitation_id)
        .await?
        .filter(|f| f.account == id)
        .ok_or(ApiError::NotFound("invitation"))?;
    let revoked = facts.state.revoke(now)?;
    invitations_db::save_state(&mut tx, invitation_id, revoked, None).await?;
    let activity = Activity {
        account_id: id,
        actor: caller.actor(),
        event: "member.invitation_revoked",
        target_type: "invitation",
        target_id: invitation_id.to_string(),
        payload: json!({ "email": facts.email }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
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
    let user = &caller.user;
    let (status, cursor, limit) = query.parse()?;
    let (items, next) = state
        .store
        .list_invitations(
            InvitationScope::Email(&user.email),
            status,
            cursor,
            limit,
            now(),
        )
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: next.map(|id| id.to_string()),
    }))
}

/// Accepts `invitation_id` as `user`: the email must match, the invitation be
/// pending and unexpired, and the user under the organization limit. Race-free:
/// the organization's and the user's row locks order concurrent accepts, and the
/// membership's primary key admits one row.
async fn accept(
    state: &AppState,
    user: &UserRow,
    invitation_id: InvitationId,
    now: Timestamp,
) -> ApiResult<AccountView> {
    let view = invitation_view(state, invitation_id).await?;
    check_invitee(&view.email, &user.email)?;
    let mut tx = state.store.begin_write().await?;
    db::lock_account(&mut tx, view.account_id).await?;
    users::lock_user(&mut tx, user.id).await?;
    let facts = invitations_db::invitation_facts(&mut tx, invitation_id)
        .await?
        .ok_or(ApiError::NotFound("invitation"))?;
    let accepted = facts.state.accept(now)?;
    if members_db::member_role(&mut tx, facts.account, user.id)
        .await?
        .is_some()
    {
        return Err(ApiError::denied(
            ErrorCode::AlreadyMember,
            format!("You are already a member of {}.", view.account_name),
        ));
    }
    check_join(
        db::count_organizations(&mut tx, user.id).await?,
        state.config.limits(),
    )?;
    db::insert_membership(&mut tx, facts.account, user.id, facts.role, now).await?;
    for (team, role) in &facts.teams {
        members_db::add_team_member(&mut tx, facts.account, *team, user.id, *role).await?;
    }
    invitations_db::save_state(&mut tx, invitation_id, accepted, None).await?;
    let activity = Activity {
        account_id: facts.account,
        actor: Actor::user(user.id),
        event: "member.joined",
        target_type: "user",
        target_id: user.id.to_string(),
        payload: json!({ "invitation_id": invitation_id.to_string(), "role": facts.role.id() }),
    };
    store::record(&mut tx, activity, now).await?;
    let account = db::locked_member_account(&mut tx, facts.account, user.id).await?;
    tx.commit().await?;
    Ok(account.view())
}

/// Accepts an invitation addressed to the signed-in user.
#[utoipa::path(post, path = "/api/invitations/{invitation_id}/accept", tag = "invitations",
    params(("invitation_id" = InvitationId, Path, description = "Invitation id")),
    responses(
        (status = 200, description = "Joined; the organization as the new member sees it", body = AccountView),
        Unauthenticated,
        (status = 403, description = "`invitation_email_mismatch`", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`already_member` or `org_limit_reached`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired` or `invitation_revoked`", body = Problem, content_type = "application/problem+json")))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(invitation_id): ApiPath<InvitationId>,
) -> ApiResult<Json<AccountView>> {
    let user = &caller.user;
    accept(&state, user, invitation_id, now()).await.map(Json)
}

/// Accepts the invitation whose link token is given (from the mail).
#[utoipa::path(post, path = "/api/invitations/accept-token", tag = "invitations", request_body = InvitationTokenRequest,
    responses(
        (status = 200, description = "Joined", body = AccountView),
        Unauthenticated,
        (status = 403, description = "`invitation_email_mismatch`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no invitation has this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_member` or `org_limit_reached`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired` or `invitation_revoked`", body = Problem, content_type = "application/problem+json")))]
pub async fn accept_invitation_token(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(request): ApiJson<InvitationTokenRequest>,
) -> ApiResult<Json<AccountView>> {
    let user = &caller.user;
    let invitation = invitation_by_token(&state, &request.token).await?;
    accept(&state, user, invitation.id, now()).await.map(Json)
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
    let view = invitation_by_token(&state, &request.token).await?;
    Ok(Json(view))
}

/// Declines an invitation addressed to the signed-in user.
#[utoipa::path(post, path = "/api/invitations/{invitation_id}/decline", tag = "invitations",
    params(("invitation_id" = InvitationId, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Declined"),
        Unauthenticated,
        (status = 403, description = "`invitation_email_mismatch`", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`already_member`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired` or `invitation_revoked`", body = Problem, content_type = "application/problem+json")))]
pub async fn decline_invitation(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(invitation_id): ApiPath<InvitationId>,
) -> ApiResult<StatusCode> {
    let user = &caller.user;
    let now = now();
    let view = invitation_view(&state, invitation_id).await?;
    check_invitee(&view.email, &user.email)?;
    let mut tx = state.store.begin_write().await?;
    db::lock_account(&mut tx, view.account_id).await?;
    let facts = invitations_db::invitation_facts(&mut tx, invitation_id)
        .await?
        .ok_or(ApiError::NotFound("invitation"))?;
    let declined = facts.state.decline(now)?;
    invitations_db::save_state(&mut tx, invitation_id, declined, None).await?;
    let activity = Activity {
        account_id: facts.account,
        actor: caller.actor(),
        event: "member.invitation_declined",
        target_type: "invitation",
        target_id: invitation_id.to_string(),
        payload: json!({ "email": facts.email }),
    };
    store::record(&mut tx, activity, now).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
