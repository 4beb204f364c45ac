use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn funds_activate_a_suspended_organization() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let billing = format!("/api/accounts/{org}/billing");
    let before: Value = olga.get(&billing).await.json().await.unwrap();
    assert_eq!(
        (before["status"].as_str(), before["credit_cents"].as_i64()),
        (Some("suspended"), Some(0))
    );
    let funds = format!("/api/accounts/{org}/funds");
    let after: Value = olga
        .post(&funds, json!({"amount_cents": 2500}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (after["status"].as_str(), after["credit_cents"].as_i64()),
        (Some("active"), Some(2500))
    );
    // Bounds, and nothing charged for a refused amount.
    for amount in [json!(0), json!(-1), json!(10_000_001)] {
        assert_problem(
            olga.post(&funds, json!({ "amount_cents": amount })).await,
            422,
            ErrorCode::Validation,
        )
        .await;
    }
    let entries = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'funds.added'",
            &org.to_string(),
        )
        .await;
    assert_eq!(entries, 1);
    // The personal account was not touched: funds never move between accounts.
    let personal: Value = olga
        .get(&format!("/api/accounts/{}/billing", olga.personal))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(personal["credit_cents"], 0);
}

#[tokio::test]
async fn a_retried_payment_with_the_same_key_is_charged_once() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let url = olga.url(&format!("/api/accounts/{org}/funds"));
    let pay = |key: &'static str, amount: i64| {
        olga.client
            .post(url.clone())
            .header("Idempotency-Key", key)
            .json(&json!({ "amount_cents": amount }))
            .send()
    };
    let attempts = futures::future::join_all((0..8).map(|_| pay("pay-1", 1000))).await;
    for attempt in attempts {
        let body: Value = attempt.unwrap().json().await.unwrap();
        assert_eq!(
            body["credit_cents"], 1000,
            "every retry answers like the first"
        );
    }
    let other: Value = pay("pay-2", 500).await.unwrap().json().await.unwrap();
    assert_eq!(other["credit_cents"], 1500);
    let reused = pay("pay-1", 999).await.unwrap();
    assert_problem(reused, 422, ErrorCode::Validation).await;
    let payments = app
        .count(
            "SELECT COUNT(*) FROM payments WHERE account_id = $1",
            &org.to_string(),
        )
        .await;
    assert_eq!(payments, 2);
}

#[tokio::test]
async fn only_owners_and_admins_add_funds() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let funds = format!("/api/accounts/{org}/funds");
    for (email, role) in [
        ("ada@acme.test", OrgRole::Admin),
        ("tom@acme.test", OrgRole::Tech),
    ] {
        let user = app.register(email).await;
        app.add_member(org, &user, role).await;
        let response = user.post(&funds, json!({"amount_cents": 100})).await;
        match role {
            OrgRole::Admin => assert_eq!(response.status(), StatusCode::OK),
            _ => {
                assert_problem(response, 403, ErrorCode::Forbidden).await;
            }
        }
    }
    let stranger = app.register("eve@evil.test").await;
    assert_problem(
        stranger.post(&funds, json!({"amount_cents": 100})).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let billing: Value = olga
        .get(&format!("/api/accounts/{org}/billing"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(billing["credit_cents"], 100);
}
