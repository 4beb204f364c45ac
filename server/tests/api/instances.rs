use crate::helpers::*;
use domain::{AccountId, ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An active organization with teams Web and Ops and one instance in each.
struct Fixture {
    app: TestApp,
    olga: User,
    org: AccountId,
    web: String,
    ops: String,
    web_instance: String,
    ops_instance: String,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    olga.fund(org, 10_000).await;
    let web = olga.create_team(org, "Web").await;
    let ops = olga.create_team(org, "Ops").await;
    let web_instance = create(&olga, org, "web-1", Some(&web)).await;
    let ops_instance = create(&olga, org, "ops-1", Some(&ops)).await;
    Fixture {
        app,
        olga,
        org,
        web,
        ops,
        web_instance,
        ops_instance,
    }
}

async fn create(user: &User, org: AccountId, name: &str, team: Option<&str>) -> String {
    let response = user
        .post(
            &format!("/api/accounts/{org}/instances"),
            json!({"name": name, "size": "small", "team_id": team}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "create {name}");
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn names(user: &User, org: AccountId) -> Vec<String> {
    let response = user.get(&format!("/api/accounts/{org}/instances")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

impl Fixture {
    async fn member(&self, email: &str, role: OrgRole) -> User {
        let user = self.app.register(email).await;
        self.app.add_member(self.org, &user, role).await;
        user
    }

    fn path(&self) -> String {
        format!("/api/accounts/{}/instances", self.org)
    }
}

#[tokio::test]
async fn owners_create_list_and_delete_instances_in_the_organizations_region() {
    let f = fixture().await;
    let created: Value = f
        .olga
        .post(
            &f.path(),
            json!({"name": "db-2", "size": "large", "team_id": f.web}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["region"], "eu-central");
    assert_eq!(created["size"], "large");
    assert_eq!(created["team_id"].as_str(), Some(f.web.as_str()));
    assert_eq!(created["team_name"], "Web");
    assert_eq!(names(&f.olga, f.org).await, ["web-1", "ops-1", "db-2"]);
    // Paging by cursor.
    let first: Value = f
        .olga
        .get(&format!("{}?limit=2", f.path()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = f
        .olga
        .get(&format!("{}?limit=2&cursor={cursor}", f.path()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"][0]["name"], "db-2");
    assert!(second["next_cursor"].is_null());
    // One team filter.
    let ops_only: Value = f
        .olga
        .get(&format!("{}?team_id={}", f.path(), f.ops))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ops_only["items"].as_array().unwrap().len(), 1);
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        f.olga.delete(&format!("{}/{id}", f.path())).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        f.olga.delete(&format!("{}/{id}", f.path())).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    for event in ["instance.created", "instance.deleted"] {
        let n = f
            .app
            .count(
                &format!(
                    "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = '{event}'"
                ),
                &f.org.to_string(),
            )
            .await;
        assert!(n >= 1, "{event}");
    }
}

#[tokio::test]
async fn bad_instances_are_refused_with_every_reason() {
    let f = fixture().await;
    let problem = assert_problem(
        f.olga
            .post(
                &f.path(),
                json!({"name": "Web_1", "size": "huge", "team_id": f.web}),
            )
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let fields = error_fields(&problem);
    assert_eq!(fields, ["name", "size"]);
    for name in ["", "-web", &"x".repeat(64), "wéb"] {
        assert_problem(
            f.olga
                .post(
                    &f.path(),
                    json!({"name": name, "size": "small", "team_id": f.web}),
                )
                .await,
            422,
            ErrorCode::Validation,
        )
        .await;
    }
    let taken = assert_problem(
        f.olga
            .post(
                &f.path(),
                json!({"name": "web-1", "size": "small", "team_id": f.ops}),
            )
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert!(taken["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("taken"));
    // Several teams and none named: the caller must choose.
    assert_problem(
        f.olga
            .post(&f.path(), json!({"name": "web-9", "size": "small"}))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    // A team of another organization is not found.
    let other = f.olga.create_organization("Other", "us-east").await;
    let foreign_team = f.olga.create_team(other, "Elsewhere").await;
    assert_problem(
        f.olga
            .post(
                &f.path(),
                json!({"name": "web-9", "size": "small", "team_id": foreign_team}),
            )
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(names(&f.olga, f.org).await.len(), 2, "nothing was created");
}

#[tokio::test]
async fn suspended_accounts_create_nothing() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let problem = assert_problem(
        olga.post(
            &format!("/api/accounts/{org}/instances"),
            json!({"name": "web-1", "size": "small"}),
        )
        .await,
        409,
        ErrorCode::AccountSuspended,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("add funds"));
    // Reading stays possible while suspended.
    assert!(names(&olga, org).await.is_empty());
    olga.fund(org, 1).await;
    create(&olga, org, "web-1", None).await;
}

#[tokio::test]
async fn tech_sees_and_manages_only_its_teams_instances() {
    let f = fixture().await;
    let tom = f.member("tom@acme.test", OrgRole::Tech).await;
    // Without a team role a Tech sees nothing and creates nothing.
    assert!(names(&tom, f.org).await.is_empty());
    let refused = assert_problem(
        tom.post(
            &f.path(),
            json!({"name": "web-2", "size": "small", "team_id": f.web}),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("role in this team"));
    assert_problem(
        tom.post(&f.path(), json!({"name": "web-2", "size": "small"}))
            .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_problem(
        tom.delete(&format!("{}/{}", f.path(), f.web_instance))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;

    f.olga
        .set_team_role(f.org, &f.web, &tom, "team_member")
        .await;
    assert_eq!(names(&tom, f.org).await, ["web-1"]);
    // The one team where Tom may create is chosen when none is named.
    let id = create(&tom, f.org, "web-2", None).await;
    assert_eq!(names(&tom, f.org).await, ["web-1", "web-2"]);
    assert_eq!(
        tom.delete(&format!("{}/{id}", f.path())).await.status(),
        StatusCode::NO_CONTENT
    );
    // Ops stays invisible.
    assert_problem(
        tom.post(
            &f.path(),
            json!({"name": "ops-2", "size": "small", "team_id": f.ops}),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_problem(
        tom.delete(&format!("{}/{}", f.path(), f.ops_instance))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let filtered: Value = tom
        .get(&format!("{}?team_id={}", f.path(), f.ops))
        .await
        .json()
        .await
        .unwrap();
    assert!(filtered["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn team_viewers_and_viewers_only_read() {
    let f = fixture().await;
    let tia = f.member("tia@acme.test", OrgRole::Tech).await;
    let val = f.member("val@acme.test", OrgRole::Viewer).await;
    f.olga
        .set_team_role(f.org, &f.web, &tia, "team_viewer")
        .await;
    f.olga
        .set_team_role(f.org, &f.web, &val, "team_admin")
        .await;
    for user in [&tia, &val] {
        assert_eq!(names(user, f.org).await, ["web-1"]);
        assert_problem(
            user.post(
                &f.path(),
                json!({"name": "web-3", "size": "small", "team_id": f.web}),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_problem(
            user.delete(&format!("{}/{}", f.path(), f.web_instance))
                .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
}

#[tokio::test]
async fn admins_never_reach_instances() {
    let f = fixture().await;
    let ada = f.member("ada@acme.test", OrgRole::Admin).await;
    f.olga
        .set_team_role(f.org, &f.web, &ada, "team_admin")
        .await;
    let listed = assert_problem(ada.get(&f.path()).await, 403, ErrorCode::Forbidden).await;
    assert!(listed["detail"]
        .as_str()
        .unwrap()
        .contains("never reach resources"));
    assert_problem(
        ada.post(
            &f.path(),
            json!({"name": "web-3", "size": "small", "team_id": f.web}),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_problem(
        ada.delete(&format!("{}/{}", f.path(), f.web_instance))
            .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let stranger = f.app.register("eve@evil.test").await;
    assert_problem(stranger.get(&f.path()).await, 404, ErrorCode::NotFound).await;
    assert_problem(
        stranger
            .delete(&format!("{}/{}", f.path(), f.web_instance))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
}

#[tokio::test]
async fn a_team_that_owns_instances_is_not_deleted() {
    let f = fixture().await;
    let team_path = format!("/api/accounts/{}/teams/{}", f.org, f.web);
    let refused = assert_problem(
        f.olga.delete(&team_path).await,
        409,
        ErrorCode::TeamNotEmpty,
    )
    .await;
    assert!(
        refused["detail"].as_str().unwrap().contains("web")
            || refused["detail"].as_str().unwrap().contains("Web")
    );
    f.olga
        .delete(&format!("{}/{}", f.path(), f.web_instance))
        .await;
    assert_eq!(
        f.olga.delete(&team_path).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn personal_accounts_have_one_implicit_team() {
    let app = TestApp::spawn().await;
    let pia = app.register("pia@home.test").await;
    let path = format!("/api/accounts/{}/instances", pia.personal);
    let created: Value = pia
        .post(&path, json!({"name": "blog", "size": "medium"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(created["team_id"].is_null());
    assert!(created["region"].is_null());
    assert_eq!(names(&pia, pia.personal).await, ["blog"]);
    let other = app.register("eve@evil.test").await;
    assert_problem(other.get(&path).await, 404, ErrorCode::NotFound).await;
}
