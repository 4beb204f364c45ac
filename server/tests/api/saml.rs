//! Single sign-on with SAML 2.0 (SPEC §16) against a real identity provider
//! on loopback (`samlify`), the organization's domain proven on a real DNS
//! server: the service provider's metadata, just-in-time members, existing
//! users matched by address, and each answer refused — a signature by
//! another key, another audience, an expired assertion, a replayed response,
//! an answer to another request or from another browser, an address outside
//! the verified domains.

use crate::helpers::*;
use crate::oidc::browser;
use crate::saml_idp::{post_to_orgspace, sign_in_at_idp, Posted, SamlIdp};
use crate::sso::{me, start_sso as start, world, World};
use domain::{ErrorCode, OrgRole};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn connect(world: &World, idp: &SamlIdp) -> reqwest::Response {
    world
        .olga
        .post(
            &format!("/api/accounts/{}/sso", world.org),
            json!({
                "type": "saml", "idp_metadata_xml": idp.metadata().await,
                "default_role": "tech", "default_team": world.team,
            }),
        )
        .await
}

/// A whole sign-in of `email` in `browser`, the provider answering as `mode`
/// asks; what it posted, and where Orgspace sent the browser.
async fn sign_in(world: &World, browser: &Client, email: &str, mode: &str) -> (Posted, String) {
    let at_idp = start(&world.app, browser, email).await;
    let posted = sign_in_at_idp(browser, &at_idp, email, mode).await;
    let landed = post_to_orgspace(browser, &posted).await;
    (posted, landed)
}

#[tokio::test]
async fn a_colleague_signs_in_with_saml_joins_with_the_default_role_and_an_existing_user_is_matched(
) {
    let world = world().await;
    let app = &world.app;
    let idp = SamlIdp::start();
    let saved = connect(&world, &idp).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let view: Value = saved.json().await.unwrap();
    let metadata_url = format!("{}/api/sso/{}/saml/metadata", app.public_url(), world.org);
    let acs = format!("{}/api/sso/saml/acs", app.public_url());
    assert_eq!(view["type"], "saml");
    assert_eq!(view["issuer"], format!("{}/metadata", idp.base));
    assert_eq!(view["idp_sso_url"], format!("{}/sso", idp.base));
    assert_eq!(view["service_provider"]["entity_id"], metadata_url);
    assert_eq!(view["service_provider"]["acs_url"], acs);
    assert_eq!(view["redirect_uri"], acs);
    assert!(view.get("client_id").is_none(), "{view}");

    // The metadata the provider reads (anyone may: it holds no secret).
    let sp = app.anonymous().get(&metadata_url).send().await.unwrap();
    assert_eq!(sp.status(), StatusCode::OK);
    assert_eq!(sp.headers()["content-type"], "application/samlmetadata+xml");
    let xml = sp.text().await.unwrap();
    assert!(
        xml.contains(&format!(r#"entityID="{metadata_url}""#)),
        "{xml}"
    );
    assert!(xml.contains(&acs));

    let sam = browser();
    let (_, landed) = sign_in(&world, &sam, "sam@acme.test", "valid").await;
    assert_eq!(landed, format!("/a/{}", world.org));
    let sam_me: Value = me(app, &sam).await.json().await.unwrap();
    assert_eq!(sam_me["user"]["email"], "sam@acme.test");
    assert_eq!(sam_me["user"]["email_verified"], true);
    let members: Value = world
        .olga
        .get(&format!("/api/accounts/{}/members?q=sam", world.org))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members["items"][0]["role"], "tech");
    assert_eq!(members["items"][0]["teams"][0]["name"], "Engineering");

    // Someone who registered with a password is the same user after SSO.
    let tess = app.register_unverified("tess@acme.test").await;
    let tess_browser = browser();
    let (_, landed) = sign_in(&world, &tess_browser, "tess@acme.test", "valid").await;
    assert_eq!(landed, format!("/a/{}", world.org));
    let tess_me: Value = me(app, &tess_browser).await.json().await.unwrap();
    assert_eq!(tess_me["user"]["id"], tess.id.to_string());
    assert_eq!(tess_me["user"]["email_verified"], true);
}

#[tokio::test]
async fn every_saml_refusal_is_explained_logged_and_signs_no_one_in() {
    let world = world().await;
    let app = &world.app;
    let idp = SamlIdp::start();
    assert_eq!(connect(&world, &idp).await.status(), StatusCode::OK);
    let error = |code: &str| format!("/sso/error?code={code}");

    // Signed with a key that is not the provider's certificate.
    let forged = browser();
    let (_, landed) = sign_in(&world, &forged, "fay@acme.test", "impostor").await;
    assert_eq!(landed, error("signature_invalid"));
    assert_eq!(me(app, &forged).await.status(), StatusCode::UNAUTHORIZED);
    // Meant for another service provider.
    let (_, landed) = sign_in(&world, &browser(), "fay@acme.test", "wrong-audience").await;
    assert_eq!(landed, error("audience_mismatch"));
    // An assertion whose time is over.
    let (_, landed) = sign_in(&world, &browser(), "fay@acme.test", "expired").await;
    assert_eq!(landed, error("expired"));
    // An address outside the organization's verified domains.
    let outsider = browser();
    let at_idp = start(app, &outsider, "vic@acme.test").await;
    let posted = sign_in_at_idp(&outsider, &at_idp, "mallory@rival.test", "valid").await;
    assert_eq!(
        post_to_orgspace(&outsider, &posted).await,
        error("domain_mismatch")
    );

    // A valid answer, replayed: its RelayState is used up, and with a fresh
    // one (another sign-in started) its assertion was accepted before.
    let first = browser();
    let (posted, landed) = sign_in(&world, &first, "ray@acme.test", "valid").await;
    let replay_sample = posted.saml_response[..40].to_owned();
    assert_eq!(landed, format!("/a/{}", world.org));
    assert_eq!(
        post_to_orgspace(&first, &posted).await,
        error("state_invalid")
    );
    let attacker = browser();
    let fresh_relay = new_relay_state(app, &attacker, "ray@acme.test").await;
    let replayed = Posted {
        relay_state: fresh_relay,
        ..posted
    };
    assert_eq!(
        post_to_orgspace(&attacker, &replayed).await,
        error("replayed")
    );
    assert_eq!(me(app, &attacker).await.status(), StatusCode::UNAUTHORIZED);

    // An answer finished in another browser than the one that started it.
    let here = browser();
    let at_idp = start(app, &here, "una@acme.test").await;
    let posted = sign_in_at_idp(&here, &at_idp, "una@acme.test", "valid").await;
    let elsewhere = browser();
    assert_eq!(
        post_to_orgspace(&elsewhere, &posted).await,
        error("state_invalid")
    );
    // A made-up RelayState, and none.
    let made_up = Posted {
        relay_state: "made-up".into(),
        ..posted.clone()
    };
    assert_eq!(
        post_to_orgspace(&here, &made_up).await,
        error("state_invalid")
    );
    let bare = browser()
        .post(posted.acs.clone())
        .form(&[("nothing", "at all")])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.headers()["location"], error("state_invalid").as_str());

    // An unused answer to one request, posted for another request of the
    // same browser: not InResponseTo it.
    let twice = browser();
    let at_idp = start(app, &twice, "tom@acme.test").await;
    let to_first = sign_in_at_idp(&twice, &at_idp, "tom@acme.test", "valid").await;
    let second_relay = new_relay_state(app, &twice, "tom@acme.test").await;
    let crossed = Posted {
        relay_state: second_relay,
        ..to_first
    };
    assert_eq!(
        post_to_orgspace(&twice, &crossed).await,
        error("state_invalid")
    );

    // Each failure whose organization is known is in its log with its reason
    // (never the assertion).
    let log: Value = world
        .olga
        .get(&format!(
            "/api/accounts/{}/activity?event=sso.failed&limit=20",
            world.org
        ))
        .await
        .json()
        .await
        .unwrap();
    let mut reasons: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["payload"]["reason"].as_str().unwrap())
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "audience_mismatch",
            "domain_mismatch",
            "expired",
            "replayed",
            "signature_invalid",
            "state_invalid",
            "state_invalid"
        ]
    );
    let logged = log.to_string();
    assert!(
        !logged.contains("<saml") && !logged.contains(&replay_sample),
        "{logged}"
    );
}

