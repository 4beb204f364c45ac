//! Single sign-on with OpenID Connect (SPEC §16) against a real provider on
//! loopback (panva's certified `oidc-provider`), with the organization's
//! domain proven on a real DNS server (dnslib): just-in-time members with the
//! connection's default role and team, existing users matched by address,
//! the provider's key rotated, and each way a sign-in is refused.

use crate::dns::DnsServer;
use crate::helpers::*;
use crate::oidc::{
    browser, follow, location, log_in_at_provider, OidcProvider, CLIENT_ID, CLIENT_SECRET,
};
use domain::{AccountId, ErrorCode, OrgRole};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// A server, its DNS, and Acme (Olga, Owner) with acme.test verified.
pub struct World {
    _dns: DnsServer,
    pub app: TestApp,
    pub olga: User,
    pub org: AccountId,
    pub team: String,
}

pub async fn world() -> World {
    let dns = DnsServer::start();
    let addr = dns.addr;
    let app = TestApp::spawn_with(move |c| c.dns_server = Some(addr)).await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    olga.fund(org, 5_000).await;
    olga.put(
        &format!("/api/accounts/{org}/plan"),
        json!({"plan": "business"}),
    )
    .await;
    let domain: Value = olga
        .post(
            &format!("/api/accounts/{org}/domains"),
            json!({"domain": "acme.test"}),
        )
        .await
        .json()
        .await
        .unwrap();
    dns.set_txt(
        "_orgspace-challenge.acme.test",
        &[domain["txt_value"].as_str().unwrap()],
    );
    let verify = format!(
        "/api/accounts/{org}/domains/{}/verify",
        domain["id"].as_str().unwrap()
    );
    assert_eq!(olga.post(&verify, json!({})).await.status(), StatusCode::OK);
    let team = olga.create_team(org, "Engineering").await;
    World {
        _dns: dns,
        app,
        olga,
        org,
        team,
    }
}

fn redirect_uri(app: &TestApp) -> String {
    format!("{}/api/sso/oidc/callback", app.public_url())
}

async fn connect(world: &World, provider: &OidcProvider) -> reqwest::Response {
    world
        .olga
        .post(
            &format!("/api/accounts/{}/sso", world.org),
            json!({
                "type": "oidc", "issuer": provider.issuer, "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET, "default_role": "tech", "default_team": world.team,
            }),
        )
        .await
}

/// Starts SSO for `email` in `browser`: where the provider signs in.
pub async fn start_sso(app: &TestApp, browser: &Client, email: &str) -> String {
    let started = browser
        .post(format!("{}/api/auth/sso", app.public_url()))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::OK, "SSO starts for {email}");
    let redirect: Value = started.json().await.unwrap();
    redirect["redirect_url"].as_str().unwrap().to_owned()
}

/// Starts SSO for `email` in `browser`, logs in at the provider as `login`;
/// the provider's redirect back to Orgspace (not followed).
async fn through_provider(
    app: &TestApp,
    browser: &Client,
    email: &str,
    login: &str,
) -> reqwest::Response {
    let to_provider = browser
        .get(start_sso(app, browser, email).await)
        .send()
        .await
        .unwrap();
    let login_page = follow(browser, to_provider).await;
    log_in_at_provider(browser, login_page, login).await
}

/// Follows the provider's redirect back into Orgspace; where Orgspace sends the browser.
async fn back_to_orgspace(browser: &Client, from_provider: reqwest::Response) -> String {
    let back = location(&from_provider);
    let answer = browser.get(back).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    answer.headers()["location"].to_str().unwrap().to_owned()
}

