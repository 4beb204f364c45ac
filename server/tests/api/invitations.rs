use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn an_unregistered_invitee_signs_up_from_the_mail_link_and_joins() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app.invite(&olga, org, "Bob@Acme.test", OrgRole::Tech).await;
    assert_eq!(invitation["email"], "bob@acme.test");
    assert_eq!(invitation["status"], "pending");
    assert_eq!(invitation["role"], "tech");
    assert_eq!(invitation["account_name"], "Acme");
    assert_eq!(invitation["invited_by"]["name"], "Olga");
    assert_eq!(invitation["teams"][0]["name"], "My Team");
    assert_eq!(invitation["teams"][0]["role"], "team_member");
    let created: domain::Timestamp = invitation["created_at"].as_str().unwrap().parse().unwrap();
    let expires: domain::Timestamp = invitation["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        expires.as_millis() - created.as_millis(),
        7 * 86_400_000,
        "7 days"
    );

    // The mail holds a link with the token; the token shows the invitation without a session.
    let token = app.token_for("bob@acme.test");
    assert!(token.len() >= 22, "at least 128 random bits: {token}");
    let preview = app
        .anonymous()
        .post(app.url("/api/invitations/preview"))
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    let preview: Value = preview.json().await.unwrap();
    assert_eq!(preview["account_name"], "Acme");
    assert_eq!(preview["invited_by"]["name"], "Olga");

    let bob = app.register("bob@acme.test").await;
    let me: Value = bob.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["pending_invitations"], 1);
    let joined = bob
        .post("/api/invitations/accept-token", json!({"token": token}))
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    let joined: Value = joined.json().await.unwrap();
    assert_eq!(joined["id"], org.to_string());
    assert_eq!(joined["role"], "tech");
    let members: Value = olga
        .get(&format!("/api/accounts/{org}/members"))
        .await
        .json()
        .await
        .unwrap();
    let bob_row = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "bob@acme.test")
        .unwrap()
        .clone();
    assert_eq!(bob_row["role"], "tech");
    assert_eq!(bob_row["teams"][0]["name"], "My Team");
    assert_eq!(bob_row["teams"][0]["role"], "team_member");

    // The link works once.
    let again = bob
        .post("/api/invitations/accept-token", json!({"token": token}))
        .await;
    assert_problem(again, 409, ErrorCode::AlreadyMember).await;
    let me: Value = bob.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["pending_invitations"], 0);
    let joined_log = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'member.joined'",
            &org.to_string(),
        )
        .await;
    assert_eq!(joined_log, 1);
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    app.invite(&olga, org, "bob@acme.test", OrgRole::Viewer)
        .await;
    let token = app.token_for("bob@acme.test");
    let stored: String =
        sqlx::query_scalar("SELECT token_hash FROM invitations WHERE email = 'bob@acme.test'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, orgspace_server::secrets::token_hash(&token));
    let unknown = app
        .anonymous()
        .post(app.url("/api/invitations/preview"))
        .json(&json!({"token": "guess"}))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 404, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn a_signed_in_invitee_accepts_or_declines_by_id() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    let first = app
        .invite(&olga, org, "bob@acme.test", OrgRole::Viewer)
        .await;
    let mine: Value = bob
        .get("/api/invitations?status=pending")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["id"], first["id"]);
    let id = first["id"].as_str().unwrap();
    assert_eq!(
        bob.post(&format!("/api/invitations/{id}/decline"), json!({}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        bob.post(&format!("/api/invitations/{id}/accept"), json!({}))
            .await,
        410,
        ErrorCode::InvitationRevoked,
    )
    .await;
    let declined: Value = olga
        .get(&format!("/api/accounts/{org}/invitations?status=declined"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(declined["items"].as_array().unwrap().len(), 1);

    let second = app
        .invite(&olga, org, "bob@acme.test", OrgRole::Admin)
        .await;
    let id = second["id"].as_str().unwrap();
    let accepted = bob
        .post(&format!("/api/invitations/{id}/accept"), json!({}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accounts: Value = bob.get("/api/accounts").await.json().await.unwrap();
    assert_eq!(accounts["items"][1]["role"], "admin");
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn only_the_invited_email_may_answer() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app
        .invite(&olga, org, "bob@acme.test", OrgRole::Viewer)
        .await;
    let carol = app.register("carol@acme.test").await;
    let id = invitation["id"].as_str().unwrap();
    let body = assert_problem(
        carol
            .post(&format!("/api/invitations/{id}/accept"), json!({}))
            .await,
        403,
        ErrorCode::InvitationEmailMismatch,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("bob@acme.test"));
    assert_problem(
        carol
            .post(&format!("/api/invitations/{id}/decline"), json!({}))
            .await,
        403,
        ErrorCode::InvitationEmailMismatch,
    )
    .await;
    let token = app.token_for("bob@acme.test");
    assert_problem(
        carol
            .post("/api/invitations/accept-token", json!({"token": token}))
            .await,
        403,
        ErrorCode::InvitationEmailMismatch,
    )
    .await;
    let unauthenticated = app
        .anonymous()
        .post(app.url("/api/invitations/accept-token"))
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_problem(unauthenticated, 401, ErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn an_expired_invitation_is_refused_listed_as_expired_and_can_be_resent() {
    let app = TestApp::spawn_with(|c| c.invitation_ttl = 0).await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app.invite(&olga, org, "bob@acme.test", OrgRole::Tech).await;
    assert_eq!(
        invitation["status"], "expired",
        "a zero TTL expires at once"
    );
    let old_token = app.token_for("bob@acme.test");
    let bob = app.register("bob@acme.test").await;
    assert_problem(
        bob.post("/api/invitations/accept-token", json!({"token": old_token}))
            .await,
        410,
        ErrorCode::InvitationExpired,
    )
    .await;
    let expired: Value = olga
        .get(&format!("/api/accounts/{org}/invitations?status=expired"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(expired["items"].as_array().unwrap().len(), 1);
    let pending: Value = olga
        .get(&format!("/api/accounts/{org}/invitations?status=pending"))
        .await
        .json()
        .await
        .unwrap();
    assert!(pending["items"].as_array().unwrap().is_empty());
    // An expired invitation holds no seat and no pending slot: the same email can be invited anew.
    let again = olga
        .post(
            &format!("/api/accounts/{org}/invitations"),
            json!({"email": "bob@acme.test", "role": "viewer"}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn resending_renews_the_link_and_the_expiry() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app.invite(&olga, org, "bob@acme.test", OrgRole::Tech).await;
    let id = invitation["id"].as_str().unwrap();
    let old_token = app.token_for("bob@acme.test");
    // Time passes: the invitation is past its expiry.
    sqlx::query("UPDATE invitations SET expires_at = 0 WHERE id = $1")
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let listed: Value = olga
        .get(&format!("/api/accounts/{org}/invitations"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["status"], "expired");
    let resent = olga
        .post(
            &format!("/api/accounts/{org}/invitations/{id}/resend"),
            json!({}),
        )
        .await;
    assert_eq!(resent.status(), StatusCode::OK);
    let resent: Value = resent.json().await.unwrap();
    assert_eq!(resent["status"], "pending");
    let new_token = app.token_for("bob@acme.test");
    assert_ne!(new_token, old_token);
    let bob = app.register("bob@acme.test").await;
    assert_problem(
        bob.post("/api/invitations/accept-token", json!({"token": old_token}))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(
        bob.post("/api/invitations/accept-token", json!({"token": new_token}))
            .await
            .status(),
        StatusCode::OK
    );
    let resend_accepted = olga
        .post(
            &format!("/api/accounts/{org}/invitations/{id}/resend"),
            json!({}),
        )
        .await;
    assert_problem(resend_accepted, 409, ErrorCode::AlreadyMember).await;
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn a_revoked_invitation_stops_working_and_can_be_resent() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app.invite(&olga, org, "bob@acme.test", OrgRole::Tech).await;
    let id = invitation["id"].as_str().unwrap();
    let token = app.token_for("bob@acme.test");
    assert_eq!(
        olga.delete(&format!("/api/accounts/{org}/invitations/{id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let bob = app.register("bob@acme.test").await;
    assert_problem(
        bob.post("/api/invitations/accept-token", json!({"token": token}))
            .await,
        410,
        ErrorCode::InvitationRevoked,
    )
    .await;
    assert_problem(
        olga.delete(&format!("/api/accounts/{org}/invitations/{id}"))
            .await,
        410,
        ErrorCode::InvitationRevoked,
    )
    .await;
    let resent: Value = olga
        .post(
            &format!("/api/accounts/{org}/invitations/{id}/resend"),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resent["status"], "pending");
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn members_and_pending_invitations_cannot_be_invited_twice() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let path = format!("/api/accounts/{org}/invitations");
    assert_problem(
        olga.post(&path, json!({"email": "olga@acme.test", "role": "admin"}))
            .await,
        409,
        ErrorCode::AlreadyMember,
    )
    .await;
    app.invite(&olga, org, "bob@acme.test", OrgRole::Tech).await;
    assert_problem(
        olga.post(&path, json!({"email": "BOB@acme.test", "role": "admin"}))
            .await,
        409,
        ErrorCode::InvitationPending,
    )
    .await;
}

#[tokio::test]
async fn invitations_check_every_field() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let path = format!("/api/accounts/{org}/invitations");
    let response = olga
        .post(&path, json!({"email": "nope", "role": "boss", "teams": [{"team_id": "01a207f5-9592-7070-a7b6-5f1a97a5e3e7", "role": "team_member"}], "note": "x".repeat(501)}))
        .await;
    let body = assert_problem(response, 422, ErrorCode::Validation).await;
    let fields = error_fields(&body);
    assert_eq!(fields, ["email", "role", "note"]);
    let foreign_team = olga
        .post(&path, json!({"email": "bob@acme.test", "role": "tech", "teams": [{"team_id": "01a207f5-9592-7070-a7b6-5f1a97a5e3e7", "role": "team_member"}]}))
        .await;
    let body = assert_problem(foreign_team, 422, ErrorCode::Validation).await;
    assert_eq!(body["errors"][0]["field"], "teams[0].team_id");
    assert_problem(
        olga.get(&format!("{path}?status=lost")).await,
        422,
        ErrorCode::Validation,
    )
    .await;
}

#[tokio::test]
async fn the_plan_limit_counts_members_and_pending_invitations_but_not_expired_ones() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let path = format!("/api/accounts/{org}/invitations");
    app.invite(&olga, org, "a@acme.test", OrgRole::Tech).await;
    let second = app.invite(&olga, org, "b@acme.test", OrgRole::Tech).await;
    let body = assert_problem(
        olga.post(&path, json!({"email": "c@acme.test", "role": "tech"}))
            .await,
        409,
        ErrorCode::MemberLimitReached,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("Starter"),
        "{body}"
    );
    sqlx::query("UPDATE invitations SET expires_at = 0 WHERE id = $1")
        .bind(second["id"].as_str().unwrap())
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        olga.post(&path, json!({"email": "c@acme.test", "role": "tech"}))
            .await
            .status(),
        StatusCode::CREATED
    );
    // Resending the expired one would pass the limit again.
    let id = second["id"].as_str().unwrap();
    assert_problem(
        olga.post(&format!("{path}/{id}/resend"), json!({})).await,
        409,
        ErrorCode::MemberLimitReached,
    )
    .await;
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn accepting_respects_the_organization_limit() {
    let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 1).await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let (bob, _) = app.register_organization("bob@acme.test", "Bob's").await;
    app.invite(&olga, org, "bob@acme.test", OrgRole::Tech).await;
    let token = app.token_for("bob@acme.test");
    assert_problem(
        bob.post("/api/invitations/accept-token", json!({"token": token}))
            .await,
        409,
        ErrorCode::OrgLimitReached,
    )
    .await;
    let members = app
        .count(
            "SELECT COUNT(*) FROM memberships WHERE account_id = $1",
            &org.to_string(),
        )
        .await;
    assert_eq!(members, 1);
}

#[tokio::test]
async fn plan_changes_must_hold_everyone() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    app.invite(&olga, org, "bob@acme.test", OrgRole::Tech).await;
    let path = format!("/api/accounts/{org}/plan");
    let body = assert_problem(
        olga.put(&path, json!({"plan": "hobby"})).await,
        409,
        ErrorCode::PlanTooSmall,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("Hobby"), "{body}");
    let business: Value = olga
        .put(&path, json!({"plan": "business"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(business["plan"], "business");
    assert_problem(
        olga.put(&path, json!({"plan": "platinum"})).await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let logged = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'plan.changed'",
            &org.to_string(),
        )
        .await;
    assert_eq!(logged, 1);
}
