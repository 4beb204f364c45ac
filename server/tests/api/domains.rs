//! Verified domains (SPEC §16) against a real DNS server on loopback
//! (`tools/dns_server.py`, dnslib): the TXT record present, absent, wrong,
//! changed afterwards; one organization per verified domain; Owners only.

use crate::dns::DnsServer;
use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn with_dns() -> (DnsServer, TestApp) {
    let dns = DnsServer::start();
    let addr = dns.addr;
    let app = TestApp::spawn_with(move |c| c.dns_server = Some(addr)).await;
    (dns, app)
}

#[tokio::test]
async fn a_domain_is_verified_by_its_txt_record_and_checked_again_on_request() {
    let (dns, app) = with_dns().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let domains = format!("/api/accounts/{org}/domains");
    for (bad, code) in [
        ("gmail.com", ErrorCode::Validation),
        ("acme", ErrorCode::Validation),
    ] {
        let refused = olga.post(&domains, json!({ "domain": bad })).await;
        let problem = assert_problem(refused, 422, code).await;
        assert_eq!(error_fields(&problem), ["domain"], "{bad}");
    }
    let added = olga.post(&domains, json!({"domain": "Acme.TEST"})).await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let domain: Value = added.json().await.unwrap();
    assert_eq!(domain["domain"], "acme.test");
    assert_eq!(domain["status"], "pending");
    assert_eq!(domain["txt_name"], "_orgspace-challenge.acme.test");
    let txt_value = domain["txt_value"].as_str().unwrap().to_owned();
    assert!(txt_value.starts_with("orgspace-domain-verification="));
    let again = olga.post(&domains, json!({"domain": "acme.test"})).await;
    assert_problem(again, 422, ErrorCode::Validation).await;
    let verify = format!("{domains}/{}/verify", domain["id"].as_str().unwrap());

    // No such name yet (NXDOMAIN), then a name with other texts only.
    let absent = olga.post(&verify, json!({})).await;
    let problem = assert_problem(absent, 409, ErrorCode::DomainUnverified).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("_orgspace-challenge.acme.test"));
    dns.set_txt("_orgspace-challenge.acme.test", &["v=spf1 -all"]);
    assert_problem(
        olga.post(&verify, json!({})).await,
        409,
        ErrorCode::DomainUnverified,
    )
    .await;
    // The record, next to others.
    dns.set_txt(
        "_orgspace-challenge.acme.test",
        &["v=spf1 -all", &txt_value],
    );
    let verified = olga.post(&verify, json!({})).await;
    assert_eq!(verified.status(), StatusCode::OK);
    let verified: Value = verified.json().await.unwrap();
    assert_eq!(verified["status"], "verified");
    assert!(verified["verified_at"].is_string());

    // The record changes: checking again makes the domain pending.
    dns.set_txt(
        "_orgspace-challenge.acme.test",
        &["orgspace-domain-verification=someone-else"],
    );
    assert_problem(
        olga.post(&verify, json!({})).await,
        409,
        ErrorCode::DomainUnverified,
    )
    .await;
    let listed: Value = olga.get(&domains).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["status"], "pending");
    // Gone altogether (NXDOMAIN): still pending, nothing more logged.
    dns.remove("_orgspace-challenge.acme.test");
    assert_problem(
        olga.post(&verify, json!({})).await,
        409,
        ErrorCode::DomainUnverified,
    )
    .await;
    dns.set_txt("_orgspace-challenge.acme.test", &[&txt_value]);
    assert_eq!(olga.post(&verify, json!({})).await.status(), StatusCode::OK);

    let log: Value = olga
        .get(&format!("/api/accounts/{org}/activity?event=domain.*"))
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
    assert_eq!(
        events,
        [
            "domain.verified",
            "domain.unverified",
            "domain.verified",
            "domain.added"
        ]
    );
}

#[tokio::test]
async fn a_verified_domain_belongs_to_one_organization() {
    let (dns, app) = with_dns().await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    let (mallory, rival) = app
        .register_organization("mallory@rival.test", "Rival")
        .await;
    // Both claim it while it is pending; the first to prove it keeps it.
    let mine: Value = olga
        .post(
            &format!("/api/accounts/{acme}/domains"),
            json!({"domain": "acme.test"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let theirs: Value = mallory
        .post(
            &format!("/api/accounts/{rival}/domains"),
            json!({"domain": "acme.test"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(
        mine["txt_value"], theirs["txt_value"],
        "each claim has its own token"
    );
    dns.set_txt(
        "_orgspace-challenge.acme.test",
        &[
            mine["txt_value"].as_str().unwrap(),
            theirs["txt_value"].as_str().unwrap(),
        ],
    );
    let verify = |account, domain: &Value| {
        format!(
            "/api/accounts/{account}/domains/{}/verify",
            domain["id"].as_str().unwrap()
        )
    };
    assert_eq!(
        olga.post(&verify(acme, &mine), json!({})).await.status(),
        StatusCode::OK
    );
    let taken = mallory.post(&verify(rival, &theirs), json!({})).await;
    let problem = assert_problem(taken, 409, ErrorCode::DomainTaken).await;
    assert!(problem["detail"].as_str().unwrap().contains("acme.test"));
    let claim = mallory
        .post(
            &format!("/api/accounts/{rival}/domains"),
            json!({"domain": "other.test"}),
        )
        .await;
    assert_eq!(claim.status(), StatusCode::CREATED);
    // Once Acme removes it, Rival can prove it.
    let removed = olga
        .delete(&format!(
            "/api/accounts/{acme}/domains/{}",
            mine["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        mallory
            .post(&verify(rival, &theirs), json!({}))
            .await
            .status(),
        StatusCode::OK
    );
    let retake = olga
        .post(
            &format!("/api/accounts/{acme}/domains"),
            json!({"domain": "acme.test"}),
        )
        .await;
    assert_problem(retake, 409, ErrorCode::DomainTaken).await;
}

#[tokio::test]
async fn only_owners_manage_domains_and_others_see_nothing() {
    let (_dns, app) = with_dns().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let ada = app.register("ada@acme.test").await;
    app.add_member(org, &ada, OrgRole::Admin).await;
    let domains = format!("/api/accounts/{org}/domains");
    assert_problem(ada.get(&domains).await, 403, ErrorCode::Forbidden).await;
    let refused = ada.post(&domains, json!({"domain": "acme.test"})).await;
    assert_problem(refused, 403, ErrorCode::Forbidden).await;
    let eve = app.register("eve@evil.test").await;
    assert_problem(eve.get(&domains).await, 404, ErrorCode::NotFound).await;
    let personal = olga
        .post(
            &format!("/api/accounts/{}/domains", olga.personal),
            json!({"domain": "acme.test"}),
        )
        .await;
    assert_problem(personal, 403, ErrorCode::Forbidden).await;
    let missing = olga
        .post(&format!("{domains}/no-such-domain/verify"), json!({}))
        .await;
    assert_problem(missing, 404, ErrorCode::NotFound).await;
}
