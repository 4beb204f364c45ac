use crate::helpers::*;
use domain::ErrorCode;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn catalogues_need_no_sign_in() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();
    let regions: Value = client
        .get(app.url("/api/regions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["eu-central", "eu-north", "ch-west", "us-east", "us-west"]
    );
    assert_eq!(regions[2]["label"], "Switzerland (Geneva)");
    let plans: Value = client
        .get(app.url("/api/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let limits: Vec<Value> = plans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["max_members"].clone())
        .collect();
    assert_eq!(
        limits,
        [json!(1), json!(3), json!(6), json!(25), Value::Null]
    );
    let roles: Value = client
        .get(app.url("/api/roles"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(roles["roles"].as_array().unwrap().len(), 4);
    assert_eq!(roles["team_roles"][0]["id"], "team_admin");
    assert_eq!(roles["permissions"].as_array().unwrap().len(), 15);
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();
    assert_eq!(
        client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let metrics = client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("orgspace_http_requests_total{method=\"GET\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("# TYPE orgspace_http_request_duration_seconds summary"));
}

#[tokio::test]
async fn the_openapi_document_lists_every_operation() {
    let app = TestApp::spawn().await;
    let doc = app.openapi().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/auth/register", "post"),
        ("/api/auth/login", "post"),
        ("/api/auth/logout", "post"),
        ("/api/me", "get"),
        ("/api/accounts", "get"),
        ("/api/accounts", "post"),
        ("/api/accounts/{id}", "get"),
        ("/api/accounts/{id}", "patch"),
        ("/api/accounts/{id}", "delete"),
        ("/api/accounts/{id}/leave", "post"),
        ("/api/accounts/{id}/children", "get"),
        ("/api/accounts/{id}/children", "post"),
        ("/api/accounts/{id}/report", "get"),
        ("/api/accounts/{id}/links", "post"),
        ("/api/accounts/{id}/links/{child_id}", "delete"),
        ("/api/accounts/{id}/link-requests", "get"),
        (
            "/api/accounts/{id}/link-requests/{request_id}/accept",
            "post",
        ),
        (
            "/api/accounts/{id}/link-requests/{request_id}/decline",
            "post",
        ),
        ("/api/accounts/{id}/billing-mode", "put"),
        ("/api/accounts/{id}/transfer-ownership", "post"),
        ("/api/accounts/{id}/members", "get"),
        ("/api/accounts/{id}/members/{user_id}", "patch"),
        ("/api/accounts/{id}/members/{user_id}", "delete"),
        ("/api/accounts/{id}/plan", "put"),
        ("/api/accounts/{id}/billing", "get"),
        ("/api/accounts/{id}/teams", "get"),
        ("/api/accounts/{id}/teams", "post"),
        ("/api/accounts/{id}/teams/{team_id}", "patch"),
        ("/api/accounts/{id}/teams/{team_id}", "delete"),
        (
            "/api/accounts/{id}/teams/{team_id}/members/{user_id}",
            "put",
        ),
        (
            "/api/accounts/{id}/teams/{team_id}/members/{user_id}",
            "delete",
        ),
        ("/api/accounts/{id}/domains", "post"),
        ("/api/accounts/{id}/domains/{domain_id}/verify", "post"),
        ("/api/accounts/{id}/sso", "get"),
        ("/api/accounts/{id}/sso", "post"),
        ("/api/accounts/{id}/sso", "delete"),
        ("/api/auth/sso", "post"),
        ("/api/sso/oidc/callback", "get"),
        ("/api/sso/{id}/saml/metadata", "get"),
        ("/api/sso/saml/acs", "post"),
        ("/api/accounts/{id}/invitations", "get"),
        ("/api/accounts/{id}/invitations", "post"),
        (
            "/api/accounts/{id}/invitations/{invitation_id}/resend",
            "post",
        ),
        ("/api/accounts/{id}/invitations/{invitation_id}", "delete"),
        ("/api/invitations", "get"),
        ("/api/invitations/{invitation_id}/accept", "post"),
        ("/api/invitations/{invitation_id}/decline", "post"),
        ("/api/invitations/accept-token", "post"),
        ("/api/invitations/preview", "post"),
        ("/api/regions", "get"),
        ("/api/plans", "get"),
        ("/api/roles", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is documented"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn unknown_api_routes_and_methods_get_problem_documents() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();
    let missing = client
        .get(app.url("/api/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_problem(missing, 404, ErrorCode::NotFound).await;
    let wrong_method = client.put(app.url("/api/regions")).send().await.unwrap();
    assert_eq!(wrong_method.headers()["allow"], "GET,HEAD");
    let body = assert_problem(wrong_method, 405, ErrorCode::MethodNotAllowed).await;
    assert_eq!(body["title"], "Method not allowed");
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = TestApp::spawn().await;
    let user = app.register("ana@acme.test").await;
    let body = new_organization("Acme", "us-east");
    let cross_site = user
        .client
        .post(user.url("/api/accounts"))
        .header("sec-fetch-site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(cross_site, 403, ErrorCode::Forbidden).await;
    let foreign_origin = user
        .client
        .post(user.url("/api/accounts"))
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(foreign_origin, 403, ErrorCode::Forbidden).await;
    let own_origin = user
        .client
        .post(user.url("/api/accounts"))
        .header("origin", app.address.clone())
        .header("sec-fetch-site", "same-origin")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(own_origin.status(), StatusCode::CREATED);
    let cross_site_read = user
        .client
        .get(user.url("/api/me"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(
        cross_site_read.status(),
        StatusCode::OK,
        "reads are not state changes"
    );
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = TestApp::spawn().await;
    let response = app
        .anonymous()
        .get(app.url("/api/regions"))
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert!(headers.contains_key("referrer-policy"));
}