pub async fn me(app: &TestApp, browser: &Client) -> reqwest::Response {
    browser
        .get(format!("{}/api/me", app.public_url()))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_colleague_signs_in_with_oidc_and_joins_with_the_default_role_and_team() {
    let world = world().await;
    let provider = OidcProvider::start(&redirect_uri(&world.app), "key-1", None);
    let saved = connect(&world, &provider).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let view: Value = saved.json().await.unwrap();
    assert_eq!(view["type"], "oidc");
    assert_eq!(view["default_role"], "tech");
    assert_eq!(view["redirect_uri"], redirect_uri(&world.app));
    assert!(view.get("client_secret").is_none(), "{view}");

    let nina = browser();
    let answer = through_provider(&world.app, &nina, "nina@acme.test", "nina@acme.test").await;
    let landed = back_to_orgspace(&nina, answer).await;
    assert_eq!(landed, format!("/a/{}", world.org));
    let nina_me: Value = me(&world.app, &nina).await.json().await.unwrap();
    assert_eq!(nina_me["user"]["email"], "nina@acme.test");
    assert_eq!(nina_me["user"]["email_verified"], true);
    let acme = nina_me["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == world.org.to_string())
        .expect("a member of Acme");
    assert_eq!(acme["role"], "tech");
    let members: Value = world
        .olga
        .get(&format!("/api/accounts/{}/members?q=nina", world.org))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members["items"][0]["teams"][0]["name"], "Engineering");
    let log: Value = world
        .olga
        .get(&format!("/api/accounts/{}/activity?limit=3", world.org))
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    // Written in one transaction, in the same millisecond: either order.
    let mut first_two = events[..2].to_vec();
    first_two.sort();
    assert_eq!(first_two, ["member.joined", "sso.signed_in"]);

    // Signing in again: the same user, no second membership, no new entry of joining.
    let again = browser();
    let answer = through_provider(&world.app, &again, "nina@acme.test", "nina@acme.test").await;
    assert_eq!(
        back_to_orgspace(&again, answer).await,
        format!("/a/{}", world.org)
    );
    let same: Value = me(&world.app, &again).await.json().await.unwrap();
    assert_eq!(same["user"]["id"], nina_me["user"]["id"]);
}

#[tokio::test]
async fn an_existing_user_is_matched_by_address_and_a_rotated_key_is_picked_up() {
    let world = world().await;
    let tess = world.app.register_unverified("tess@acme.test").await;
    let provider = OidcProvider::start(&redirect_uri(&world.app), "key-1", None);
    assert_eq!(connect(&world, &provider).await.status(), StatusCode::OK);
    let browser1 = browser();
    let answer = through_provider(&world.app, &browser1, "tess@acme.test", "tess@acme.test").await;
    back_to_orgspace(&browser1, answer).await;
    let me1: Value = me(&world.app, &browser1).await.json().await.unwrap();
    assert_eq!(
        me1["user"]["id"],
        tess.id.to_string(),
        "matched, not a new user"
    );
    assert_eq!(
        me1["user"]["email_verified"], true,
        "the provider vouched for the address"
    );

    // The provider restarts with a new signing key: the next sign-in reads it.
    let port = provider.port;
    drop(provider);
    let rotated = OidcProvider::start(&redirect_uri(&world.app), "key-2", Some(port));
    let browser2 = browser();
    let answer = through_provider(&world.app, &browser2, "tess@acme.test", "tess@acme.test").await;
    assert_eq!(
        back_to_orgspace(&browser2, answer).await,
        format!("/a/{}", world.org)
    );
    drop(rotated);
}

#[tokio::test]
async fn every_refusal_is_explained_logged_and_signs_no_one_in() {
    let world = world().await;
    let app = &world.app;
    let provider = OidcProvider::start(&redirect_uri(app), "key-1", None);
    assert_eq!(connect(&world, &provider).await.status(), StatusCode::OK);

    // An address on no verified domain has no SSO.
    let nobody = app
        .anonymous()
        .post(app.url("/api/auth/sso"))
        .json(&json!({"email": "x@elsewhere.test"}))
        .send()
        .await
        .unwrap();
    assert_problem(nobody, 404, ErrorCode::SsoNotConfigured).await;

    // The answer finished in another browser than the one that started.
    let started_here = browser();
    let answer = through_provider(app, &started_here, "uma@acme.test", "uma@acme.test").await;
    let stolen = browser();
    let landed = stolen.get(location(&answer)).send().await.unwrap();
    assert_eq!(
        landed.headers()["location"],
        "/sso/error?code=state_invalid"
    );
    assert_eq!(me(app, &stolen).await.status(), StatusCode::UNAUTHORIZED);
    // The state was used up by that attempt: the right browser cannot replay it.
    let replay = started_here.get(location(&answer)).send().await.unwrap();
    assert_eq!(
        replay.headers()["location"],
        "/sso/error?code=state_invalid"
    );
    // A made-up state.
    let forged = browser()
        .get(format!(
            "{}/api/sso/oidc/callback?code=x&state=forged",
            app.public_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.headers()["location"],
        "/sso/error?code=state_invalid"
    );

    // The provider does not vouch for the address.
    let unverified = browser();
    let answer = through_provider(
        app,
        &unverified,
        "unverified@acme.test",
        "unverified@acme.test",
    )
    .await;
    assert_eq!(
        back_to_orgspace(&unverified, answer).await,
        "/sso/error?code=email_unverified"
    );
    // The provider signs in someone of another domain.
    let other = browser();
    let answer = through_provider(app, &other, "vic@acme.test", "mallory@rival.test").await;
    assert_eq!(
        back_to_orgspace(&other, answer).await,
        "/sso/error?code=domain_mismatch"
    );
    assert_eq!(me(app, &other).await.status(), StatusCode::UNAUTHORIZED);

    // Each failure whose organization is known is in its log, with the reason
    // and no token (a used or made-up state names no organization).
    let log: Value = world
        .olga
        .get(&format!(
            "/api/accounts/{}/activity?event=sso.failed",
            world.org
        ))
        .await
        .json()
        .await
        .unwrap();
    let reasons: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["payload"]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["domain_mismatch", "email_unverified", "state_invalid"]
    );
    assert!(log["items"][0]["actor"]["user_id"].is_null());
}

#[tokio::test]
async fn only_owners_connect_a_provider_and_it_must_be_one() {
    let world = world().await;
    let ada = world.app.register("ada@acme.test").await;
    world.app.add_member(world.org, &ada, OrgRole::Admin).await;
    let path = format!("/api/accounts/{}/sso", world.org);
    assert_problem(ada.get(&path).await, 403, ErrorCode::Forbidden).await;
    assert_problem(world.olga.get(&path).await, 404, ErrorCode::NotFound).await;
    // Not an OpenID provider at all (nothing listens there).
    let nowhere = world
        .olga
        .post(
            &path,
            json!({"type": "oidc", "issuer": "http://127.0.0.1:9", "client_id": "x", "client_secret": "y"}),
        )
        .await;
    let problem = assert_problem(nowhere, 422, ErrorCode::Validation).await;
    assert_eq!(error_fields(&problem), ["issuer"]);
    let remote_http = world
        .olga
        .post(
            &path,
            json!({"type": "oidc", "issuer": "http://idp.example.com", "client_id": "x", "client_secret": "y"}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(remote_http, 422, ErrorCode::Validation).await),
        ["issuer"]
    );
    let provider = OidcProvider::start(&redirect_uri(&world.app), "key-1", None);
    assert_eq!(connect(&world, &provider).await.status(), StatusCode::OK);
    assert_eq!(
        world.olga.delete(&path).await.status(),
        StatusCode::NO_CONTENT
    );
    let gone = world
        .app
        .anonymous()
        .post(world.app.url("/api/auth/sso"))
        .json(&json!({"email": "nina@acme.test"}))
        .send()
        .await
        .unwrap();
    assert_problem(gone, 404, ErrorCode::SsoNotConfigured).await;
}

#[tokio::test]
async fn required_sso_refuses_passwords_and_invitations_but_leaves_owners_a_way_in() {
    let world = world().await;
    let tess = world.app.register("tess@acme.test").await;
    world.app.add_member(world.org, &tess, OrgRole::Tech).await;
    let provider = OidcProvider::start(&redirect_uri(&world.app), "key-1", None);
    let required = world
        .olga
        .post(
            &format!("/api/accounts/{}/sso", world.org),
            json!({
                "type": "oidc", "issuer": provider.issuer, "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET, "required": true,
            }),
        )
        .await;
    assert_eq!(required.json::<Value>().await.unwrap()["required"], true);
    let login = |email: &str| {
        let body = json!({ "email": email, "password": PASSWORD });
        let app = &world.app;
        async move {
            app.anonymous()
                .post(app.url("/api/auth/login"))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let refused = login("tess@acme.test").await;
    let problem = assert_problem(refused, 403, ErrorCode::SsoRequired).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("single sign-on (SSO)"));
    // A wrong password is still just a wrong password.
    let wrong = world
        .app
        .anonymous()
        .post(world.app.url("/api/auth/login"))
        .json(&json!({"email": "tess@acme.test", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 401, ErrorCode::Unauthenticated).await;
    // The Owner, without two-factor, too; with it, the password and a code.
    assert_problem(login("olga@acme.test").await, 403, ErrorCode::SsoRequired).await;
    world.app.enable_two_factor(&world.olga).await;
    let break_glass: Value = login("olga@acme.test").await.json().await.unwrap();
    assert_eq!(break_glass["two_factor_required"], true);
    // Addresses elsewhere sign in as ever.
    world.app.register("zed@elsewhere.test").await;
    assert_eq!(login("zed@elsewhere.test").await.status(), StatusCode::OK);

    // Invitations: not for addresses SSO signs in; others as ever.
    let invitations = format!("/api/accounts/{}/invitations", world.org);
    let on_domain = world
        .olga
        .post(
            &invitations,
            json!({"email": "new@acme.test", "role": "viewer"}),
        )
        .await;
    assert_problem(on_domain, 403, ErrorCode::SsoRequired).await;
    let elsewhere = world
        .olga
        .post(
            &invitations,
            json!({"email": "guest@elsewhere.test", "role": "viewer"}),
        )
        .await;
    assert_eq!(elsewhere.status(), StatusCode::CREATED);
}
