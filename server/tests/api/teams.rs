use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn owners_create_rename_and_delete_teams() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let path = format!("/api/accounts/{org}/teams");
    let created = olga.post(&path, json!({"name": "  Web  "})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let web: Value = created.json().await.unwrap();
    assert_eq!(
        (web["name"].as_str(), web["members_count"].as_u64()),
        (Some("Web"), Some(0))
    );
    let id = web["id"].as_str().unwrap();
    let renamed: Value = olga
        .patch(&format!("{path}/{id}"), json!({"name": "Frontend"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renamed["name"], "Frontend");
    assert_problem(
        olga.post(&path, json!({"name": ""})).await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        olga.patch(&format!("{path}/{id}"), json!({"name": "x".repeat(65)}))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_eq!(
        olga.delete(&format!("{path}/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        olga.delete(&format!("{path}/{id}")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let teams: Value = olga.get(&path).await.json().await.unwrap();
    assert_eq!(
        teams["items"].as_array().unwrap().len(),
        1,
        "My Team remains"
    );
    for event in ["team.created", "team.renamed", "team.deleted"] {
        let n = app
            .count(
                &format!(
                    "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = '{event}'"
                ),
                &org.to_string(),
            )
            .await;
        assert_eq!(n, 1, "{event}");
    }
}

#[tokio::test]
async fn team_admins_manage_their_own_teams_members_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    sqlx::query("UPDATE accounts SET plan = 'business' WHERE id = $1")
        .bind(org.to_string())
        .execute(app.store.pool())
        .await
        .unwrap();
    let teams = format!("/api/accounts/{org}/teams");
    let web: Value = olga
        .post(&teams, json!({"name": "Web"}))
        .await
        .json()
        .await
        .unwrap();
    let ops: Value = olga
        .post(&teams, json!({"name": "Ops"}))
        .await
        .json()
        .await
        .unwrap();
    let (web, ops) = (
        web["id"].as_str().unwrap().to_owned(),
        ops["id"].as_str().unwrap().to_owned(),
    );
    let tina = app.register("tina@acme.test").await;
    let max = app.register("max@acme.test").await;
    app.add_member(org, &tina, OrgRole::Tech).await;
    app.add_member(org, &max, OrgRole::Viewer).await;
    let member = |team: &str, user: &User| format!("{teams}/{team}/members/{}", user.id);

    // The Owner makes Tina admin of Web.
    let set: Value = olga
        .request("PUT", member(&web, &tina), json!({"role": "team_admin"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(set["teams"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "Web" && t["role"] == "team_admin"));
    // The members page lists each member's teams in the order they were
    // made, and none for a member of no team.
    olga.request("PUT", member(&ops, &tina), json!({"role": "team_viewer"}))
        .await;
    let page: Value = olga
        .get(&format!("/api/accounts/{org}/members"))
        .await
        .json()
        .await
        .unwrap();
    let teams_of = |email: &str| -> Vec<(String, String)> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().into(),
                    t["role"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(
        teams_of("tina@acme.test"),
        [
            ("Web".into(), "team_admin".into()),
            ("Ops".into(), "team_viewer".into())
        ]
    );
    assert_eq!(teams_of("max@acme.test"), []);
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        3,
        "each member once"
    );
    olga.delete(&member(&ops, &tina)).await;
    // Tina adds Max to Web, changes his role, and takes him out again.
    assert_eq!(
        tina.request("PUT", member(&web, &max), json!({"role": "team_member"}))
            .await
            .status(),
        StatusCode::OK
    );
    let changed: Value = tina
        .request("PUT", member(&web, &max), json!({"role": "team_viewer"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(changed["teams"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "Web" && t["role"] == "team_viewer"));
    // Max, a team viewer, may not manage Web's members; Tina may not manage Ops.
    assert_problem(
        max.request("PUT", member(&web, &tina), json!({"role": "team_viewer"}))
            .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let body = assert_problem(
        tina.request("PUT", member(&ops, &max), json!({"role": "team_member"}))
            .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("role in this team"),
        "{body}"
    );
    assert_eq!(
        tina.request("DELETE", member(&web, &max), json!({}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        tina.request("DELETE", member(&web, &max), json!({})).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // Only organization members join teams; team roles are checked.
    let stranger = app.register("eve@evil.test").await;
    assert_problem(
        olga.request(
            "PUT",
            member(&web, &stranger),
            json!({"role": "team_member"}),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_problem(
        olga.request("PUT", member(&web, &max), json!({"role": "captain"}))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        stranger
            .request("PUT", member(&web, &max), json!({"role": "team_member"}))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // Only Owners create teams, whatever the team roles.
    assert_problem(
        tina.post(&teams, json!({"name": "Mine"})).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
}

#[tokio::test]
async fn personal_accounts_have_no_teams_to_manage() {
    let app = TestApp::spawn().await;
    let ana = app.register("ana@acme.test").await;
    let response = ana
        .post(
            &format!("/api/accounts/{}/teams", ana.personal),
            json!({"name": "Solo"}),
        )
        .await;
    assert_problem(response, 403, ErrorCode::Forbidden).await;
}
