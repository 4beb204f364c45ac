//! Verified identity and the user's own lifecycle (SPEC §14): verifying an
//! address, the invitation takeover it closes, password reset without account
//! enumeration, profile and address changes, sessions, deleting one's user,
//! and the sign-in history.

use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn me(user: &User) -> Value {
    user.get("/api/me").await.json().await.unwrap()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    app.login(email, password).await.client
}

async fn status_of_me(client: &reqwest::Client, app: &TestApp) -> u16 {
    client
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_unverified_address_cannot_take_an_invited_seat() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app
        .invite(&owner, org, "cfo@acme.test", OrgRole::Admin)
        .await;
    let id = invitation["id"].as_str().unwrap().to_owned();

    // Someone who never opened cfo@acme.test's mailbox registers the address.
    let squatter = app.register_unverified("cfo@acme.test").await;
    let me = me(&squatter).await;
    assert_eq!(me["user"]["email_verified"], false);
    assert_eq!(me["pending_invitations"], 0, "no invitation shows");
    let mine: Value = squatter.get("/api/invitations").await.json().await.unwrap();
    assert_eq!(mine["items"], json!([]));
    let accept = squatter
        .post(&format!("/api/invitations/{id}/accept"), json!({}))
        .await;
    assert_problem(accept, 403, ErrorCode::EmailUnverified).await;
    let decline = squatter
        .post(&format!("/api/invitations/{id}/decline"), json!({}))
        .await;
    assert_problem(decline, 403, ErrorCode::EmailUnverified).await;
    let billing = squatter.get(&format!("/api/accounts/{org}/billing")).await;
    assert_problem(billing, 404, ErrorCode::NotFound).await;
    let invitations = owner
        .get(&format!("/api/accounts/{org}/invitations?status=pending"))
        .await;
    let pending: Value = invitations.json().await.unwrap();
    assert_eq!(pending["items"][0]["id"], id.as_str(), "still pending");
}

#[tokio::test]
async fn the_mailed_invitation_link_proves_the_mailbox_and_accepts() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.register_organization("olga@acme.test", "Acme").await;
    app.invite(&owner, org, "bob@acme.test", OrgRole::Tech)
        .await;
    let token = app.token_for("bob@acme.test");
    let bob = app.register_unverified("bob@acme.test").await;
    let joined = bob
        .post("/api/invitations/accept-token", json!({ "token": token }))
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    let me = me(&bob).await;
    assert_eq!(
        me["user"]["email_verified"], true,
        "the link verified the address"
    );
    assert_eq!(me["accounts"][1]["id"], org.to_string());
}

#[tokio::test]
async fn verification_links_work_once_expire_and_are_replaced_by_newer_ones() {
    let app = TestApp::spawn_with(|c| c.email_verification_ttl = 1).await;
    let ana = app.register_unverified("ana@acme.test").await;
    let first = app.token_for("ana@acme.test");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = ana
        .post("/api/auth/verify-email", json!({ "token": first }))
        .await;
    assert_problem(expired, 410, ErrorCode::TokenInvalid).await;

    let app = TestApp::spawn().await;
    let ana = app.register_unverified("ana@acme.test").await;
    let first = app.token_for("ana@acme.test");
    assert_eq!(
        ana.post("/api/me/verification-email", json!({}))
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let second = app.token_for("ana@acme.test");
    assert_ne!(first, second);
    let replaced = app
        .anonymous()
        .post(app.url("/api/auth/verify-email"))
        .json(&json!({ "token": first }))
        .send()
        .await
        .unwrap();
    assert_problem(replaced, 410, ErrorCode::TokenInvalid).await;
    // No session needed: the link is the proof.
    let verified = app
        .anonymous()
        .post(app.url("/api/auth/verify-email"))
        .json(&json!({ "token": second }))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    let body: Value = verified.json().await.unwrap();
    assert_eq!(body["user"]["email_verified"], true);
    let again = ana
        .post("/api/auth/verify-email", json!({ "token": second }))
        .await;
    assert_problem(again, 410, ErrorCode::TokenInvalid).await;
    let unknown = ana
        .post("/api/auth/verify-email", json!({ "token": "not-a-token" }))
        .await;
    assert_problem(unknown, 410, ErrorCode::TokenInvalid).await;
    let resend = ana.post("/api/me/verification-email", json!({})).await;
    assert_problem(resend, 409, ErrorCode::AlreadyVerified).await;
}

#[tokio::test]
async fn asking_for_verification_mails_is_rate_limited() {
    let app = TestApp::spawn_with(|c| c.verification_mails_per_hour = 2).await;
    let ana = app.register_unverified("ana@acme.test").await;
    for _ in 0..2 {
        assert_eq!(
            ana.post("/api/me/verification-email", json!({}))
                .await
                .status(),
            StatusCode::ACCEPTED
        );
    }
    let limited = ana.post("/api/me/verification-email", json!({})).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, 429, ErrorCode::RateLimited).await;
}

