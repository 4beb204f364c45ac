//! API keys (SPEC §7): created per user and account, the secret shown once and
//! stored hashed, acting with the owner's current permissions in that account
//! only, deactivated by leaving or removal and working again after rejoining.

use crate::helpers::*;
use domain::{AccountId, ErrorCode, OrgRole};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

/// Calls `path` with `token` as the bearer and no cookies.
async fn with_key(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> Response {
    app.anonymous()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn keys(user: &User, org: AccountId) -> Vec<Value> {
    let list: Value = user
        .get(&format!("/api/accounts/{org}/api-keys"))
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().clone()
}

/// An active organization with Olga (Owner) and Tess (Tech, team member of Web).
async fn setup(app: &TestApp) -> (User, User, AccountId, String) {
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    olga.fund(org, 1_000).await;
    let tess = app.register("tess@acme.test").await;
    app.join(&olga, org, &tess, OrgRole::Tech).await;
    let web = olga.create_team(org, "Web").await;
    olga.set_team_role(org, &web, &tess, "team_member").await;
    (olga, tess, org, web)
}

#[tokio::test]
async fn a_key_is_shown_once_stored_hashed_and_acts_as_its_owner_in_its_account() {
    let app = TestApp::spawn().await;
    let (_olga, tess, org, web) = setup(&app).await;
    let response = tess
        .post(
            &format!("/api/accounts/{org}/api-keys"),
            json!({"name": " deploy bot ", "expires_at": "2030-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .contains("/api-keys/osk_"));
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(id.starts_with("osk_") && id.len() == 20, "{id}");
    assert_eq!(token, format!("{id}.{secret}"));
    assert_eq!(created["name"], "deploy bot");
    assert_eq!(created["expires_at"], "2030-01-01T00:00:00Z");
    assert_eq!(
        (created["active"].as_bool(), created["status"].as_str()),
        (Some(true), Some("active"))
    );
    assert_eq!(created["last_used_at"], Value::Null);

    // Only a hash is stored; the list never shows the secret.
    let stored = app
        .count(
            "SELECT COUNT(*) FROM api_keys WHERE secret_hash = $1",
            &secret,
        )
        .await;
    assert_eq!(stored, 0, "the secret itself is not stored");
    let listed = keys(&tess, org).await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].get("secret").is_none() && listed[0].get("token").is_none());
    assert!(!listed[0].to_string().contains(&secret));

    // It acts as Tess in this organization: lists and creates in her team.
    let instances = format!("/api/accounts/{org}/instances");
    let list = with_key(&app, &token, Method::GET, &instances, json!({})).await;
    assert_eq!(list.status(), StatusCode::OK);
    let made = with_key(
        &app,
        &token,
        Method::POST,
        &instances,
        json!({"name": "web-1", "size": "small", "team_id": web}),
    )
    .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    // The change is logged with the key as well as the user.
    let log: Value = app
        .anonymous()
        .get(app.url(&format!(
            "/api/accounts/{org}/activity?event=instance.created"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"][0]["actor"]["api_key_id"], id.as_str());
    assert_eq!(log["items"][0]["actor"]["user_id"], tess.id.to_string());
    // Last use is recorded.
    let used = keys(&tess, org).await;
    assert!(used[0]["last_used_at"].is_string(), "{}", used[0]);

    // Nowhere else: another account is absent, and user-level endpoints refuse.
    let personal = format!("/api/accounts/{}", tess.personal);
    assert_problem(
        with_key(&app, &token, Method::GET, &personal, json!({})).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    for (method, path) in [
        (Method::GET, "/api/me"),
        (Method::GET, "/api/accounts"),
        (Method::POST, "/api/accounts"),
        (Method::GET, "/api/invitations"),
    ] {
        let body = assert_problem(
            with_key(
                &app,
                &token,
                method.clone(),
                path,
                new_organization("X", "eu-central"),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("only inside its own account"),
            "{method} {path}"
        );
    }
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1",
            &tess.id.to_string()
        )
        .await,
        2,
        "the key made no organization"
    );
}

#[tokio::test]
async fn wrong_or_malformed_tokens_are_unauthenticated() {
    let app = TestApp::spawn().await;
    let (_olga, tess, org, _web) = setup(&app).await;
    let (id, token) = create_key(&tess, org).await;
    let path = format!("/api/accounts/{org}");
    for bad in [
        format!("{id}.wrong-secret"),
        format!("{id}.{}x", token.split_once('.').unwrap().1),
        "osk_aaaaaaaaaaaaaaaa.secret".to_owned(),
        "osk_short.secret".to_owned(),
        id.clone(),
    ] {
        assert_problem(
            with_key(&app, &bad, Method::GET, &path, json!({})).await,
            401,
            ErrorCode::Unauthenticated,
        )
        .await;
    }
    // Another scheme is not an API key: without a session it is 401, and with
    // one (a proxy's Basic authentication in front of the app) the session decides.
    let basic = app
        .anonymous()
        .get(app.url(&path))
        .header("authorization", "Basic dGVzczpwdw==")
        .send()
        .await
        .unwrap();
    assert_problem(basic, 401, ErrorCode::Unauthenticated).await;
    let behind_proxy = tess
        .client
        .get(tess.url(&path))
        .header("authorization", "Basic dGVzczpwdw==")
        .send()
        .await
        .unwrap();
    assert_eq!(behind_proxy.status(), StatusCode::OK);
    let empty_bearer = app
        .anonymous()
        .get(app.url(&path))
        .header("authorization", "Bearer")
        .send()
        .await
        .unwrap();
    let body = assert_problem(empty_bearer, 401, ErrorCode::Unauthenticated).await;
    assert!(
        body["detail"].as_str().unwrap().contains("API key"),
        "{body}"
    );
    // A session cookie does not rescue a bad key: the header decides.
    let both = tess
        .client
        .get(tess.url(&path))
        .bearer_auth("osk_aaaaaaaaaaaaaaaa.secret")
        .send()
        .await
        .unwrap();
    assert_problem(both, 401, ErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn keys_follow_the_owners_current_role_and_membership() {
    let app = TestApp::spawn().await;
    let (olga, tess, org, web) = setup(&app).await;
    let (id, token) = create_key(&tess, org).await;
    let instances = format!("/api/accounts/{org}/instances");
    let new_instance = |name: &str| json!({"name": name, "size": "small", "team_id": web});

    // Demoted to Viewer: the same key can no longer create.
    let member = format!("/api/accounts/{org}/members/{}", tess.id);
    assert_eq!(
        olga.patch(&member, json!({"role": "viewer"}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_problem(
        with_key(
            &app,
            &token,
            Method::POST,
            &instances,
            new_instance("web-1"),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_eq!(
        olga.patch(&member, json!({"role": "tech"})).await.status(),
        StatusCode::OK
    );

    // Removed: the key stops working (inactive, not deleted) and the Owner sees why.
    assert_eq!(olga.delete(&member).await.status(), StatusCode::NO_CONTENT);
    let body = assert_problem(
        with_key(&app, &token, Method::GET, &instances, json!({})).await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no longer a member"),
        "{body}"
    );
    let seen = keys(&olga, org).await;
    let tess_key = seen
        .iter()
        .find(|k| k["id"] == id.as_str())
        .expect("the Owner lists it");
    assert_eq!(
        (tess_key["active"].as_bool(), tess_key["status"].as_str()),
        (Some(false), Some("inactive"))
    );
    assert_eq!(tess_key["owner"]["user_id"], tess.id.to_string());
    let removal: Value = olga
        .get(&format!(
            "/api/accounts/{org}/activity?event=member.removed"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(removal["items"][0]["payload"]["api_keys_deactivated"], 1);

    // Rejoining makes it work again, with the new role.
    app.join(&olga, org, &tess, OrgRole::Tech).await;
    olga.set_team_role(org, &web, &tess, "team_member").await;
    let again = with_key(
        &app,
        &token,
        Method::POST,
        &instances,
        new_instance("web-2"),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CREATED);

    // Leaving deactivates it too.
    assert_eq!(
        tess.post(&format!("/api/accounts/{org}/leave"), json!({}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        with_key(&app, &token, Method::GET, &instances, json!({})).await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
}

#[tokio::test]
async fn an_expired_key_stops_and_says_so() {
    let app = TestApp::spawn().await;
    let (_olga, tess, org, _web) = setup(&app).await;
    let created: Value = tess
        .post(
            &format!("/api/accounts/{org}/api-keys"),
            json!({"name": "temporary", "expires_at": "2030-01-01T00:00:00Z"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap();
    let path = format!("/api/accounts/{org}");
    assert_eq!(
        with_key(&app, token, Method::GET, &path, json!({}))
            .await
            .status(),
        StatusCode::OK
    );
    // Let the expiry pass (the clock cannot be moved, the row can).
    sqlx::query("UPDATE api_keys SET expires_at = 1000 WHERE id = $1")
        .bind(created["id"].as_str().unwrap())
        .execute(app.store.pool())
        .await
        .unwrap();
    let body = assert_problem(
        with_key(&app, token, Method::GET, &path, json!({})).await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("expired"));
    assert_eq!(keys(&tess, org).await[0]["status"], "expired");
}

#[tokio::test]
async fn bad_key_requests_name_each_field() {
    let app = TestApp::spawn().await;
    let (_olga, tess, org, _web) = setup(&app).await;
    let path = format!("/api/accounts/{org}/api-keys");
    let body = assert_problem(
        tess.post(
            &path,
            json!({"name": "", "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let fields = error_fields(&body);
    assert_eq!(fields, ["name", "expires_at"]);
    assert_problem(
        tess.post(&path, json!({"name": "x", "expires_at": "next week"}))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        tess.get(&format!("{path}?limit=0")).await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        tess.get(&format!("{path}?cursor=zzz")).await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        tess.delete(&format!("{path}/not-a-key")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_problem(
        tess.delete(&format!("{path}/osk_aaaaaaaaaaaaaaaa")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM api_keys WHERE account_id = $1",
            &org.to_string()
        )
        .await,
        0
    );
}

#[tokio::test]
async fn members_revoke_their_own_keys_and_owners_anyones() {
    let app = TestApp::spawn().await;
    let (olga, tess, org, _web) = setup(&app).await;
    let (tess_first, tess_token) = create_key(&tess, org).await;
    let (tess_second, _) = create_key(&tess, org).await;
    let (olga_key, _) = create_key(&olga, org).await;
    // Tess sees her own two, Olga everyone's three (oldest first, paged).
    let mine: Vec<_> = keys(&tess, org)
        .await
        .iter()
        .map(|k| k["id"].clone())
        .collect();
    assert_eq!(mine, [json!(tess_first), json!(tess_second)]);
    let first: Value = olga
        .get(&format!("/api/accounts/{org}/api-keys?limit=2"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest: Value = olga
        .get(&format!(
            "/api/accounts/{org}/api-keys?limit=2&cursor={cursor}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"][0]["id"], olga_key.as_str());
    assert_eq!(rest["next_cursor"], Value::Null);

    // Tess may not revoke Olga's key; she may revoke hers.
    let path = |key: &str| format!("/api/accounts/{org}/api-keys/{key}");
    let refused = assert_problem(
        tess.delete(&path(&olga_key)).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert!(refused["detail"].as_str().unwrap().contains("Owner"));
    assert_eq!(
        tess.delete(&path(&tess_second)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        tess.delete(&path(&tess_second)).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // Olga revokes Tess's other key; it stops at once.
    assert_eq!(
        olga.delete(&path(&tess_first)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        with_key(
            &app,
            &tess_token,
            Method::GET,
            &format!("/api/accounts/{org}"),
            json!({}),
        )
        .await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
    let log: Value = olga
        .get(&format!("/api/accounts/{org}/activity?event=api_key.*"))
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "api_key.revoked",
            "api_key.revoked",
            "api_key.created",
            "api_key.created",
            "api_key.created"
        ]
    );
    // A key in a personal account works there.
    let (_, personal_token) = create_key(&tess, tess.personal).await;
    let personal = with_key(
        &app,
        &personal_token,
        Method::GET,
        &format!("/api/accounts/{}", tess.personal),
        json!({}),
    )
    .await;
    assert_eq!(personal.status(), StatusCode::OK);
}
