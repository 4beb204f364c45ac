use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn accounts_list_personal_first_with_my_role() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let first = ana.create_organization("Zeta", "us-east").await;
    let second = ana.create_organization("Alpha", "eu-north").await;
    let page: Value = ana.get("/api/accounts").await.json().await.unwrap();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            ana.personal.to_string(),
            first.to_string(),
            second.to_string()
        ]
    );
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["role"] == "owner"));
    assert_eq!(page["next_cursor"], Value::Null);
}

#[tokio::test]
async fn account_lists_page_with_a_cursor_and_check_the_limit() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    ana.create_organization("One", "us-east").await;
    ana.create_organization("Two", "us-east").await;
    let first: Value = ana.get("/api/accounts?limit=2").await.json().await.unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = ana
        .get(&format!("/api/accounts?limit=2&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["name"], "Two");
    assert_eq!(second["next_cursor"], Value::Null);
    for bad in ["limit=0", "limit=201", "limit=ten", "cursor=nonsense"] {
        let response = ana.get(&format!("/api/accounts?{bad}")).await;
        assert_problem(response, 422, ErrorCode::Validation).await;
    }
    assert_eq!(
        ana.get("/api/accounts?limit=200").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_new_organization_is_suspended_with_no_credit_and_its_creator_owns_it() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let response = ana
        .post("/api/accounts", new_organization("Acme Corp", "ch-west"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/accounts/{}", body["id"].as_str().unwrap())
    );
    assert_eq!(body["status"], "suspended");
    assert_eq!(body["credit_cents"], 0);
    assert_eq!(body["plan"], "starter");
    assert_eq!(body["role"], "owner");
    assert_eq!(body["region"], "ch-west");
    assert_eq!(body["slug"], "acme-corp");
    let me: Value = ana.get("/api/me").await.json().await.unwrap();
    assert_eq!(
        me["accounts"][0]["status"], "active",
        "the personal account is untouched"
    );
    let activity = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'org.created'",
            body["id"].as_str().unwrap(),
        )
        .await;
    assert_eq!(activity, 1);
}

#[tokio::test]
async fn slugs_stay_unique_for_equal_names() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let bob = app.register("bob@acme.test").await;
    let mut slugs = Vec::new();
    for user in [&ana, &bob, &ana] {
        let body: Value = user
            .post("/api/accounts", new_organization("Acme Corp", "us-west"))
            .await
            .json()
            .await
            .unwrap();
        slugs.push(body["slug"].as_str().unwrap().to_owned());
    }
    assert_eq!(slugs, ["acme-corp", "acme-corp-2", "acme-corp-3"]);
}

#[tokio::test]
async fn creating_an_organization_reports_every_invalid_field() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let response = ana
        .post("/api/accounts", json!({"name": " ", "region": "", "billing_address": {"name": "A", "street": "B", "city": "C", "postal_code": "1", "country": "Atlantis"}}))
        .await;
    let body = assert_problem(response, 422, ErrorCode::Validation).await;
    let fields = error_fields(&body);
    assert_eq!(fields, ["name", "region", "billing_address.country"]);
}

#[tokio::test]
async fn a_user_belongs_to_at_most_the_configured_number_of_organizations() {
    let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 2).await;
    let (olga, _) = app.register_organization("olga@acme.test", "First").await;
    olga.create_organization("Second", "us-east").await;
    let response = olga
        .post("/api/accounts", new_organization("Third", "us-east"))
        .await;
    assert_problem(response, 409, ErrorCode::OrgLimitReached).await;
    let page: Value = olga.get("/api/accounts").await.json().await.unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        3,
        "personal + 2 organizations"
    );
}

#[tokio::test]
async fn the_default_organization_limit_is_five() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    for i in 0..5 {
        ana.create_organization(&format!("Org {i}"), "eu-central")
            .await;
    }
    let response = ana
        .post("/api/accounts", new_organization("Org 5", "eu-central"))
        .await;
    assert_problem(response, 409, ErrorCode::OrgLimitReached).await;
}

#[tokio::test]
async fn concurrent_creations_never_pass_the_organization_limit() {
    let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 3).await;
    let ana = app.register("ana@acme.test").await;
    let attempts = (0..24).map(|i| {
        ana.post(
            "/api/accounts",
            new_organization(&format!("Race {i}"), "us-west"),
        )
    });
    let responses = futures::future::join_all(attempts).await;
    let created = responses
        .iter()
        .filter(|r| r.status() == StatusCode::CREATED)
        .count();
    let refused = responses
        .iter()
        .filter(|r| r.status() == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, refused), (3, 21));
    let n = app
        .count(
            "SELECT COUNT(*) FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.user_id = $1 AND a.kind = 'organization'",
            &ana.id.to_string(),
        )
        .await;
    assert_eq!(n, 3);
}