/// `POST /api/auth/password-reset` for `email`: the status and how long it took.
async fn ask_reset(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
) -> (reqwest::Response, Duration) {
    let started = Instant::now();
    let response = client
        .post(app.url("/api/auth/password-reset"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap();
    (response, started.elapsed())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::test]
async fn a_password_reset_answers_alike_whether_or_not_the_email_is_registered() {
    let app = TestApp::spawn_with(|c| c.password_resets_per_hour = 1_000).await;
    app.register("ana@acme.test").await;
    let client = app.anonymous();
    let (known, _) = ask_reset(&client, &app, "ana@acme.test").await;
    let (unknown, _) = ask_reset(&client, &app, "nobody@acme.test").await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(unknown.status(), known.status());
    let headers = |r: &reqwest::Response| {
        let mut names: Vec<String> = r
            .headers()
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "date")
            .collect();
        names.sort();
        names
    };
    assert_eq!(headers(&known), headers(&unknown));
    assert_eq!(known.bytes().await.unwrap(), unknown.bytes().await.unwrap());

    // Timing: interleaved, the medians stay close (the link is stored and
    // mailed after the answer, so a registered address takes no longer).
    let (mut registered, mut unregistered) = (Vec::new(), Vec::new());
    for i in 0..25 {
        registered.push(ask_reset(&client, &app, "ana@acme.test").await.1);
        unregistered.push(
            ask_reset(&client, &app, &format!("nobody{i}@acme.test"))
                .await
                .1,
        );
    }
    let (a, b) = (median(registered), median(unregistered));
    let gap = a.abs_diff(b);
    assert!(
        gap < Duration::from_millis(5) || gap < a.min(b) / 2,
        "a registered address answers in {a:?}, an unknown one in {b:?}: the timing tells them apart"
    );
}

#[tokio::test]
async fn password_reset_requests_are_rate_limited_per_email_and_per_address() {
    let app = TestApp::spawn_with(|c| c.password_resets_per_hour = 3).await;
    let client = app.anonymous();
    for _ in 0..3 {
        assert_eq!(
            ask_reset(&client, &app, "ana@acme.test").await.0.status(),
            StatusCode::ACCEPTED
        );
    }
    let (per_address, _) = ask_reset(&client, &app, "ben@acme.test").await;
    assert_problem(per_address, 429, ErrorCode::RateLimited).await;

    let app = TestApp::spawn_with(|c| {
        c.password_resets_per_hour = 2;
        c.trust_proxy = true;
    })
    .await;
    let from = |ip: &'static str| {
        let app = &app;
        async move {
            app.anonymous()
                .post(app.url("/api/auth/password-reset"))
                .header("x-forwarded-for", ip)
                .json(&json!({ "email": "ana@acme.test" }))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(from("10.0.0.1").await.status(), StatusCode::ACCEPTED);
    assert_eq!(from("10.0.0.2").await.status(), StatusCode::ACCEPTED);
    assert_problem(from("10.0.0.3").await, 429, ErrorCode::RateLimited).await;
}

#[tokio::test]
async fn a_reset_link_sets_the_password_once_ends_every_session_and_verifies_the_address() {
    let app = TestApp::spawn().await;
    let ana = app.register_unverified("ana@acme.test").await;
    let phone = sign_in(&app, "ana@acme.test", PASSWORD).await;
    // Locked out by failed sign-ins, she resets her password.
    for _ in 0..3 {
        let wrong = app
            .anonymous()
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": "ana@acme.test", "password": "not it at all"}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let (asked, _) = ask_reset(&app.anonymous(), &app, "ana@acme.test").await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let older = eventually_token(&app, "ana@acme.test", "/reset-password").await;
    ask_reset(&app.anonymous(), &app, "ana@acme.test").await;
    let mut token = older.clone();
    for _ in 0..100 {
        token = eventually_token(&app, "ana@acme.test", "/reset-password").await;
        if token != older {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_ne!(token, older, "a newer link was mailed");
    let confirm = |token: &str, password: &str| {
        app.anonymous()
            .post(app.url("/api/auth/password-reset/confirm"))
            .json(&json!({ "token": token, "password": password }))
            .send()
    };
    assert_problem(
        confirm(&older, "a brand new passphrase").await.unwrap(),
        410,
        ErrorCode::TokenInvalid,
    )
    .await;
    let invalid = confirm(&token, "short").await.unwrap();
    assert_eq!(
        error_fields(&assert_problem(invalid, 422, ErrorCode::Validation).await),
        ["password"]
    );
    assert_eq!(
        confirm(&token, "a brand new passphrase")
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        confirm(&token, "another new passphrase").await.unwrap(),
        410,
        ErrorCode::TokenInvalid,
    )
    .await;

    assert_eq!(
        status_of_me(&ana.client, &app).await,
        401,
        "every session ended"
    );
    assert_eq!(status_of_me(&phone, &app).await, 401);
    let fresh = sign_in(&app, "ana@acme.test", "a brand new passphrase").await;
    let me: Value = fresh
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["user"]["email_verified"], true,
        "the reset mail reached the address"
    );
    let notice = app.token_for_link("ana@acme.test", "/reset-password");
    assert!(notice.is_some());
    let mails = mails_to(&app, "ana@acme.test");
    assert!(
        mails
            .iter()
            .any(|m| m.contains("Your Orgspace password changed")),
        "a notice was mailed"
    );
}

#[tokio::test]
async fn reset_links_expire_and_a_password_change_voids_them() {
    let app = TestApp::spawn_with(|c| c.password_reset_ttl = 1).await;
    app.register("ana@acme.test").await;
    ask_reset(&app.anonymous(), &app, "ana@acme.test").await;
    let token = eventually_token(&app, "ana@acme.test", "/reset-password").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let late = app
        .anonymous()
        .post(app.url("/api/auth/password-reset/confirm"))
        .json(&json!({ "token": token, "password": "a brand new passphrase" }))
        .send()
        .await
        .unwrap();
    assert_problem(late, 410, ErrorCode::TokenInvalid).await;

    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    ask_reset(&app.anonymous(), &app, "ana@acme.test").await;
    let token = eventually_token(&app, "ana@acme.test", "/reset-password").await;
    let changed = ana
        .put(
            "/api/me/password",
            json!({ "current_password": PASSWORD, "new_password": "changed on purpose" }),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let void = app
        .anonymous()
        .post(app.url("/api/auth/password-reset/confirm"))
        .json(&json!({ "token": token, "password": "a brand new passphrase" }))
        .send()
        .await
        .unwrap();
    assert_problem(void, 410, ErrorCode::TokenInvalid).await;
}

#[tokio::test]
async fn the_profile_name_changes_with_the_personal_account() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let renamed = ana.patch("/api/me", json!({ "name": "  Ana Lima " })).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let body: Value = renamed.json().await.unwrap();
    assert_eq!(body["user"]["name"], "Ana Lima");
    assert_eq!(body["accounts"][0]["name"], "Ana Lima");
    let invalid = ana.patch("/api/me", json!({ "name": " " })).await;
    assert_eq!(
        error_fields(&assert_problem(invalid, 422, ErrorCode::Validation).await),
        ["name"]
    );
}

#[tokio::test]
async fn an_address_changes_only_once_the_new_mailbox_answers() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    app.register("taken@acme.test").await;
    let change = |email: &str, password: &str| {
        ana.put(
            "/api/me/email",
            json!({ "email": email, "password": password }),
        )
    };
    assert_problem(
        change("new@acme.test", "not my password").await,
        403,
        ErrorCode::PasswordIncorrect,
    )
    .await;
    assert_problem(
        change("taken@acme.test", PASSWORD).await,
        409,
        ErrorCode::EmailTaken,
    )
    .await;
    let same = change("ana@acme.test", PASSWORD).await;
    assert_eq!(
        error_fields(&assert_problem(same, 422, ErrorCode::Validation).await),
        ["email"]
    );

    assert_eq!(
        change("new@acme.test", PASSWORD).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(me(&ana).await["user"]["email"], "ana@acme.test", "not yet");
    assert!(
        mails_to(&app, "ana@acme.test")[0].contains("about to change"),
        "the old address is told"
    );
    let token = app
        .token_for_link("new@acme.test", "/verify-email")
        .unwrap();
    let confirmed = app
        .anonymous()
        .post(app.url("/api/auth/verify-email"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    let me = me(&ana).await;
    assert_eq!(me["user"]["email"], "new@acme.test");
    assert_eq!(me["user"]["email_verified"], true);
    // The old address is free again; the new one signs in.
    app.register("ana@acme.test").await;
    sign_in(&app, "new@acme.test", PASSWORD).await;

    // Taken between the request and the link: the link refuses.
    let ben = app.register("ben@acme.test").await;
    let asked = ben
        .put(
            "/api/me/email",
            json!({ "email": "race@acme.test", "password": PASSWORD }),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let token = app
        .token_for_link("race@acme.test", "/verify-email")
        .unwrap();
    app.register("race@acme.test").await;
    let late = ben
        .post("/api/auth/verify-email", json!({ "token": token }))
        .await;
    assert_problem(late, 409, ErrorCode::EmailTaken).await;
}

#[tokio::test]
async fn sessions_are_listed_and_signed_out_one_by_one_or_all_but_this_one() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let phone = sign_in(&app, "ana@acme.test", PASSWORD).await;
    let tablet = sign_in(&app, "ana@acme.test", PASSWORD).await;
    let list: Value = ana
        .client
        .get(app.url("/api/me/sessions"))
        .header("user-agent", "ignored: the session keeps its sign-in's")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    for session in items {
        assert_eq!(session["ip"], "127.0.0.1");
        assert!(
            session["device"].is_string()
                && session["created_at"].is_string()
                && session["last_seen_at"].is_string()
        );
    }
    // The phone's session is the one `phone` sees as current.
    let phones: Value = phone
        .get(app.url("/api/me/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let phone_id = phones["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ana.delete(&format!("/api/me/sessions/{phone_id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(status_of_me(&phone, &app).await, 401, "revoked at once");
    assert_problem(
        ana.delete(&format!("/api/me/sessions/{phone_id}")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(status_of_me(&tablet, &app).await, 200);
    assert_eq!(
        ana.delete("/api/me/sessions").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(status_of_me(&tablet, &app).await, 401);
    assert_eq!(
        status_of_me(&ana.client, &app).await,
        200,
        "this device stays"
    );
    // Another user's session id is not yours to end.
    let ben = app.register("ben@acme.test").await;
    let bens: Value = ben.get("/api/me/sessions").await.json().await.unwrap();
    let ben_id = bens["items"][0]["id"].as_str().unwrap().to_owned();
    assert_problem(
        ana.delete(&format!("/api/me/sessions/{ben_id}")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(ben.get("/api/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn deleting_a_user_waits_for_a_new_owner_and_takes_what_is_theirs_alone() {
    let app = TestApp::spawn().await;
    let (olga, shared) = app.register_organization("olga@acme.test", "Shared").await;
    let solo = olga.create_organization("Solo", "eu-north").await;
    let (bob, bobs) = app.register_organization("bob@acme.test", "Bobs").await;
    let tess = app.register("tess@acme.test").await;
    app.join(&olga, shared, &tess, OrgRole::Tech).await;
    app.join(&bob, bobs, &olga, OrgRole::Viewer).await;
    let tess_co = tess.create_organization("Tess Co", "us-east").await;
    app.invite(&tess, tess_co, "olga@acme.test", OrgRole::Admin)
        .await;
    let (_, olga_token) = create_key(&olga, shared).await;

    let wrong = olga
        .request("DELETE", "/api/me".into(), json!({ "password": "not it" }))
        .await;
    assert_problem(wrong, 403, ErrorCode::PasswordIncorrect).await;
    let plan: Value = olga.get("/api/me/deletion").await.json().await.unwrap();
    assert_eq!(plan["blocked"][0]["id"], shared.to_string());
    assert_eq!(plan["deleted_with_user"][0]["id"], solo.to_string());
    assert_eq!(plan["left"][0]["id"], bobs.to_string());
    let blocked = olga
        .request("DELETE", "/api/me".into(), json!({ "password": PASSWORD }))
        .await;
    let problem = assert_problem(blocked, 409, ErrorCode::LastOwner).await;
    assert_eq!(error_fields(&problem), [shared.to_string().as_str()]);
    assert!(problem["detail"].as_str().unwrap().contains("Shared"));

    let transferred = olga
        .post(
            &format!("/api/accounts/{shared}/transfer-ownership"),
            json!({ "user_id": tess.id }),
        )
        .await;
    assert_eq!(transferred.status(), StatusCode::OK);
    let deleted = olga
        .request("DELETE", "/api/me".into(), json!({ "password": PASSWORD }))
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        olga.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "the session went"
    );
    let keyed = app
        .anonymous()
        .get(app.url(&format!("/api/accounts/{shared}")))
        .bearer_auth(&olga_token)
        .send()
        .await
        .unwrap();
    assert_eq!(keyed.status(), StatusCode::UNAUTHORIZED, "the key went");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM accounts WHERE id = $1",
            &solo.to_string()
        )
        .await,
        0,
        "the solo organization went"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM accounts WHERE personal_user_id = $1",
            &olga.id.to_string()
        )
        .await,
        0
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'pending'",
            "olga@acme.test"
        )
        .await,
        0
    );
    let members: Value = tess
        .get(&format!("/api/accounts/{shared}/members"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        members["items"].as_array().unwrap().len(),
        1,
        "only Tess stays in Shared"
    );
    let bobs_members: Value = bob
        .get(&format!("/api/accounts/{bobs}/members"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        bobs_members["items"].as_array().unwrap().len(),
        1,
        "Olga left Bobs"
    );
    app.assert_seat_counters().await;

    // The log keeps her id and shows her as "Deleted user", with no email.
    let log: Value = tess
        .get(&format!(
            "/api/accounts/{shared}/activity?event=org.ownership_transferred"
        ))
        .await
        .json()
        .await
        .unwrap();
    let actor = &log["items"][0]["actor"];
    assert_eq!(actor["user_id"], olga.id.to_string());
    assert_eq!(actor["name"], "Deleted user");
    assert_eq!(actor["email"], Value::Null);
    let left: Value = bob
        .get(&format!("/api/accounts/{bobs}/activity?event=member.left"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(left["items"].as_array().unwrap().len(), 1);
    // The address is free again.
    app.register("olga@acme.test").await;
}

#[tokio::test]
async fn sign_ins_and_failed_sign_ins_are_in_the_personal_log_without_the_password() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let attempt = |password: &'static str| {
        app.anonymous()
            .post(app.url("/api/auth/login"))
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            )
            .json(&json!({ "email": "ana@acme.test", "password": password }))
            .send()
    };
    assert_eq!(
        attempt("a wrong password!").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(attempt(PASSWORD).await.unwrap().status(), StatusCode::OK);
    let path = format!("/api/accounts/{}/activity?event=user.*", ana.personal);
    let mut failed = Value::Null;
    for _ in 0..100 {
        let log: Value = ana.get(&path).await.json().await.unwrap();
        if let Some(entry) = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["event"] == "user.sign_in_failed")
        {
            failed = entry.clone();
            let signed_in = log["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["event"] == "user.signed_in")
                .unwrap();
            assert_eq!(signed_in["payload"]["client"], "127.0.0.1");
            assert!(signed_in["payload"]["user_agent"]
                .as_str()
                .unwrap()
                .contains("Firefox"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(failed["payload"]["client"], "127.0.0.1", "{failed}");
    assert!(failed["payload"]["user_agent"]
        .as_str()
        .unwrap()
        .contains("Firefox"));
    assert!(!failed.to_string().contains("a wrong password!"));
}

#[tokio::test]
async fn mails_are_plain_text_with_an_html_alternative() {
    let app = TestApp::spawn().await;
    app.register_unverified("ana@acme.test").await;
    let raw = std::fs::read_dir(&app.outbox)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let raw = std::fs::read_to_string(raw).unwrap();
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert!(raw.contains("text/plain") && raw.contains("text/html"));
    let text = decode_quoted_printable(&raw);
    assert!(text.contains("Verify your email for Orgspace"));
    assert!(text.contains("/verify-email?token="));
}
