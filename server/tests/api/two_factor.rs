//! Two-factor authentication (SPEC §15): an authenticator app (codes once
//! each, one step of drift), recovery codes, passkeys (a software
//! authenticator from the WebAuthn library's own project), the pending
//! sign-in, and an organization's "require two-factor" policy through sessions
//! and API keys.

use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use webauthn_authenticator_rs::prelude::{
    CreationChallengeResponse, RequestChallengeResponse, Url, WebauthnAuthenticator,
};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

async fn me(client: &reqwest::Client, app: &TestApp) -> reqwest::Response {
    client.get(app.url("/api/me")).send().await.unwrap()
}

async fn two_factor_of(user: &User) -> Value {
    let me: Value = user.get("/api/me").await.json().await.unwrap();
    me["user"]["two_factor"].clone()
}

#[tokio::test]
async fn an_authenticator_app_turns_two_factor_on_and_each_code_signs_in_once() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    assert_eq!(
        two_factor_of(&ana).await,
        json!({"enabled": false, "totp": false, "passkeys": 0, "recovery_codes_left": 0})
    );
    // Nothing to confirm before an app is being set up.
    let early = ana
        .post("/api/me/two-factor/totp/confirm", json!({"code": "123456"}))
        .await;
    assert_problem(early, 422, ErrorCode::TwoFactorCodeInvalid).await;

    settle_totp_step().await;
    let started: Value = ana
        .post("/api/me/two-factor/totp", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let secret = started["secret"].as_str().unwrap().to_owned();
    let uri = started["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Orgspace:ana%40acme.test?"),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={secret}")));
    // Not on until confirmed.
    assert_eq!(two_factor_of(&ana).await["enabled"], false);
    let malformed = ana
        .post("/api/me/two-factor/totp/confirm", json!({"code": "12a"}))
        .await;
    assert_eq!(
        error_fields(&assert_problem(malformed, 422, ErrorCode::Validation).await),
        ["code"]
    );
    // Two steps back is outside the drift allowed.
    let stale = ana
        .post(
            "/api/me/two-factor/totp/confirm",
            json!({"code": totp_code(&secret, -2)}),
        )
        .await;
    assert_problem(stale, 422, ErrorCode::TwoFactorCodeInvalid).await;
    // One step back (drift) confirms it.
    let confirmed = ana
        .post(
            "/api/me/two-factor/totp/confirm",
            json!({"code": totp_code(&secret, -1)}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let codes: Value = confirmed.json().await.unwrap();
    let codes = codes["recovery_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| c.as_str().unwrap().len() == 11));
    assert_eq!(
        two_factor_of(&ana).await,
        json!({"enabled": true, "totp": true, "passkeys": 0, "recovery_codes_left": 10})
    );
    let notice = &mails_to(&app, "ana@acme.test")[0];
    assert!(notice.contains("Subject: Orgspace: Two-factor authentication was turned on"));

    // The password alone gives no session: a pending sign-in for a code.
    let client = app.anonymous();
    let first = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "ana@acme.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let cookies: Vec<_> = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("orgspace_pending="), "{cookies:?}");
    assert!(cookies[0].contains("Path=/api/auth; HttpOnly; SameSite=Lax; Max-Age=300"));
    let body: Value = first.json().await.unwrap();
    assert_eq!(
        body,
        json!({"two_factor_required": true, "methods": ["totp", "recovery_code"]})
    );
    assert_eq!(me(&client, &app).await.status(), StatusCode::UNAUTHORIZED);
    let wrong = client
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({"code": "000000"}))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 401, ErrorCode::TwoFactorCodeInvalid).await;
    // The next step's code (drift the other way) signs in.
    let next = totp_code(&secret, 1);
    let second = client
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({"code": next}))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    let signed_in: Value = second.json().await.unwrap();
    assert_eq!(signed_in["user"]["email"], "ana@acme.test");
    assert_eq!(me(&client, &app).await.status(), StatusCode::OK);
    // The pending sign-in is spent with it.
    let again = client
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({"code": next}))
        .send()
        .await
        .unwrap();
    assert_problem(again, 401, ErrorCode::Unauthenticated).await;

    // A code is accepted once: the same one, or an older step's, is refused.
    for code in [next.clone(), totp_code(&secret, 0)] {
        let (_, replay) = app
            .sign_in_two_steps("ana@acme.test", PASSWORD, json!({ "code": code }))
            .await;
        assert_problem(replay, 401, ErrorCode::TwoFactorCodeInvalid).await;
    }

    // Failed and successful second steps are in the sign-in history.
    let log: Value = ana
        .get(&format!(
            "/api/accounts/{}/activity?event=user.*",
            ana.personal
        ))
        .await
        .json()
        .await
        .unwrap();
    let entries = log["items"].as_array().unwrap();
    let signed_in_with = entries
        .iter()
        .find(|e| e["event"] == "user.signed_in" && e["payload"]["second_factor"] == "totp");
    assert!(signed_in_with.is_some(), "{log}");
    let failures = entries
        .iter()
        .filter(|e| e["event"] == "user.sign_in_failed" && e["payload"]["second_factor"] == "totp")
        .count();
    assert!(failures >= 1, "{log}");
    assert!(entries
        .iter()
        .any(|e| e["event"] == "user.two_factor_enabled"));
}

