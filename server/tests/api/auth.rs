use crate::helpers::*;
use domain::ErrorCode;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_personal_registration_is_active_and_signed_in() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();
    let response = client
        .post(app.url("/api/auth/register"))
        .json(&json!({"email": " Ana@Acme.TEST ", "password": PASSWORD, "name": " Ana ", "account_type": "personal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("orgspace_session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ana@acme.test");
    assert_eq!(body["user"]["name"], "Ana");
    let accounts = body["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["kind"], "personal");
    assert_eq!(accounts[0]["status"], "active");
    assert_eq!(accounts[0]["role"], "owner");

    let me: Value = client
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], "ana@acme.test");
    assert_eq!(me["pending_invitations"], 0);
    assert_eq!(me["max_organizations"], 5);
    assert_eq!(me["accounts"][0]["id"], accounts[0]["id"]);
}

#[tokio::test]
async fn an_organization_registration_suspends_the_personal_account_and_creates_the_org() {
    let app = TestApp::spawn().await;
    let (user, org) = app
        .register_organization("olga@acme.test", "Acme Corp")
        .await;
    let me: Value = user.get("/api/me").await.json().await.unwrap();
    let accounts = me["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0]["kind"], "personal");
    assert_eq!(accounts[0]["status"], "suspended");
    let organization = &accounts[1];
    assert_eq!(organization["id"], org.to_string());
    assert_eq!(organization["kind"], "organization");
    assert_eq!(organization["status"], "suspended");
    assert_eq!(organization["credit_cents"], 0);
    assert_eq!(organization["plan"], "starter");
    assert_eq!(organization["role"], "owner");
    assert_eq!(organization["slug"], "acme-corp");
    assert_eq!(organization["region"], "eu-central");
    assert_eq!(organization["billing_address"]["country"], "CH");
    let teams = app
        .count(
            "SELECT COUNT(*) FROM teams t JOIN team_members m ON m.team_id = t.id
             WHERE t.account_id = $1 AND t.name = 'My Team' AND m.role = 'team_admin'",
            &org.to_string(),
        )
        .await;
    assert_eq!(teams, 1, "the creator is team admin of My Team");
}

#[tokio::test]
async fn a_registration_lists_every_invalid_field() {
    let app = TestApp::spawn().await;
    let response = app
        .anonymous()
        .post(app.url("/api/auth/register"))
        .json(&json!({
            "email": "not-an-email", "password": "short", "name": "",
            "account_type": "organization",
            "organization": {"name": "", "region": "mars-1", "billing_address": {"country": "ZZ"}}
        }))
        .send()
        .await
        .unwrap();
    let body = assert_problem(response, 422, ErrorCode::Validation).await;
    let fields = error_fields(&body);
    assert_eq!(
        fields,
        [
            "email",
            "password",
            "name",
            "organization.name",
            "organization.region",
            "organization.billing_address.name",
            "organization.billing_address.street",
            "organization.billing_address.city",
            "organization.billing_address.postal_code",
            "organization.billing_address.country"
        ]
    );
    let users = app
        .count("SELECT COUNT(*) FROM users WHERE email <> $1", "")
        .await;
    assert_eq!(users, 0, "nothing was stored");
}

#[tokio::test]
async fn an_email_registers_once_whatever_its_case() {
    let app = TestApp::spawn().await;
    app.register("ana@acme.test").await;
    let response = app
        .anonymous()
        .post(app.url("/api/auth/register"))
        .json(&json!({"email": "ANA@acme.test", "password": PASSWORD, "name": "Ana", "account_type": "personal"}))
        .send()
        .await
        .unwrap();
    assert_problem(response, 409, ErrorCode::EmailTaken).await;
}

#[tokio::test]
async fn malformed_bodies_get_a_problem_document() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();
    let not_json = client
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400, ErrorCode::Validation).await;
    let wrong_type = client
        .post(app.url("/api/auth/login"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(wrong_type, 400, ErrorCode::Validation).await;
    let wrong_shape = client
        .post(app.url("/api/auth/register"))
        .json(&json!({"email": 42}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(wrong_shape, 422, ErrorCode::Validation).await;
    assert_eq!(body["errors"][0]["field"], "email");
}

#[tokio::test]
async fn sign_in_failures_look_the_same_for_unknown_emails_and_wrong_passwords() {
    let app = TestApp::spawn().await;
    app.register("ana@acme.test").await;
    let client = app.anonymous();
    let mut bodies = Vec::new();
    for (email, password) in [
        ("ana@acme.test", "wrong password!!"),
        ("nobody@acme.test", PASSWORD),
        ("", ""),
    ] {
        let response = client
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        bodies.push(assert_problem(response, 401, ErrorCode::Unauthenticated).await);
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[1], bodies[2]);
}

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let app = TestApp::spawn().await;
    let user = app.register("ana@acme.test").await;
    let first = user.client.get(user.url("/api/me")).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let old_session = app
        .count(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
            &user.id.to_string(),
        )
        .await;
    assert_eq!(old_session, 1);

    // Sign in again with the same jar: the old session is replaced.
    let login = user
        .post(
            "/api/auth/login",
            json!({"email": "Ana@Acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["accounts"][0]["kind"], "personal");
    let sessions = app
        .count(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
            &user.id.to_string(),
        )
        .await;
    assert_eq!(sessions, 1, "the previous session was deleted");
    assert_eq!(user.get("/api/me").await.status(), StatusCode::OK);

    let logout = user.post("/api/auth/logout", json!({})).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let cleared = logout.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_problem(user.get("/api/me").await, 401, ErrorCode::Unauthenticated).await;
    let sessions = app
        .count(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
            &user.id.to_string(),
        )
        .await;
    assert_eq!(sessions, 0);
}

#[tokio::test]
async fn a_session_presented_at_sign_in_is_replaced_by_a_new_one() {
    let app = TestApp::spawn().await;
    app.register("ana@acme.test").await;
    let plain = reqwest::Client::new();
    let sign_in = |cookie: Option<String>| {
        let mut request = plain
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": "ana@acme.test", "password": PASSWORD}));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let token_of = |response: &reqwest::Response| {
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    let first = sign_in(None).await.unwrap();
    let old = token_of(&first);
    let me = |cookie: String| {
        plain
            .get(app.url("/api/me"))
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(me(old.clone()).await.unwrap().status(), StatusCode::OK);

    let second = sign_in(Some(old.clone())).await.unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    let new = token_of(&second);
    assert_ne!(old, new);
    assert_problem(me(old).await.unwrap(), 401, ErrorCode::Unauthenticated).await;
    assert_eq!(me(new).await.unwrap().status(), StatusCode::OK);
    let forged = me("orgspace_session=forged".into()).await.unwrap();
    assert_problem(forged, 401, ErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn cookies_are_secure_when_served_over_https() {
    let app =
        TestApp::spawn_with(|c| c.public_url = Some("https://console.example.com".into())).await;
    let response = app
        .anonymous()
        .post(app.url("/api/auth/register"))
        .json(&json!({"email": "ana@acme.test", "password": PASSWORD, "name": "Ana", "account_type": "personal"}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn repeated_sign_in_failures_for_one_email_are_rate_limited() {
    let app = TestApp::spawn_with(|c| c.login_failures_per_email = 3).await;
    app.register("ana@acme.test").await;
    let client = app.anonymous();
    let attempt = |password: &'static str| {
        client
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": "ana@acme.test", "password": password}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(
            attempt("wrong password!!").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = attempt(PASSWORD).await.unwrap();
    let retry_after: i64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 900, "{retry_after}");
    assert_problem(limited, 429, ErrorCode::RateLimited).await;
}

#[tokio::test]
async fn sign_in_attempts_per_address_are_rate_limited() {
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 4).await;
    let client = app.anonymous();
    for i in 0..4 {
        let response = client
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": format!("user{i}@acme.test"), "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "other@acme.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("retry-after"));
    assert_problem(response, 429, ErrorCode::RateLimited).await;
}

#[tokio::test]
async fn registrations_per_address_are_rate_limited() {
    let app = TestApp::spawn_with(|c| c.registrations_per_hour = 2).await;
    app.register("a@acme.test").await;
    app.register("b@acme.test").await;
    let response = app
        .anonymous()
        .post(app.url("/api/auth/register"))
        .json(&json!({"email": "c@acme.test", "password": PASSWORD, "name": "C", "account_type": "personal"}))
        .send()
        .await
        .unwrap();
    assert_problem(response, 429, ErrorCode::RateLimited).await;
}

#[tokio::test]
async fn me_needs_a_session() {
    let app = TestApp::spawn().await;
    let response = app
        .anonymous()
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap();
    assert_problem(response, 401, ErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn passwords_are_stored_only_as_argon2id_hashes() {
    let app = TestApp::spawn().await;
    let user = app.register("ana@acme.test").await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[tokio::test]
async fn changing_the_password_ends_every_session_and_starts_a_new_one() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    // A second session, on another device.
    let phone = app.anonymous();
    let sign_in = |password: &'static str| {
        phone
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": "ana@acme.test", "password": password}))
            .send()
    };
    assert_eq!(sign_in(PASSWORD).await.unwrap().status(), StatusCode::OK);
    let new_password = "a brand new passphrase";

    let wrong = ana
        .put(
            "/api/me/password",
            json!({"current_password": "not my password at all", "new_password": new_password}),
        )
        .await;
    let problem = assert_problem(wrong, 422, ErrorCode::Validation).await;
    assert_eq!(error_fields(&problem), ["current_password"]);
    let same = ana
        .put(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": PASSWORD}),
        )
        .await;
    let problem = assert_problem(same, 422, ErrorCode::Validation).await;
    assert_eq!(error_fields(&problem), ["new_password"]);

    let changed = ana
        .put(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": new_password}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert!(changed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly"));
    // This client carries on with its new session; the phone is signed out.
    assert_eq!(ana.get("/api/me").await.status(), StatusCode::OK);
    let phone_me = phone.get(app.url("/api/me")).send().await.unwrap();
    assert_problem(phone_me, 401, ErrorCode::Unauthenticated).await;
    let sessions = app
        .count(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
            &ana.id.to_string(),
        )
        .await;
    assert_eq!(sessions, 1);
    // The old password no longer signs in; the new one does.
    assert_eq!(
        sign_in(PASSWORD).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(new_password).await.unwrap().status(),
        StatusCode::OK
    );
    let logged = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE event = 'user.password_changed' AND account_id = $1",
            &ana.personal.to_string(),
        )
        .await;
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn guessing_the_current_password_is_rate_limited_like_sign_in() {
    let app = TestApp::spawn_with(|config| config.login_failures_per_email = 3).await;
    let ana = app.register("ana@acme.test").await;
    for _ in 0..3 {
        let wrong = ana
            .put(
                "/api/me/password",
                json!({"current_password": "a wrong guess 123", "new_password": "another passphrase"}),
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = ana
        .put(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": "another passphrase"}),
        )
        .await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, 429, ErrorCode::RateLimited).await;
}