/// Starts a sign-in of `email` in `browser` (the one it can finish now);
/// its RelayState, read from the provider's URL as the provider reads it.
async fn new_relay_state(app: &TestApp, browser: &Client, email: &str) -> String {
    let at_idp = start(app, browser, email).await;
    let url = reqwest::Url::parse(&at_idp).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "RelayState")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

#[tokio::test]
async fn a_saml_connection_needs_metadata_with_a_certificate_and_metadata_is_for_organizations() {
    let world = world().await;
    let path = format!("/api/accounts/{}/sso", world.org);
    let idp = SamlIdp::start();
    let metadata = idp.metadata().await;
    for bad in [
        String::new(),
        "<not xml".to_owned(),
        // The provider's metadata without its certificate.
        metadata.replace("KeyDescriptor", "Unknown"),
    ] {
        let refused = world
            .olga
            .post(&path, json!({"type": "saml", "idp_metadata_xml": bad}))
            .await;
        let problem = assert_problem(refused, 422, ErrorCode::Validation).await;
        assert_eq!(error_fields(&problem), ["idp_metadata_xml"], "{problem}");
    }
    let ada = world.app.register("ada@acme.test").await;
    world.app.add_member(world.org, &ada, OrgRole::Admin).await;
    let by_admin = ada
        .post(&path, json!({"type": "saml", "idp_metadata_xml": metadata}))
        .await;
    assert_problem(by_admin, 403, ErrorCode::Forbidden).await;

    let personal = world.app.anonymous().get(
        world
            .app
            .url(&format!("/api/sso/{}/saml/metadata", world.olga.personal)),
    );
    assert_problem(personal.send().await.unwrap(), 404, ErrorCode::NotFound).await;
}
