//! Organization hierarchy (SPEC §17) over HTTP: child organizations, links and
//! link requests, inherited access, shared billing and the roll-up.

use crate::helpers::*;
use domain::{AccountId, ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

impl User {
    /// Creates a child of `parent` named `name` billed as `billing`; returns its id.
    pub async fn create_child(&self, parent: AccountId, name: &str, billing: &str) -> AccountId {
        let response = self
            .post(
                &format!("/api/accounts/{parent}/children"),
                json!({"name": name, "region": "eu-north", "billing": billing}),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "create child {name}"
        );
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().parse().unwrap()
    }

    pub async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }
}

#[tokio::test]
async fn a_child_billed_to_its_parent_follows_the_parents_credit() {
    let app = TestApp::spawn().await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    let labs = olga.create_child(acme, "Acme Labs", "parent").await;
    let child = olga.json(&format!("/api/accounts/{labs}")).await;
    assert_eq!(child["parent_id"], acme.to_string());
    assert_eq!(child["billing_mode"], "parent");
    assert_eq!(child["role"], "owner");
    assert!(
        child.get("inherited_from").is_none(),
        "its creator is a member"
    );
    // The parent's address unless the child has its own.
    assert_eq!(child["billing_address"]["name"], "Acme AG");
    assert_eq!(child["status"], "suspended");
    // Funds go to the parent: the child refuses them and becomes active with it.
    let refused = olga
        .post(
            &format!("/api/accounts/{labs}/funds"),
            json!({"amount_cents": 500}),
        )
        .await;
    let problem = assert_problem(refused, 409, ErrorCode::BilledByParent).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("billed to Acme"));
    olga.fund(acme, 2_000).await;
    let child = olga.json(&format!("/api/accounts/{labs}")).await;
    assert_eq!(child["status"], "active");
    // Active through the parent: it may create resources.
    let team = olga.create_team(labs, "Lab").await;
    let instance = olga
        .post(
            &format!("/api/accounts/{labs}/instances"),
            json!({"name": "lab-1", "size": "small", "team_id": team}),
        )
        .await;
    assert_eq!(instance.status(), StatusCode::CREATED);
    // An own-billed child keeps its own status.
    let ops = olga.create_child(acme, "Acme Ops", "own").await;
    assert_eq!(
        olga.json(&format!("/api/accounts/{ops}")).await["status"],
        "suspended"
    );
    // Both creations are in the parent's log and the child's.
    for (account, event) in [(acme, "org.child_created"), (labs, "org.created")] {
        let n = app
            .count(
                &format!(
                    "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = '{event}'"
                ),
                &account.to_string(),
            )
            .await;
        assert!(n >= 1, "{event} in {account}");
    }
}

