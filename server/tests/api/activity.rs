//! The activity log (SPEC §8): every mutating operation of the OpenAPI document
//! writes its entry in the change's transaction; the list filters and pages;
//! exports stream CSV and JSON; nothing edits or deletes an entry.

use crate::helpers::*;
use domain::{AccountId, ErrorCode, OrgRole};
use futures::FutureExt;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::future::Future;

/// Entries of `event` in `account`, straight from the database.
async fn entries(app: &TestApp, account: &str, event: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = $2")
        .bind(account)
        .bind(event)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn all_entries(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM activity")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Walks operations, checking each wrote exactly one entry of its event.
struct Walk<'a> {
    app: &'a TestApp,
    done: BTreeSet<String>,
}

impl Walk<'_> {
    async fn step(
        &mut self,
        op: &str,
        account: impl ToString,
        event: &str,
        call: impl Future<Output = Response>,
    ) -> Value {
        let account = account.to_string();
        let before = entries(self.app, &account, event).await;
        let response = call.await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{op}: {status} {body}");
        let after = entries(self.app, &account, event).await;
        assert_eq!(after, before + 1, "{op} wrote one {event} entry");
        self.done.insert(op.to_owned());
        body
    }
}

fn id_of(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_mutating_operation_in_the_openapi_document_writes_its_entry() {
    let dns = crate::dns::DnsServer::start();
    let dns_addr = dns.addr;
    let app = TestApp::spawn_with(move |c| c.dns_server = Some(dns_addr)).await;
    let mut walk = Walk {
        app: &app,
        done: BTreeSet::new(),
    };
    // Sessions: registration, sign-in and sign-out are logged in the personal account.
    let client = app.anonymous();
    let pat_body = json!({"email": "pat@acme.test", "password": PASSWORD, "name": "Pat", "account_type": "personal"});
    let registered = client
        .post(app.url("/api/auth/register"))
        .json(&pat_body)
        .send();
    let registered_body = {
        let response = registered.await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()
    };
    let pat_personal = registered_body["accounts"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(entries(&app, &pat_personal, "account.created").await, 1);
    walk.done.insert("POST /api/auth/register".into());
    let login = json!({"email": "pat@acme.test", "password": PASSWORD});
    walk.step(
        "POST /api/auth/login",
        &pat_personal,
        "user.signed_in",
        async {
            client
                .post(app.url("/api/auth/login"))
                .json(&login)
                .send()
                .await
                .unwrap()
        },
    )
    .await;
    walk.step(
        "POST /api/auth/logout",
        &pat_personal,
        "user.signed_out",
        async {
            client
                .post(app.url("/api/auth/logout"))
                .json(&json!({}))
                .send()
                .await
                .unwrap()
        },
    )
    .await;

    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let tess = app.register("tess@acme.test").await;
    let uma = app.register("uma@acme.test").await;
    let vic = app.register("vic@acme.test").await;
    let yan = app.register("yan@acme.test").await;
    let a = |path: &str| format!("/api/accounts/{org}{path}");

    let beta = olga
        .post("/api/accounts", new_organization("Beta", "eu-central"))
        .await;
    assert_eq!(beta.status(), StatusCode::CREATED);
    let beta = id_of(&beta.json().await.unwrap());
    assert_eq!(
        entries(&app, &beta, "org.created").await,
        1,
        "POST /api/accounts"
    );
    walk.done.insert("POST /api/accounts".into());

    // SPEC §16: a domain added, proven by its TXT record, removed.
    let added = walk
        .step(
            "POST /api/accounts/{id}/domains",
            org,
            "domain.added",
            olga.post(&a("/domains"), json!({"domain": "acme.test"})),
        )
        .await;
    let txt_value = added["txt_value"].as_str().unwrap();
    dns.set_txt("_orgspace-challenge.acme.test", &[txt_value]);
    let domain = format!("/domains/{}", added["id"].as_str().unwrap());
    walk.step(
        "POST /api/accounts/{id}/domains/{domain_id}/verify",
        org,
        "domain.verified",
        olga.post(&a(&format!("{domain}/verify")), json!({})),
    )
    .await;
    // SPEC §16: single sign-on, connected (the provider is a real one), a
    // sign-in started (no entry until it ends), and removed; then the domain.
    let provider = crate::oidc::OidcProvider::start(
        &format!("{}/api/sso/oidc/callback", app.public_url()),
        "key-1",
        None,
    );
    let connection = json!({
        "type": "oidc", "issuer": provider.issuer, "client_id": crate::oidc::CLIENT_ID,
        "client_secret": crate::oidc::CLIENT_SECRET,
    });
    walk.step(
        "POST /api/accounts/{id}/sso",
        org,
        "sso.configured",
        olga.post(&a("/sso"), connection),
    )
    .await;
    let started = app
        .anonymous()
        .post(app.url("/api/auth/sso"))
        .json(&json!({"email": "someone@acme.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    walk.done.insert("POST /api/auth/sso".into());
    // An answer posted to the SAML ACS for that (OpenID) sign-in, from a
    // browser without its cookie: refused, and logged in the organization.
    let redirect: Value = started.json().await.unwrap();
    let redirect = reqwest::Url::parse(redirect["redirect_url"].as_str().unwrap()).unwrap();
    let (_, state) = redirect.query_pairs().find(|(k, _)| k == "state").unwrap();
    let failed_before = entries(&app, &org.to_string(), "sso.failed").await;
    app.anonymous()
        .post(app.url("/api/sso/saml/acs"))
        .form(&[
            ("SAMLResponse", "PHNhbWxwOlJlc3BvbnNlLz4="),
            ("RelayState", &state),
        ])
        .send()
        .await
        .unwrap();
    let failed_after = entries(&app, &org.to_string(), "sso.failed").await;
    assert_eq!(
        failed_after,
        failed_before + 1,
        "the refused answer is logged"
    );
    walk.done.insert("POST /api/sso/saml/acs".into());
    // SPEC §17: the hierarchy's operations, each logged where it happened.
    let child = walk
        .step(
            "POST /api/accounts/{id}/children",
            org,
            "org.child_created",
            olga.post(
                &a("/children"),
                json!({"name": "Acme Labs", "region": "eu-north", "billing": "parent"}),
            ),
        )
        .await;
    let child = id_of(&child);
    walk.step(
        "PUT /api/accounts/{id}/billing-mode",
        &child,
        "org.billing_mode_changed",
        olga.put(
            &format!("/api/accounts/{child}/billing-mode"),
            json!({"billing": "own"}),
        ),
    )
    .await;
    let gamma = olga.create_organization("Gamma", "eu-central").await;
    walk.step(
        "POST /api/accounts/{id}/links",
        org,
        "org.linked",
        olga.post(&a("/links"), json!({"child_id": gamma.to_string()})),
    )
    .await;
    walk.step(
        "DELETE /api/accounts/{id}/links/{child_id}",
        org,
        "org.unlinked",
        olga.delete(&a(&format!("/links/{gamma}"))),
    )
    .await;
    let yan_co = yan.create_organization("Yan Co", "eu-central").await;
    let ask = || async {
        let asked: Value = olga
            .post(&a("/links"), json!({"child_id": yan_co.to_string()}))
            .await
            .json()
            .await
            .unwrap();
        asked["request"]["id"].as_str().unwrap().to_owned()
    };
    let request = ask().await;
    walk.step(
        "POST /api/accounts/{id}/link-requests/{request_id}/decline",
        yan_co,
        "org.link_declined",
        yan.post(
            &format!("/api/accounts/{yan_co}/link-requests/{request}/decline"),
            json!({}),
        ),
    )
    .await;
    let request = ask().await;
    walk.step(
        "POST /api/accounts/{id}/link-requests/{request_id}/accept",
        yan_co,
        "org.linked",
        yan.post(
            &format!("/api/accounts/{yan_co}/link-requests/{request}/accept"),
            json!({}),
        ),
    )
    .await;
    walk.step(
        "DELETE /api/accounts/{id}/sso",
        org,
        "sso.removed",
        olga.delete(&a("/sso")),
    )
    .await;
    walk.step(
        "DELETE /api/accounts/{id}/domains/{domain_id}",
        org,
        "domain.removed",
        olga.delete(&a(&domain)),
    )
    .await;

    walk.step(
        "PATCH /api/accounts/{id}",
        org,
        "org.updated",
        olga.patch(&a(""), json!({"name": "Acme Corp"})),
    )
    .await;
    walk.step(
        "PUT /api/accounts/{id}/plan",
        org,
        "plan.changed",
        olga.put(&a("/plan"), json!({"plan": "business"})),
    )
    .await;
    walk.step(
        "POST /api/accounts/{id}/funds",
        org,
        "funds.added",
        olga.post(&a("/funds"), json!({"amount_cents": 5000})),
    )
    .await;
    let invitation = walk
        .step(
            "POST /api/accounts/{id}/invitations",
            org,
            "member.invited",
            olga.post(
                &a("/invitations"),
                json!({"email": "tess@acme.test", "role": "viewer"}),
            ),
        )
        .await;
    let invitation = id_of(&invitation);
    walk.step(
        "POST /api/accounts/{id}/invitations/{invitation_id}/resend",
        org,
        "member.invitation_resent",
        olga.post(&a(&format!("/invitations/{invitation}/resend")), json!({})),
    )
    .await;
    let token = app.token_for("tess@acme.test");
    // Previewing an invitation changes nothing and writes nothing.
    let total = all_entries(&app).await;
    let preview = tess
        .post("/api/invitations/preview", json!({"token": token}))
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert_eq!(all_entries(&app).await, total, "a preview is not a change");
    walk.step(
        "POST /api/invitations/accept-token",
        org,
        "member.joined",
        tess.post("/api/invitations/accept-token", json!({"token": token})),
    )
    .await;
    let uma_invitation = id_of(&app.invite(&olga, org, "uma@acme.test", OrgRole::Tech).await);
    walk.step(
        "POST /api/invitations/{invitation_id}/accept",
        org,
        "member.joined",
        uma.post(
            &format!("/api/invitations/{uma_invitation}/accept"),
            json!({}),
        ),
    )
    .await;
    let vic_invitation = id_of(&app.invite(&olga, org, "vic@acme.test", OrgRole::Tech).await);
    walk.step(
        "POST /api/invitations/{invitation_id}/decline",
        org,
        "member.invitation_declined",
        vic.post(
            &format!("/api/invitations/{vic_invitation}/decline"),
            json!({}),
        ),
    )
    .await;
    let wes_invitation = id_of(&app.invite(&olga, org, "wes@acme.test", OrgRole::Tech).await);
    walk.step(
        "DELETE /api/accounts/{id}/invitations/{invitation_id}",
        org,
        "member.invitation_revoked",
        olga.delete(&a(&format!("/invitations/{wes_invitation}"))),
    )
    .await;
    walk.step(
        "PATCH /api/accounts/{id}/members/{user_id}",
        org,
        "member.role_changed",
        olga.patch(
            &a(&format!("/members/{}", tess.id)),
            json!({"role": "tech"}),
        ),
    )
    .await;
    let team = id_of(
        &walk
            .step(
                "POST /api/accounts/{id}/teams",
                org,
                "team.created",
                olga.post(&a("/teams"), json!({"name": "Web"})),
            )
            .await,
    );
    walk.step(
        "PATCH /api/accounts/{id}/teams/{team_id}",
        org,
        "team.renamed",
        olga.patch(&a(&format!("/teams/{team}")), json!({"name": "Frontend"})),
    )
    .await;
    walk.step(
        "PUT /api/accounts/{id}/teams/{team_id}/members/{user_id}",
        org,
        "team.member_set",
        olga.put(
            &a(&format!("/teams/{team}/members/{}", tess.id)),
            json!({"role": "team_member"}),
        ),
    )
    .await;
    let instance = id_of(
        &walk
            .step(
                "POST /api/accounts/{id}/instances",
                org,
                "instance.created",
                tess.post(
                    &a("/instances"),
                    json!({"name": "web-1", "size": "small", "team_id": team}),
                ),
            )
            .await,
    );
    walk.step(
        "DELETE /api/accounts/{id}/instances/{instance_id}",
        org,
        "instance.deleted",
        tess.delete(&a(&format!("/instances/{instance}"))),
    )
    .await;
    walk.step(
        "DELETE /api/accounts/{id}/teams/{team_id}/members/{user_id}",
        org,
        "team.member_removed",
        olga.delete(&a(&format!("/teams/{team}/members/{}", tess.id))),
    )
    .await;
    walk.step(
        "DELETE /api/accounts/{id}/teams/{team_id}",
        org,
        "team.deleted",
        olga.delete(&a(&format!("/teams/{team}"))),
    )
    .await;
    let key = walk
        .step(
            "POST /api/accounts/{id}/api-keys",
            org,
            "api_key.created",
            tess.post(&a("/api-keys"), json!({"name": "ci"})),
        )
        .await;
    let secret = key["secret"].as_str().unwrap().to_owned();
    walk.step(
        "DELETE /api/accounts/{id}/api-keys/{key_id}",
        org,
        "api_key.revoked",
        tess.delete(&a(&format!("/api-keys/{}", id_of(&key)))),
    )
    .await;
    walk.step(
        "DELETE /api/accounts/{id}/members/{user_id}",
        org,
        "member.removed",
        olga.delete(&a(&format!("/members/{}", uma.id))),
    )
    .await;
    walk.step(
        "POST /api/accounts/{id}/leave",
        org,
        "member.left",
        tess.post(&a("/leave"), json!({})),
    )
    .await;
    app.join(&olga, org, &yan, OrgRole::Admin).await;
    walk.step(
        "POST /api/accounts/{id}/transfer-ownership",
        org,
        "org.ownership_transferred",
        olga.post(&a("/transfer-ownership"), json!({"user_id": yan.id})),
    )
    .await;
    walk.step(
        "PUT /api/me/password",
        yan.personal,
        "user.password_changed",
        yan.put(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": "yan's new passphrase"}),
        ),
    )
    .await;
    walk.step(
        "DELETE /api/accounts/{id}",
        &beta,
        "org.deleted",
        olga.delete(&format!("/api/accounts/{beta}")),
    )
    .await;

    // The user's own lifecycle (SPEC §14), logged in their personal account.
    let zoe = app.register_unverified("zoe@acme.test").await;
    let verification = app.token_for("zoe@acme.test");
    walk.step(
        "POST /api/auth/verify-email",
        zoe.personal,
        "user.email_verified",
        zoe.post("/api/auth/verify-email", json!({ "token": verification })),
    )
    .await;
    walk.step(
        "PATCH /api/me",
        zoe.personal,
        "user.profile_updated",
        zoe.patch("/api/me", json!({ "name": "Zoë" })),
    )
    .await;
    walk.step(
        "PUT /api/me/email",
        zoe.personal,
        "user.email_change_requested",
        zoe.put(
            "/api/me/email",
            json!({ "email": "zoe@beta.test", "password": PASSWORD }),
        ),
    )
    .await;
    let change = app.token_for("zoe@beta.test");
    walk.step(
        "POST /api/auth/verify-email",
        zoe.personal,
        "user.email_changed",
        zoe.post("/api/auth/verify-email", json!({ "token": change })),
    )
    .await;
    // Asking for a link changes nothing until it is followed: no entry.
    let asked = app
        .anonymous()
        .post(app.url("/api/auth/password-reset"))
        .json(&json!({ "email": "zoe@beta.test" }))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    walk.done.insert("POST /api/auth/password-reset".into());
    let reset = crate::helpers::eventually_token(&app, "zoe@beta.test", "/reset-password").await;
    walk.step(
        "POST /api/auth/password-reset/confirm",
        zoe.personal,
        "user.password_reset",
        app.anonymous()
            .post(app.url("/api/auth/password-reset/confirm"))
            .json(&json!({ "token": reset, "password": "zoe's reset passphrase" }))
            .send()
            .map(Result::unwrap),
    )
    .await;
    let unverified = app.register_unverified("wes@acme.test").await;
    let resent = unverified
        .post("/api/me/verification-email", json!({}))
        .await;
    assert_eq!(resent.status(), StatusCode::ACCEPTED);
    walk.done.insert("POST /api/me/verification-email".into());
    let app_ref = &app;
    let sign_in = move |password: &'static str| {
        let client = app_ref.anonymous();
        let app = app_ref;
        async move {
            let response = client
                .post(app.url("/api/auth/login"))
                .json(&json!({ "email": "zoe@beta.test", "password": password }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            client
        }
    };
    let (laptop, phone, tablet) = (
        sign_in("zoe's reset passphrase").await,
        sign_in("zoe's reset passphrase").await,
        sign_in("zoe's reset passphrase").await,
    );
    let sessions: Value = laptop
        .get(app.url("/api/me/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    walk.step(
        "DELETE /api/me/sessions/{session_id}",
        zoe.personal,
        "user.session_revoked",
        laptop
            .delete(app.url(&format!("/api/me/sessions/{other}")))
            .send()
            .map(Result::unwrap),
    )
    .await;
    walk.step(
        "DELETE /api/me/sessions",
        zoe.personal,
        "user.session_revoked",
        laptop
            .delete(app.url("/api/me/sessions"))
            .send()
            .map(Result::unwrap),
    )
    .await;
    drop((phone, tablet));
    let second_factors = walk_two_factor(&mut walk, zoe.personal, &laptop).await;
    walk.step(
        "DELETE /api/me",
        zoe.personal,
        "user.deleted",
        laptop
            .delete(app.url("/api/me"))
            .json(&json!({ "password": "zoe's reset passphrase" }))
            .send()
            .map(Result::unwrap),
    )
    .await;

    // Every mutating operation the document lists was walked (the preview is a read).
    let document = app.openapi().await;
    let mut mutating = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                mutating.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    mutating.remove("POST /api/invitations/preview");
    assert_eq!(
        walk.done, mutating,
        "walked = the document's mutating operations"
    );

    // No entry holds a secret: passwords, their hashes, key secrets, invitation tokens.
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM activity")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    for payload in &payloads {
        for secret in [PASSWORD, "$argon2", secret.as_str(), token.as_str()] {
            assert!(!payload.contains(secret), "{payload} holds a secret");
        }
        for secret in &second_factors {
            assert!(
                !payload.contains(secret.as_str()),
                "{payload} holds a secret"
            );
        }
    }
}

/// SPEC §15's operations, as Zoe (signed in on `laptop`): each change is an
/// entry of her personal log. Returns the secrets they handled (the
/// authenticator secret, recovery codes), which no entry may hold.
async fn walk_two_factor(
    walk: &mut Walk<'_>,
    personal: AccountId,
    laptop: &reqwest::Client,
) -> Vec<String> {
    use webauthn_authenticator_rs::prelude::{Url, WebauthnAuthenticator};
    use webauthn_authenticator_rs::softpasskey::SoftPasskey;
    let app = walk.app;
    let post = |path: &str, body: Value| {
        laptop
            .post(app.url(path))
            .json(&body)
            .send()
            .map(Result::unwrap)
    };
    settle_totp_step().await;
    let started: Value = post("/api/me/two-factor/totp", json!({}))
        .await
        .json()
        .await
        .unwrap();
    walk.done.insert("POST /api/me/two-factor/totp".into());
    let secret = started["secret"].as_str().unwrap().to_owned();
    let codes = walk
        .step(
            "POST /api/me/two-factor/totp/confirm",
            personal,
            "user.two_factor_enabled",
            post(
                "/api/me/two-factor/totp/confirm",
                json!({"code": totp_code(&secret, -1)}),
            ),
        )
        .await;
    let fresh = walk
        .step(
            "POST /api/me/two-factor/recovery-codes",
            personal,
            "user.recovery_codes_regenerated",
            post(
                "/api/me/two-factor/recovery-codes",
                json!({"password": "zoe's reset passphrase"}),
            ),
        )
        .await;
    let mut authenticator = WebauthnAuthenticator::new(SoftPasskey::new(true));
    let origin = Url::parse(&app.public_url()).unwrap();
    let options: Value = post("/api/me/two-factor/passkeys/options", json!({}))
        .await
        .json()
        .await
        .unwrap();
    walk.done
        .insert("POST /api/me/two-factor/passkeys/options".into());
    let credential = authenticator
        .do_registration(
            origin.clone(),
            serde_json::from_value(options["options"].clone()).unwrap(),
        )
        .unwrap();
    let passkey = walk
        .step(
            "POST /api/me/two-factor/passkeys",
            personal,
            "user.passkey_added",
            post(
                "/api/me/two-factor/passkeys",
                json!({"name": "Key", "credential": credential}),
            ),
        )
        .await;
    let passkey = format!(
        "/api/me/two-factor/passkeys/{}",
        passkey["id"].as_str().unwrap()
    );
    walk.step(
        "PATCH /api/me/two-factor/passkeys/{passkey_id}",
        personal,
        "user.passkey_renamed",
        laptop
            .patch(app.url(&passkey))
            .json(&json!({"name": "YubiKey"}))
            .send()
            .map(Result::unwrap),
    )
    .await;
    // Signing in with the passkey: a challenge (no entry), then the answer.
    let phone = app.anonymous();
    let first = phone
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "zoe@beta.test", "password": "zoe's reset passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let challenge: Value = phone
        .post(app.url("/api/auth/two-factor/passkey"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    walk.done.insert("POST /api/auth/two-factor/passkey".into());
    let assertion = authenticator
        .do_authentication(
            origin,
            serde_json::from_value(challenge["options"].clone()).unwrap(),
        )
        .unwrap();
    walk.step(
        "POST /api/auth/two-factor",
        personal,
        "user.signed_in",
        phone
            .post(app.url("/api/auth/two-factor"))
            .json(&json!({ "passkey": assertion }))
            .send()
            .map(Result::unwrap),
    )
    .await;
    walk.step(
        "DELETE /api/me/two-factor/passkeys/{passkey_id}",
        personal,
        "user.passkey_removed",
        laptop.delete(app.url(&passkey)).send().map(Result::unwrap),
    )
    .await;
    walk.step(
        "DELETE /api/me/two-factor",
        personal,
        "user.two_factor_disabled",
        laptop
            .delete(app.url("/api/me/two-factor"))
            .json(&json!({"password": "zoe's reset passphrase"}))
            .send()
            .map(Result::unwrap),
    )
    .await;
    let mut secrets = vec![secret];
    for set in [&codes, &fresh] {
        for code in set["recovery_codes"].as_array().unwrap() {
            secrets.push(code.as_str().unwrap().to_owned());
        }
    }
    secrets
}

/// An organization with a known history: Olga (Owner) and Tess (Tech) made
/// changes, each a few entries.
async fn with_history(app: &TestApp) -> (User, User, AccountId) {
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let tess = app.register("tess@acme.test").await;
    app.join(&olga, org, &tess, OrgRole::Tech).await;
    olga.fund(org, 100).await;
    olga.fund(org, 200).await;
    for name in ["Web", "Ops", "Data"] {
        olga.create_team(org, name).await;
    }
    create_key(&tess, org).await;
    create_key(&tess, org).await;
    (olga, tess, org)
}

async fn page(user: &User, path: &str) -> Value {
    let response = user.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

fn events(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_log_lists_newest_first_with_filters_and_a_cursor() {
    let app = TestApp::spawn().await;
    let (olga, tess, org) = with_history(&app).await;
    let base = format!("/api/accounts/{org}/activity");
    let all = page(&olga, &format!("{base}?limit=200")).await;
    let all_events = events(&all);
    assert_eq!(
        all_events,
        [
            "api_key.created",
            "api_key.created",
            "team.created",
            "team.created",
            "team.created",
            "funds.added",
            "funds.added",
            "member.joined",
            "member.invited",
            "org.created",
        ]
    );
    let first = &all["items"][0];
    assert_eq!(first["actor"]["user_id"], tess.id.to_string());
    assert_eq!(first["actor"]["email"], "tess@acme.test");
    assert_eq!(first["target"]["type"], "api_key");
    assert_eq!(first["payload"]["name"], "test");
    assert!(first["at"].as_str().unwrap().ends_with('Z'));

    // Paging by 3 walks the same entries once each.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("{base}?limit=3"),
            Some(c) => format!("{base}?limit=3&cursor={c}"),
        };
        let p = page(&olga, &path).await;
        paged.extend(
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone()),
        );
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let ids: Vec<_> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    assert_eq!(paged, ids);

    // Filters: one type, a category, an actor, a time range, combined.
    assert_eq!(
        events(&page(&olga, &format!("{base}?event=funds.added")).await),
        ["funds.added"; 2]
    );
    assert_eq!(
        events(&page(&olga, &format!("{base}?event=member.*")).await),
        ["member.joined", "member.invited"]
    );
    let by_tess = page(&olga, &format!("{base}?actor={}", tess.id)).await;
    assert_eq!(
        events(&by_tess),
        ["api_key.created", "api_key.created", "member.joined"]
    );
    let by_olga_teams = page(
        &olga,
        &format!("{base}?actor={}&event=team.*&limit=2", olga.id),
    )
    .await;
    assert_eq!(events(&by_olga_teams), ["team.created"; 2]);
    assert!(by_olga_teams["next_cursor"].is_string());
    let newest_at = all["items"][0]["at"].as_str().unwrap();
    let oldest_at = all["items"][9]["at"].as_str().unwrap();
    let since_newest = page(&olga, &format!("{base}?since={newest_at}")).await;
    assert!(events(&since_newest).contains(&"api_key.created".to_owned()));
    assert!(!events(&since_newest).contains(&"org.created".to_owned()));
    let until_oldest = page(&olga, &format!("{base}?until={oldest_at}")).await;
    assert!(
        until_oldest["items"].as_array().unwrap().is_empty(),
        "until is exclusive"
    );
    let window = page(
        &olga,
        &format!("{base}?since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z"),
    )
    .await;
    assert_eq!(events(&window).len(), 10);

    // Bad parameters are named; readers need the permission; strangers see nothing.
    let bad = assert_problem(
        olga.get(&format!(
            "{base}?event=nope&actor=bob&since=yesterday&limit=500"
        ))
        .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert!(error_fields(&bad).contains(&"limit"));
    let bad = assert_problem(
        olga.get(&format!("{base}?event=nope&actor=bob&since=yesterday"))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let fields = error_fields(&bad);
    assert_eq!(fields, ["event", "actor", "since"]);
    assert_problem(
        olga.get(&format!("{base}?cursor=nope")).await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let viewer = app.register("vic@acme.test").await;
    app.join(&olga, org, &viewer, OrgRole::Viewer).await;
    assert_problem(viewer.get(&base).await, 403, ErrorCode::Forbidden).await;
    let eve = app.register("eve@evil.test").await;
    assert_problem(eve.get(&base).await, 404, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn no_endpoint_edits_or_deletes_entries() {
    let app = TestApp::spawn().await;
    let (olga, _tess, org) = with_history(&app).await;
    let listed = page(&olga, &format!("/api/accounts/{org}/activity")).await;
    let entry = listed["items"][0]["id"].as_str().unwrap().to_owned();
    let before = all_entries(&app).await;
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        for path in [
            format!("/api/accounts/{org}/activity"),
            format!("/api/accounts/{org}/activity/{entry}"),
            format!("/api/accounts/{org}/activity/export?format=csv"),
        ] {
            let response = olga
                .request(method, path.clone(), json!({"event": "x"}))
                .await;
            assert!(
                matches!(response.status().as_u16(), 404 | 405),
                "{method} {path}: {}",
                response.status()
            );
        }
    }
    assert_eq!(all_entries(&app).await, before);
}

#[tokio::test]
async fn the_daily_counts_cover_the_asked_days_ending_today() {
    let app = TestApp::spawn().await;
    let (olga, _tess, org) = with_history(&app).await;
    let days = page(&olga, &format!("/api/accounts/{org}/activity/daily?days=7")).await;
    let days = days.as_array().unwrap();
    assert_eq!(days.len(), 7);
    let today = orgspace_server::clock::now().to_string()[..10].to_owned();
    assert_eq!(days[6]["day"], today.as_str());
    assert_eq!(days[6]["count"], 10);
    assert_eq!(days[0]["count"], 0);
    let teams = page(
        &olga,
        &format!("/api/accounts/{org}/activity/daily?days=1&event=team.*"),
    )
    .await;
    assert_eq!(teams[0]["count"], 3);
    assert_problem(
        olga.get(&format!("/api/accounts/{org}/activity/daily?days=0"))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        olga.get(&format!("/api/accounts/{org}/activity/daily?days=367"))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
}

#[tokio::test]
async fn exports_match_the_list_in_csv_and_json() {
    let app = TestApp::spawn().await;
    let (olga, tess, org) = with_history(&app).await;
    // A name a spreadsheet would run as a formula, and one with CSV's specials.
    let renamed = olga
        .patch(
            &format!("/api/accounts/{org}"),
            json!({"name": "=HYPERLINK(\"x\"), \"Acme\""}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let listed = page(&olga, &format!("/api/accounts/{org}/activity?limit=200")).await;
    let ids: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();

    let json_export = olga
        .get(&format!("/api/accounts/{org}/activity/export?format=json"))
        .await;
    assert_eq!(json_export.status(), StatusCode::OK);
    assert_eq!(json_export.headers()["content-type"], "application/json");
    assert!(json_export.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"activity-"));
    let exported: Vec<Value> = json_export.json().await.unwrap();
    assert_eq!(exported, listed["items"].as_array().unwrap().clone());

    let csv = olga
        .get(&format!("/api/accounts/{org}/activity/export?format=csv"))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,at,actor_user_id,actor_email,actor_api_key_id,event,target_type,target_id,payload"
    );
    assert_eq!(lines.len(), ids.len() + 1);
    for (line, id) in lines[1..].iter().zip(&ids) {
        assert!(line.starts_with(id.as_str()), "{line}");
    }
    // The rename's entry (newest, unless the change before it was made in the
    // same millisecond: entries of one millisecond sort by their random bits).
    let renamed = lines
        .iter()
        .find(|line| line.contains(",org.updated,"))
        .expect("the rename's entry");
    assert!(renamed.contains("HYPERLINK"), "{renamed}");
    assert!(
        !renamed.contains(",\"=HYPERLINK") && !renamed.contains(",=HYPERLINK"),
        "{renamed}"
    );
    // Compressed for a client that accepts it, streamed to its end (the stream
    // is polled once more after its last page; it must not fail then).
    let gzipped = olga
        .client
        .get(olga.url(&format!("/api/accounts/{org}/activity/export?format=csv")))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let body = gzipped.bytes().await.expect("the whole compressed export");
    assert_eq!(body[..2], [0x1f, 0x8b], "a gzip stream");

    // Filters apply; a bad format is named; readers need the permission.
    let filtered: Vec<Value> = olga
        .get(&format!(
            "/api/accounts/{org}/activity/export?format=json&actor={}",
            tess.id
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(filtered.len(), 3);
    let empty: Vec<Value> = olga
        .get(&format!(
            "/api/accounts/{org}/activity/export?format=json&event=org.deleted"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(empty.is_empty());
    assert_problem(
        olga.get(&format!("/api/accounts/{org}/activity/export?format=xml"))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        olga.get(&format!("/api/accounts/{org}/activity/export"))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
}

#[tokio::test]
async fn an_export_of_100000_entries_streams_them_all() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    // 100,000 entries straight into the table, in batches, as the log would hold them.
    let start = orgspace_server::clock::now().as_millis() - 200_000;
    let mut tx = app.store.pool().begin().await.unwrap();
    for batch in 0..200 {
        let mut sql = String::from(
            "INSERT INTO activity (id, account_id, at, actor_user_id, actor_api_key_id, event, target_type, target_id, payload) VALUES ",
        );
        let rows: Vec<String> = (0..500)
            .map(|i| {
                let at = domain::Timestamp::from_millis(start + batch * 500 + i);
                format!(
                    "('{}', '{org}', {}, '{}', NULL, 'funds.added', 'organization', '{org}', '{{\"amount_cents\":{i}}}')",
                    orgspace_server::store::activity::entry_id(at),
                    at.as_millis(),
                    olga.id
                )
            })
            .collect();
        sql.push_str(&rows.join(","));
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();

    let response = olga
        .get(&format!(
            "/api/accounts/{org}/activity/export?format=csv&event=funds.added"
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut lines = 0usize;
    let mut response = response;
    let mut chunks = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        chunks += 1;
    }
    assert_eq!(lines, 100_001, "a header and every entry");
    assert!(chunks > 10, "the answer came in pieces ({chunks})");

    let json: Vec<Value> = olga
        .get(&format!("/api/accounts/{org}/activity/export?format=json"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json.len(), 100_001, "the entries and org.created");
    assert_eq!(json[0]["event"], "org.created", "newest first");
    assert_eq!(json[1]["payload"]["amount_cents"], 499);
}