#[tokio::test]
async fn an_organization_is_visible_to_members_only() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let stranger = app.register("eve@evil.test").await;
    let mine: Value = olga
        .get(&format!("/api/accounts/{org}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["name"], "Acme");
    let path = format!("/api/accounts/{org}");
    assert_problem(stranger.get(&path).await, 404, ErrorCode::NotFound).await;
    assert_problem(
        stranger.patch(&path, json!({"name": "Pwned"})).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_problem(stranger.delete(&path).await, 404, ErrorCode::NotFound).await;
    assert_problem(
        stranger.post(&format!("{path}/leave"), json!({})).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_problem(
        stranger
            .get(&format!("/api/accounts/{}", stranger.id))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_problem(
        stranger.get("/api/accounts/not-a-uuid").await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_problem(
        stranger
            .get(&format!("/api/accounts/{}", olga.personal))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
}

#[tokio::test]
async fn the_name_and_billing_address_can_be_edited_and_are_logged() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let path = format!("/api/accounts/{org}");
    let response = olga
        .patch(&path, json!({"name": "  Acme Cloud ", "billing_address": {"name": "Acme SA", "street": "Quai 2", "city": "Lausanne", "postal_code": "1003", "country": "ch"}}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["name"], "Acme Cloud");
    assert_eq!(body["billing_address"]["city"], "Lausanne");
    assert_eq!(body["slug"], "acme", "the slug does not follow renames");
    let payload: String = sqlx::query_scalar(
        "SELECT payload FROM activity WHERE account_id = $1 AND event = 'org.updated'",
    )
    .bind(org.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["name"], json!({"from": "Acme", "to": "Acme Cloud"}));
    assert_eq!(payload["billing_address"]["to"]["city"], "Lausanne");
}

#[tokio::test]
async fn the_region_never_changes() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let path = format!("/api/accounts/{org}");
    let response = olga
        .patch(&path, json!({"region": "us-east", "name": "Renamed"}))
        .await;
    let body = assert_problem(response, 422, ErrorCode::RegionImmutable).await;
    assert!(
        body["detail"].as_str().unwrap().contains("Frankfurt"),
        "{body}"
    );
    let unchanged: Value = olga.get(&path).await.json().await.unwrap();
    assert_eq!(
        (unchanged["region"].as_str(), unchanged["name"].as_str()),
        (Some("eu-central"), Some("Acme"))
    );
    let same = olga.patch(&path, json!({"region": "eu-central"})).await;
    assert_eq!(same.status(), StatusCode::OK);
    let personal = olga
        .patch(
            &format!("/api/accounts/{}", olga.personal),
            json!({"region": "eu-central"}),
        )
        .await;
    assert_problem(personal, 422, ErrorCode::RegionImmutable).await;
}

#[tokio::test]
async fn an_edit_with_bad_fields_changes_nothing() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let path = format!("/api/accounts/{org}");
    let response = olga
        .patch(
            &path,
            json!({"name": "Fine", "billing_address": {"country": "XX"}}),
        )
        .await;
    let body = assert_problem(response, 422, ErrorCode::Validation).await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 5);
    let unchanged: Value = olga.get(&path).await.json().await.unwrap();
    assert_eq!(unchanged["name"], "Acme");
}

#[tokio::test]
async fn an_owner_deletes_an_organization_with_everything_in_it() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    app.add_member(org, &bob, OrgRole::Viewer).await;
    let path = format!("/api/accounts/{org}");
    assert_eq!(olga.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(olga.get(&path).await, 404, ErrorCode::NotFound).await;
    assert_problem(bob.get(&path).await, 404, ErrorCode::NotFound).await;
    for table in ["memberships", "teams"] {
        let n = app
            .count(
                &format!("SELECT COUNT(*) FROM {table} WHERE account_id = $1"),
                &org.to_string(),
            )
            .await;
        assert_eq!(n, 0, "{table}");
    }
    let logged = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'org.deleted'",
            &org.to_string(),
        )
        .await;
    assert_eq!(logged, 1, "the log outlives the organization");
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn a_personal_account_cannot_be_deleted_or_left() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let path = format!("/api/accounts/{}", ana.personal);
    assert_problem(ana.delete(&path).await, 403, ErrorCode::Forbidden).await;
    assert_problem(
        ana.post(&format!("{path}/leave"), json!({})).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_eq!(ana.get(&path).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_last_member_cannot_leave() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let response = olga
        .post(&format!("/api/accounts/{org}/leave"), json!({}))
        .await;
    let body = assert_problem(response, 409, ErrorCode::LastMember).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Delete the organization"),
        "{body}"
    );
}

#[tokio::test]
async fn the_last_owner_cannot_leave_but_others_can() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    app.add_member(org, &bob, OrgRole::Tech).await;
    let leave = format!("/api/accounts/{org}/leave");
    assert_problem(
        olga.post(&leave, json!({})).await,
        409,
        ErrorCode::LastOwner,
    )
    .await;
    assert_eq!(
        bob.post(&leave, json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        bob.get(&format!("/api/accounts/{org}")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let carol = app.register("carol@acme.test").await;
    app.add_member(org, &carol, OrgRole::Owner).await;
    assert_eq!(
        olga.post(&leave, json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    let owners = app
        .count(
            "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND role = 'owner'",
            &org.to_string(),
        )
        .await;
    assert_eq!(owners, 1);
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn concurrent_leaves_never_leave_an_organization_without_an_owner() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let mut owners = vec![olga];
    for i in 0..21 {
        let user = app.register(&format!("owner{i}@acme.test")).await;
        app.add_member(org, &user, OrgRole::Owner).await;
        owners.push(user);
    }
    let leave = format!("/api/accounts/{org}/leave");
    let responses =
        futures::future::join_all(owners.iter().map(|u| u.post(&leave, json!({})))).await;
    let left = responses
        .iter()
        .filter(|r| r.status() == StatusCode::NO_CONTENT)
        .count();
    assert_eq!(left, 21, "everyone but one owner left");
    assert!(responses
        .iter()
        .all(|r| matches!(r.status().as_u16(), 204 | 409)));
    let remaining = app
        .count(
            "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND role = 'owner'",
            &org.to_string(),
        )
        .await;
    assert_eq!(remaining, 1);
    app.assert_seat_counters().await;
}