#[tokio::test]
async fn hierarchies_stop_at_three_levels_and_parents_with_children_stay() {
    let app = TestApp::spawn().await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    let labs = olga.create_child(acme, "Acme Labs", "own").await;
    let team = olga.create_child(labs, "Acme Labs Team", "parent").await;
    let fourth = olga
        .post(
            &format!("/api/accounts/{team}/children"),
            json!({"name": "Too deep", "region": "eu-north", "billing": "own"}),
        )
        .await;
    let problem = assert_problem(fourth, 409, ErrorCode::HierarchyInvalid).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("at most 3 levels"));
    // A personal account has no children.
    let personal = olga
        .post(
            &format!("/api/accounts/{}/children", olga.personal),
            json!({"name": "Mine", "region": "eu-north", "billing": "own"}),
        )
        .await;
    assert_problem(personal, 403, ErrorCode::Forbidden).await;
    // Bad fields are named.
    let bad = olga
        .post(
            &format!("/api/accounts/{acme}/children"),
            json!({"name": "", "region": "mars", "billing": "shared"}),
        )
        .await;
    let problem = assert_problem(bad, 422, ErrorCode::Validation).await;
    assert_eq!(error_fields(&problem), ["name", "region", "billing"]);
    // Deleting a parent is refused while it has children.
    for parent in [acme, labs] {
        let refused = olga.delete(&format!("/api/accounts/{parent}")).await;
        assert_problem(refused, 409, ErrorCode::HasChildren).await;
    }
    let deleted = olga.delete(&format!("/api/accounts/{team}")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let deleted = olga.delete(&format!("/api/accounts/{labs}")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn an_owner_of_both_links_at_once_and_cycles_are_refused() {
    let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 20).await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    let globex = olga.create_organization("Globex", "eu-central").await;
    let linked = olga
        .post(
            &format!("/api/accounts/{acme}/links"),
            json!({"child_id": globex.to_string()}),
        )
        .await;
    assert_eq!(linked.status(), StatusCode::OK);
    let outcome: Value = linked.json().await.unwrap();
    assert_eq!(outcome["linked"], true);
    assert_eq!(
        olga.json(&format!("/api/accounts/{globex}")).await["parent_id"],
        acme.to_string()
    );
    // Acme under Globex would be a cycle; Globex under another parent a second one.
    let cycle = olga
        .post(
            &format!("/api/accounts/{globex}/links"),
            json!({"child_id": acme.to_string()}),
        )
        .await;
    let problem = assert_problem(cycle, 409, ErrorCode::HierarchyInvalid).await;
    assert!(problem["detail"].as_str().unwrap().contains("cycle"));
    let initech = olga.create_organization("Initech", "eu-central").await;
    let second = olga
        .post(
            &format!("/api/accounts/{initech}/links"),
            json!({"child_id": globex.to_string()}),
        )
        .await;
    assert_problem(second, 409, ErrorCode::HierarchyInvalid).await;
    // A personal account is no child; an unknown id is 404; junk is 422.
    for (child, status, code) in [
        (olga.personal.to_string(), 409, ErrorCode::HierarchyInvalid),
        (
            AccountId::from_uuid(uuid::Uuid::now_v7()).to_string(),
            404,
            ErrorCode::NotFound,
        ),
        ("acme".to_owned(), 422, ErrorCode::Validation),
    ] {
        let response = olga
            .post(
                &format!("/api/accounts/{initech}/links"),
                json!({ "child_id": child }),
            )
            .await;
        assert_problem(response, status, code).await;
    }
    // Unlinking puts the child back on its own.
    let unlinked = olga
        .delete(&format!("/api/accounts/{acme}/links/{globex}"))
        .await;
    assert_eq!(unlinked.status(), StatusCode::NO_CONTENT);
    let globex_view = olga.json(&format!("/api/accounts/{globex}")).await;
    assert!(globex_view.get("parent_id").is_none());
    let again = olga
        .delete(&format!("/api/accounts/{acme}/links/{globex}"))
        .await;
    assert_problem(again, 404, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn a_link_request_is_mailed_and_the_childs_owner_accepts_or_declines() {
    let app = TestApp::spawn().await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    let (gina, globex) = app
        .register_organization("gina@globex.test", "Globex")
        .await;
    let asked = olga
        .post(
            &format!("/api/accounts/{acme}/links"),
            json!({"child_id": globex.to_string()}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let outcome: Value = asked.json().await.unwrap();
    assert_eq!(outcome["linked"], false);
    let request = outcome["request"]["id"].as_str().unwrap().to_owned();
    assert_eq!(outcome["request"]["status"], "pending");
    // Asking twice is refused while the first is pending.
    let twice = olga
        .post(
            &format!("/api/accounts/{acme}/links"),
            json!({"child_id": globex.to_string()}),
        )
        .await;
    assert_problem(twice, 409, ErrorCode::HierarchyInvalid).await;
    let mail = mails_to(&app, "gina@globex.test");
    assert!(
        mail[0].contains("Acme asks to become the parent of Globex"),
        "{}",
        mail[0]
    );
    assert!(mail[0].contains(&format!("/a/{globex}/hierarchy")));
    // Both sides list it; only the child's Owners may answer.
    for (user, account) in [(&olga, acme), (&gina, globex)] {
        let list = user
            .json(&format!("/api/accounts/{account}/link-requests"))
            .await;
        assert_eq!(list[0]["id"], request.as_str());
    }
    let by_parent = olga
        .post(
            &format!("/api/accounts/{acme}/link-requests/{request}/accept"),
            json!({}),
        )
        .await;
    assert_problem(by_parent, 404, ErrorCode::NotFound).await;
    let viewer = app.register("vic@globex.test").await;
    app.add_member(globex, &viewer, OrgRole::Admin).await;
    let by_admin = viewer
        .post(
            &format!("/api/accounts/{globex}/link-requests/{request}/accept"),
            json!({}),
        )
        .await;
    assert_problem(by_admin, 403, ErrorCode::Forbidden).await;
    let accepted = gina
        .post(
            &format!("/api/accounts/{globex}/link-requests/{request}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    let again = gina
        .post(
            &format!("/api/accounts/{globex}/link-requests/{request}/decline"),
            json!({}),
        )
        .await;
    assert_problem(again, 409, ErrorCode::HierarchyInvalid).await;
    // Olga now acts as an Owner in Globex, inherited from Acme.
    let seen = olga.json(&format!("/api/accounts/{globex}")).await;
    assert_eq!(seen["role"], "owner");
    assert_eq!(seen["inherited_from"]["id"], acme.to_string());
    assert_eq!(seen["inherited_from"]["name"], "Acme");
    // Gina's own Owner role there lets her unlink without being in Acme.
    let unlinked = gina
        .delete(&format!("/api/accounts/{acme}/links/{globex}"))
        .await;
    assert_eq!(unlinked.status(), StatusCode::NO_CONTENT);
    assert_problem(
        olga.get(&format!("/api/accounts/{globex}")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // A declined request links nothing.
    let asked: Value = olga
        .post(
            &format!("/api/accounts/{acme}/links"),
            json!({"child_id": globex.to_string()}),
        )
        .await
        .json()
        .await
        .unwrap();
    let request = asked["request"]["id"].as_str().unwrap();
    let declined = gina
        .post(
            &format!("/api/accounts/{globex}/link-requests/{request}/decline"),
            json!({}),
        )
        .await;
    assert_eq!(declined.status(), StatusCode::OK);
    let globex_view = gina.json(&format!("/api/accounts/{globex}")).await;
    assert!(globex_view.get("parent_id").is_none());
    let events = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event IN ('org.link_requested', 'org.linked', 'org.unlinked', 'org.link_declined')",
            &acme.to_string(),
        )
        .await;
    assert_eq!(
        events, 5,
        "two requests, a link, an unlink and a decline in Acme's log"
    );
}

#[tokio::test]
async fn owners_and_admins_inherit_their_role_and_nobody_else_does() {
    let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 1).await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    let labs = olga.create_child(acme, "Acme Labs", "own").await;
    let lab_team = olga.create_child(labs, "Acme Labs Team", "own").await;
    let ada = app.register("ada@acme.test").await;
    let tom = app.register("tom@acme.test").await;
    app.add_member(acme, &ada, OrgRole::Admin).await;
    app.add_member(acme, &tom, OrgRole::Tech).await;
    // An Admin of Acme is an Admin two levels down; a Tech sees nothing there.
    for child in [labs, lab_team] {
        let seen = ada.json(&format!("/api/accounts/{child}")).await;
        assert_eq!(seen["role"], "admin");
        assert_eq!(seen["inherited_from"]["id"], acme.to_string());
        assert_problem(
            tom.get(&format!("/api/accounts/{child}")).await,
            404,
            ErrorCode::NotFound,
        )
        .await;
    }
    // The switcher's list has the descendants, each naming its parent.
    let accounts = ada.json("/api/accounts").await;
    let items = accounts["items"].as_array().unwrap();
    let parent_of = |id: AccountId| {
        items
            .iter()
            .find(|a| a["id"] == id.to_string())
            .map(|a| a["parent_id"].clone())
    };
    assert_eq!(parent_of(labs), Some(json!(acme.to_string())));
    assert_eq!(parent_of(lab_team), Some(json!(labs.to_string())));
    assert_eq!(
        tom.json("/api/accounts").await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Admins edit and pay but may not manage members; the inherited Owner may.
    let bob = app.register("bob@acme.test").await;
    app.add_member(labs, &bob, OrgRole::Viewer).await;
    let by_admin = ada
        .patch(
            &format!("/api/accounts/{labs}/members/{}", bob.id),
            json!({"role": "tech"}),
        )
        .await;
    assert_problem(by_admin, 403, ErrorCode::Forbidden).await;
    let renamed = ada
        .patch(
            &format!("/api/accounts/{labs}"),
            json!({"name": "Acme Research"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    // The members list shows inherited access as such, first, and costs no seat.
    let members = olga.json(&format!("/api/accounts/{labs}/members")).await;
    let listed: Vec<(&str, &str, Option<&str>)> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["inherited_from"]["name"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("ada@acme.test", "admin", Some("Acme")),
            ("olga@acme.test", "owner", None),
            ("bob@acme.test", "viewer", None),
        ]
    );
    let billing = olga.json(&format!("/api/accounts/{labs}/billing")).await;
    assert_eq!(
        billing["members"], 2,
        "Olga and Bob hold seats; Ada does not"
    );
    let searched = olga
        .json(&format!("/api/accounts/{labs}/members?q=ada"))
        .await;
    assert_eq!(searched["items"].as_array().unwrap().len(), 1);
    // Ada's inherited access is not a membership: she holds no API key there.
    let key = ada
        .post(
            &format!("/api/accounts/{labs}/api-keys"),
            json!({"name": "ci"}),
        )
        .await;
    let problem = assert_problem(key, 403, ErrorCode::Forbidden).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("inherited from Acme"));
    // Nor is there a membership to leave.
    let leave = ada
        .post(&format!("/api/accounts/{labs}/leave"), json!({}))
        .await;
    let problem = assert_problem(leave, 403, ErrorCode::Forbidden).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("Leave Acme instead"));
    // Children do not count against the organization limit (1 here).
    assert_eq!(
        olga.post("/api/accounts", new_organization("Second", "eu-central"))
            .await
            .status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn the_roll_up_lists_children_reports_totals_and_joins_their_activity() {
    let app = TestApp::spawn().await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    olga.fund(acme, 1_000).await;
    let mut children = Vec::new();
    for n in 0..3 {
        let billing = if n == 0 { "parent" } else { "own" };
        children.push(
            olga.create_child(acme, &format!("Child {n}"), billing)
                .await,
        );
    }
    let grandchild = olga
        .create_child(children[0], "=Grand, child", "parent")
        .await;
    let bob = app.register("bob@acme.test").await;
    app.add_member(children[1], &bob, OrgRole::Viewer).await;
    // Children only, two per page, in creation order.
    let first = olga
        .json(&format!("/api/accounts/{acme}/children?limit=2"))
        .await;
    let names: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Child 0", "Child 1"]);
    assert_eq!(
        first["items"][0]["status"], "active",
        "billed to the active parent"
    );
    assert_eq!(first["items"][1]["status"], "suspended");
    assert_eq!(first["items"][1]["members"], 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = olga
        .json(&format!(
            "/api/accounts/{acme}/children?limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    // The report goes a level deeper and adds up.
    let report = olga.json(&format!("/api/accounts/{acme}/report")).await;
    assert_eq!(report["items"].as_array().unwrap().len(), 4);
    assert_eq!(report["totals"]["organizations"], 4);
    assert_eq!(report["totals"]["members"], 5);
    assert_eq!(report["totals"]["active"], 2);
    assert_eq!(report["totals"]["billed_to_parent"], 2);
    let grand = &report["items"][3];
    assert_eq!(grand["depth"], 2);
    assert_eq!(
        grand["status"], "active",
        "billed to a child billed to Acme"
    );
    let csv = olga
        .get(&format!("/api/accounts/{acme}/report?format=csv"))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[0].starts_with("id,name,parent_id,depth,"));
    assert!(text.contains(&format!("{grandchild},\"'=Grand, child\",")));
    assert!(lines[5].starts_with("total,4 organizations,"));
    let bad = olga
        .get(&format!("/api/accounts/{acme}/report?format=xml"))
        .await;
    assert_problem(bad, 422, ErrorCode::Validation).await;
    // The parent's log with its descendants' entries, each naming its account.
    let joined = olga
        .json(&format!(
            "/api/accounts/{acme}/activity?include_descendants=true&limit=200"
        ))
        .await;
    let from_grandchild = joined["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["account_id"] == grandchild.to_string())
        .count();
    assert!(from_grandchild >= 1);
    let own = olga
        .json(&format!("/api/accounts/{acme}/activity?limit=200"))
        .await;
    assert!(own["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["account_id"] == acme.to_string()));
    // Techs of the parent see its log, not the descendants'.
    let tom = app.register("tom@acme.test").await;
    app.add_member(acme, &tom, OrgRole::Tech).await;
    for path in [
        format!("/api/accounts/{acme}/activity?include_descendants=true"),
        format!("/api/accounts/{acme}/children"),
        format!("/api/accounts/{acme}/report"),
    ] {
        assert_problem(tom.get(&path).await, 403, ErrorCode::Forbidden).await;
    }
}

/// The descendants' activity is merged per account (each by its own index):
/// pages of any size, through every cursor, give exactly the entries the
/// database holds for the parent and its children, newest first — also past
/// the number of logs one statement merges.
#[tokio::test]
async fn the_activity_across_forty_children_pages_in_order_without_gaps() {
    let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 50).await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    for i in 0..40 {
        olga.create_child(acme, &format!("Child {i}"), "parent")
            .await;
    }
    let held: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM activity WHERE account_id = $1
            OR account_id IN (SELECT id FROM accounts WHERE parent_id = $1)
         ORDER BY id DESC",
    )
    .bind(acme.to_string())
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert!(held.len() >= 81, "each child's entry and the parent's");
    for (query, expected) in [
        ("", held.clone()),
        ("&event=org.child_created", {
            let created: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM activity WHERE account_id = $1 AND event = 'org.child_created' ORDER BY id DESC",
            )
            .bind(acme.to_string())
            .fetch_all(app.store.pool())
            .await
            .unwrap();
            created
        }),
    ] {
        let mut read = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = olga
                .json(&format!(
                    "/api/accounts/{acme}/activity?include_descendants=true&limit=7{query}{cursor}"
                ))
                .await;
            read.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["id"].as_str().unwrap().to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(read, expected, "pages of {query:?}");
    }
}

#[tokio::test]
async fn changing_the_billing_mode_is_an_owners_logged_act() {
    let app = TestApp::spawn().await;
    let (olga, acme) = app.register_organization("olga@acme.test", "Acme").await;
    let labs = olga.create_child(acme, "Acme Labs", "own").await;
    olga.fund(labs, 700).await;
    let switched = olga
        .put(
            &format!("/api/accounts/{labs}/billing-mode"),
            json!({"billing": "parent"}),
        )
        .await;
    assert_eq!(switched.status(), StatusCode::OK);
    let view: Value = switched.json().await.unwrap();
    assert_eq!(view["billing_mode"], "parent");
    assert_eq!(
        view["status"], "active",
        "the parent got the child's credit"
    );
    let acme_billing = olga.json(&format!("/api/accounts/{acme}/billing")).await;
    assert_eq!(acme_billing["credit_cents"], 700);
    let logged = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'org.billing_mode_changed'",
            &labs.to_string(),
        )
        .await;
    assert_eq!(logged, 1);
    // A root cannot bill a parent; an Admin may not switch.
    let root = olga
        .put(
            &format!("/api/accounts/{acme}/billing-mode"),
            json!({"billing": "parent"}),
        )
        .await;
    assert_problem(root, 409, ErrorCode::HierarchyInvalid).await;
    let ada = app.register("ada@acme.test").await;
    app.add_member(acme, &ada, OrgRole::Admin).await;
    let by_admin = ada
        .put(
            &format!("/api/accounts/{labs}/billing-mode"),
            json!({"billing": "own"}),
        )
        .await;
    assert_problem(by_admin, 403, ErrorCode::Forbidden).await;
    let bad = olga
        .put(
            &format!("/api/accounts/{labs}/billing-mode"),
            json!({"billing": "free"}),
        )
        .await;
    assert_problem(bad, 422, ErrorCode::Validation).await;
    // Unlinking a child billed to its parent returns it to its own billing.
    let unlinked = olga
        .delete(&format!("/api/accounts/{acme}/links/{labs}"))
        .await;
    assert_eq!(unlinked.status(), StatusCode::NO_CONTENT);
    let view = olga.json(&format!("/api/accounts/{labs}")).await;
    assert_eq!(
        (view["billing_mode"].as_str(), view["status"].as_str()),
        (Some("own"), Some("suspended"))
    );
    // Only Owners of either side unlink; strangers see nothing.
    let labs2 = olga.create_child(acme, "Acme Labs 2", "own").await;
    let by_admin = ada
        .delete(&format!("/api/accounts/{acme}/links/{labs2}"))
        .await;
    assert_problem(by_admin, 403, ErrorCode::Forbidden).await;
    let eve = app.register("eve@evil.test").await;
    let by_stranger = eve
        .delete(&format!("/api/accounts/{acme}/links/{labs2}"))
        .await;
    assert_problem(by_stranger, 404, ErrorCode::NotFound).await;
}