#[tokio::test]
async fn recovery_codes_work_once_and_a_new_set_replaces_the_old() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let secrets = app.enable_two_factor(&ana).await;
    let code = secrets.recovery_codes[0].to_uppercase();
    let (client, used) = app
        .sign_in_two_steps("ana@acme.test", PASSWORD, json!({ "recovery_code": code }))
        .await;
    assert_eq!(used.status(), StatusCode::OK);
    assert_eq!(me(&client, &app).await.status(), StatusCode::OK);
    assert_eq!(two_factor_of(&ana).await["recovery_codes_left"], 9);
    let (_, reused) = app
        .sign_in_two_steps("ana@acme.test", PASSWORD, json!({ "recovery_code": code }))
        .await;
    assert_problem(reused, 401, ErrorCode::TwoFactorCodeInvalid).await;
    let (_, malformed) = app
        .sign_in_two_steps(
            "ana@acme.test",
            PASSWORD,
            json!({ "recovery_code": "nope" }),
        )
        .await;
    let problem = assert_problem(malformed, 422, ErrorCode::Validation).await;
    assert_eq!(error_fields(&problem), ["recovery_code"]);
    let (_, both) = app
        .sign_in_two_steps(
            "ana@acme.test",
            PASSWORD,
            json!({ "code": "123456", "recovery_code": secrets.recovery_codes[1] }),
        )
        .await;
    assert_problem(both, 422, ErrorCode::Validation).await;

    let wrong = ana
        .post(
            "/api/me/two-factor/recovery-codes",
            json!({"password": "not the password"}),
        )
        .await;
    assert_problem(wrong, 403, ErrorCode::PasswordIncorrect).await;
    let fresh: Value = ana
        .post(
            "/api/me/two-factor/recovery-codes",
            json!({"password": PASSWORD}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fresh["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(two_factor_of(&ana).await["recovery_codes_left"], 10);
    let (_, old) = app
        .sign_in_two_steps(
            "ana@acme.test",
            PASSWORD,
            json!({ "recovery_code": secrets.recovery_codes[1] }),
        )
        .await;
    assert_problem(old, 401, ErrorCode::TwoFactorCodeInvalid).await;
    let (_, new) = app
        .sign_in_two_steps(
            "ana@acme.test",
            PASSWORD,
            json!({ "recovery_code": fresh["recovery_codes"][3] }),
        )
        .await;
    assert_eq!(new.status(), StatusCode::OK);
    assert!(mails_to(&app, "ana@acme.test")[0]
        .contains("Subject: Orgspace: New recovery codes were made"));
    // Without two-factor there is nothing to replace.
    let bo = app.register("bo@acme.test").await;
    let off = bo
        .post(
            "/api/me/two-factor/recovery-codes",
            json!({"password": PASSWORD}),
        )
        .await;
    assert_problem(off, 409, ErrorCode::TwoFactorRequired).await;
}

#[tokio::test]
async fn a_pending_sign_in_expires_and_grants_nothing_on_its_own() {
    let app = TestApp::spawn_with(|c| c.pending_sign_in_ttl = 1).await;
    let ana = app.register("ana@acme.test").await;
    let secrets = app.enable_two_factor(&ana).await;
    let client = app.anonymous();
    let first = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "ana@acme.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    // The pending cookie is no session anywhere.
    assert_eq!(me(&client, &app).await.status(), StatusCode::UNAUTHORIZED);
    let accounts = client.get(app.url("/api/accounts")).send().await.unwrap();
    assert_eq!(accounts.status(), StatusCode::UNAUTHORIZED);
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let late = client
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({"recovery_code": secrets.recovery_codes[0]}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(late, 401, ErrorCode::Unauthenticated).await;
    assert!(problem["detail"].as_str().unwrap().contains("expired"));
    // The code was not spent by the late attempt.
    assert_eq!(two_factor_of(&ana).await["recovery_codes_left"], 10);
    // No pending sign-in at all.
    let none = app
        .anonymous()
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({"code": totp_code(&secrets.secret, 0)}))
        .send()
        .await
        .unwrap();
    assert_problem(none, 401, ErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn wrong_second_factors_are_rate_limited_like_passwords() {
    let app = TestApp::spawn_with(|c| c.login_failures_per_email = 3).await;
    let ana = app.register("ana@acme.test").await;
    app.enable_two_factor(&ana).await;
    let client = app.anonymous();
    client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "ana@acme.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    for _ in 0..3 {
        let wrong = client
            .post(app.url("/api/auth/two-factor"))
            .json(&json!({"code": "000000"}))
            .send()
            .await
            .unwrap();
        assert_problem(wrong, 401, ErrorCode::TwoFactorCodeInvalid).await;
    }
    let limited = client
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({"code": "000000"}))
        .send()
        .await
        .unwrap();
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, 429, ErrorCode::RateLimited).await;
}

#[tokio::test]
async fn turning_two_factor_off_needs_the_password_and_ends_every_factor() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    app.enable_two_factor(&ana).await;
    let wrong = ana
        .request(
            "DELETE",
            "/api/me/two-factor".into(),
            json!({"password": "not it"}),
        )
        .await;
    assert_problem(wrong, 403, ErrorCode::PasswordIncorrect).await;
    let off = ana
        .request(
            "DELETE",
            "/api/me/two-factor".into(),
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(off.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        two_factor_of(&ana).await,
        json!({"enabled": false, "totp": false, "passkeys": 0, "recovery_codes_left": 0})
    );
    // The password alone signs in again.
    let again = app.login("ana@acme.test", PASSWORD).await;
    assert_eq!(again.get("/api/me").await.status(), StatusCode::OK);
    assert!(mails_to(&app, "ana@acme.test")[0]
        .contains("Subject: Orgspace: Two-factor authentication was turned off"));
}

/// The server's public address, which passkeys are bound to.
fn origin(app: &TestApp) -> Url {
    Url::parse(&app.public_url()).unwrap()
}

#[tokio::test]
async fn passkeys_are_added_named_used_at_sign_in_and_removed() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let early = ana
        .post("/api/me/two-factor/passkeys/options", json!({}))
        .await;
    assert_problem(early, 409, ErrorCode::TwoFactorRequired).await;
    app.enable_two_factor(&ana).await;

    let mut authenticator = WebauthnAuthenticator::new(SoftPasskey::new(true));
    let options: Value = ana
        .post("/api/me/two-factor/passkeys/options", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let options: CreationChallengeResponse =
        serde_json::from_value(options["options"].clone()).unwrap();
    let credential = authenticator
        .do_registration(origin(&app), options)
        .expect("the software authenticator registers");
    let unnamed = ana
        .post(
            "/api/me/two-factor/passkeys",
            json!({"name": " ", "credential": credential}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(unnamed, 422, ErrorCode::Validation).await),
        ["name"]
    );
    let added = ana
        .post(
            "/api/me/two-factor/passkeys",
            json!({"name": "Laptop", "credential": credential}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let passkey: Value = added.json().await.unwrap();
    assert_eq!(passkey["name"], "Laptop");
    // The options were used up with it.
    let replayed = ana
        .post(
            "/api/me/two-factor/passkeys",
            json!({"name": "Again", "credential": credential}),
        )
        .await;
    assert_problem(replayed, 422, ErrorCode::TwoFactorCodeInvalid).await;
    let id = passkey["id"].as_str().unwrap();
    let renamed = ana
        .patch(
            &format!("/api/me/two-factor/passkeys/{id}"),
            json!({"name": "Work laptop"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let listed: Value = ana
        .get("/api/me/two-factor/passkeys")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["name"], "Work laptop");
    assert_eq!(two_factor_of(&ana).await["passkeys"], 1);

    // Signing in with it.
    let client = app.anonymous();
    let first: Value = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "ana@acme.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        first["methods"],
        json!(["totp", "passkey", "recovery_code"])
    );
    // An answer without a challenge is refused.
    let unasked = client
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({"passkey": {"id": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(unasked.status().as_u16() / 100, 4);
    let challenge: Value = client
        .post(app.url("/api/auth/two-factor/passkey"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let challenge: RequestChallengeResponse =
        serde_json::from_value(challenge["options"].clone()).unwrap();
    let assertion = authenticator
        .do_authentication(origin(&app), challenge)
        .expect("the software authenticator signs");
    let signed_in = client
        .post(app.url("/api/auth/two-factor"))
        .json(&json!({ "passkey": assertion }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(me(&client, &app).await.status(), StatusCode::OK);
    let listed: Value = ana
        .get("/api/me/two-factor/passkeys")
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["items"][0]["last_used_at"].is_string(), "{listed}");

    // Someone else's passkey id is no passkey of yours.
    let bo = app.register("bo@acme.test").await;
    let foreign = bo
        .request(
            "DELETE",
            format!("/api/me/two-factor/passkeys/{id}"),
            json!({}),
        )
        .await;
    assert_problem(foreign, 404, ErrorCode::NotFound).await;
    let removed = ana
        .request(
            "DELETE",
            format!("/api/me/two-factor/passkeys/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(two_factor_of(&ana).await["passkeys"], 0);
    assert!(mails_to(&app, "ana@acme.test")[0]
        .contains("Subject: Orgspace: The passkey \"Work laptop\" was removed"));
}

#[tokio::test]
async fn an_organization_can_require_two_factor_of_its_members() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    olga.fund(org, 5_000).await;
    olga.put(
        &format!("/api/accounts/{org}/plan"),
        json!({"plan": "business"}),
    )
    .await;
    let ada = app.register("ada@acme.test").await;
    let tom = app.register("tom@acme.test").await;
    app.add_member(org, &ada, OrgRole::Admin).await;
    app.add_member(org, &tom, OrgRole::Tech).await;
    let tom_key = create_key(&tom, org).await.1;
    let require = json!({"require_two_factor": true});
    let path = format!("/api/accounts/{org}");

    // Only an Owner, and only one who has it: nobody locks themself out.
    let own_first = olga.patch(&path, require.clone()).await;
    assert_problem(own_first, 409, ErrorCode::TwoFactorRequired).await;
    app.enable_two_factor(&ada).await;
    assert_problem(
        ada.patch(&path, require.clone()).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    app.enable_two_factor(&olga).await;
    let on = olga.patch(&path, require.clone()).await;
    assert_eq!(on.status(), StatusCode::OK);
    assert_eq!(
        on.json::<Value>().await.unwrap()["require_two_factor"],
        true
    );

    // Tom (no second factor) sees the account and may leave, nothing else —
    // through his session and through his API key alike.
    let account = tom.get(&path).await;
    assert_eq!(account.status(), StatusCode::OK);
    assert_eq!(
        account.json::<Value>().await.unwrap()["require_two_factor"],
        true
    );
    let blocked = tom.get(&format!("{path}/members")).await;
    let problem = assert_problem(blocked, 403, ErrorCode::TwoFactorRequired).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .starts_with("Acme requires two-factor"));
    let by_key = app
        .anonymous()
        .get(app.url(&format!("{path}/instances")))
        .bearer_auth(&tom_key)
        .send()
        .await
        .unwrap();
    assert_problem(by_key, 403, ErrorCode::TwoFactorRequired).await;
    // His own account is his as ever; a stranger still gets 404.
    assert_eq!(
        tom.get(&format!("/api/accounts/{}", tom.personal))
            .await
            .status(),
        StatusCode::OK
    );
    let eve = app.register("eve@evil.test").await;
    assert_problem(
        eve.get(&format!("{path}/members")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;

    // Owners and Admins see who has it; the member list is theirs to act on.
    let members: Value = olga
        .get(&format!("{path}/members"))
        .await
        .json()
        .await
        .unwrap();
    let has = |email: &str| {
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["two_factor"]
            .clone()
    };
    assert_eq!(has("olga@acme.test"), true);
    assert_eq!(has("ada@acme.test"), true);
    assert_eq!(has("tom@acme.test"), false);

    // Tom turns it on and gets in; as a Tech he does not see others' second factors.
    app.enable_two_factor(&tom).await;
    let listed: Value = tom
        .get(&format!("{path}/members"))
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["items"][0].get("two_factor").is_none(), "{listed}");
    let by_key = app
        .anonymous()
        .get(app.url(&format!("{path}/instances")))
        .bearer_auth(&tom_key)
        .send()
        .await
        .unwrap();
    assert_eq!(by_key.status(), StatusCode::OK);
    // While a member, he cannot turn it off again.
    let off = tom
        .request(
            "DELETE",
            "/api/me/two-factor".into(),
            json!({"password": PASSWORD}),
        )
        .await;
    let problem = assert_problem(off, 409, ErrorCode::TwoFactorRequired).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .starts_with("Acme requires"));

    // An invitation into it needs two-factor too; the invitation stays pending.
    let uma = app.register("uma@acme.test").await;
    let invitation = app
        .invite(&olga, org, "uma@acme.test", OrgRole::Viewer)
        .await;
    let accept = format!(
        "/api/invitations/{}/accept",
        invitation["id"].as_str().unwrap()
    );
    assert_problem(
        uma.post(&accept, json!({})).await,
        403,
        ErrorCode::TwoFactorRequired,
    )
    .await;
    app.enable_two_factor(&uma).await;
    assert_eq!(uma.post(&accept, json!({})).await.status(), StatusCode::OK);

    // A member without it can always leave: the policy never keeps anyone in.
    let vic = app.register("vic@acme.test").await;
    app.add_member(org, &vic, OrgRole::Viewer).await;
    let left = vic.post(&format!("{path}/leave"), json!({})).await;
    assert_eq!(left.status(), StatusCode::NO_CONTENT);

    // The change is in the organization's log; turning it off needs no second factor.
    let log: Value = olga
        .get(&format!(
            "{path}/activity?event=org.two_factor_policy_changed"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"][0]["payload"]["require_two_factor"]["to"], true);
    let off = olga
        .patch(&path, json!({"require_two_factor": false}))
        .await;
    assert_eq!(
        off.json::<Value>().await.unwrap()["require_two_factor"],
        false
    );
}
