//! Every endpoint of an account × every role × a foreign user × signed out: the
//! server's answer must be what `domain` decides.

use crate::helpers::*;
use domain::roles::decide;
use domain::{AccountKind, ErrorCode, OrgRole, Permission};
use reqwest::StatusCode;
use serde_json::json;

/// Who calls.
#[derive(Clone, Copy, Debug)]
enum Caller {
    Member(OrgRole),
    Foreign,
    SignedOut,
}

/// An endpoint and the permission `domain` checks for it. In paths, `{org}`,
/// `{target}` (another member, a Viewer), `{invitation}` (a pending one) and
/// `{team}` (a team nobody is in) are filled in per case. Team membership
/// endpoints depend on team roles too: `teams.rs` covers them.
struct Endpoint {
    method: &'static str,
    path: &'static str,
    body: fn() -> serde_json::Value,
    permission: Permission,
}

fn no_body() -> serde_json::Value {
    json!({})
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}",
        body: no_body,
        permission: Permission::ViewOrganization,
    },
    Endpoint {
        method: "PATCH",
        path: "/api/accounts/{org}",
        body: || json!({"name": "Renamed"}),
        permission: Permission::EditOrganization,
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}",
        body: no_body,
        permission: Permission::TransferOrDelete,
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/members",
        body: no_body,
        permission: Permission::ViewOrganization,
    },
    Endpoint {
        method: "PATCH",
        path: "/api/accounts/{org}/members/{target}",
        body: || json!({"role": "tech"}),
        permission: Permission::ManageMembers,
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/members/{target}",
        body: no_body,
        permission: Permission::ManageMembers,
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/transfer-ownership",
        body: || json!({"user_id": "{target}"}),
        permission: Permission::TransferOrDelete,
    },
    Endpoint {
        method: "PUT",
        path: "/api/accounts/{org}/plan",
        body: || json!({"plan": "enterprise"}),
        permission: Permission::ManageBilling,
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/teams",
        body: no_body,
        permission: Permission::ViewOrganization,
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/invitations",
        body: no_body,
        permission: Permission::ManageInvitations,
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/invitations",
        body: || json!({"email": "new@acme.test", "role": "viewer"}),
        permission: Permission::ManageInvitations,
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/invitations/{invitation}/resend",
        body: no_body,
        permission: Permission::ManageInvitations,
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/invitations/{invitation}",
        body: no_body,
        permission: Permission::ManageInvitations,
    },
];

fn expected(caller: Caller, permission: Permission) -> (u16, Option<ErrorCode>) {
    match caller {
        Caller::SignedOut => (401, Some(ErrorCode::Unauthenticated)),
        Caller::Foreign => (404, Some(ErrorCode::NotFound)),
        Caller::Member(role) => match decide(AccountKind::Organization, role, permission) {
            Ok(()) => (0, None),
            Err(denial) => (denial.code.status(), Some(denial.code)),
        },
    }
}

#[tokio::test]
async fn every_account_endpoint_answers_each_caller_as_domain_decides() {
    let callers = [
        Caller::Member(OrgRole::Owner),
        Caller::Member(OrgRole::Admin),
        Caller::Member(OrgRole::Tech),
        Caller::Member(OrgRole::Viewer),
        Caller::Foreign,
        Caller::SignedOut,
    ];
    for endpoint in ENDPOINTS {
        for caller in callers {
            // A fresh organization per cell, so a permitted change does not spoil the next.
            let app = TestApp::spawn().await;
            let (owner, org) = app.register_organization("olga@acme.test", "Acme").await;
            sqlx::query("UPDATE accounts SET plan = 'business' WHERE id = $1")
                .bind(org.to_string())
                .execute(app.store.pool())
                .await
                .unwrap();
            let target = app.register("tara@acme.test").await;
            app.add_member(org, &target, OrgRole::Viewer).await;
            let invitation = app
                .invite(&owner, org, "pending@acme.test", OrgRole::Viewer)
                .await;
            let team: serde_json::Value = owner
                .post(
                    &format!("/api/accounts/{org}/teams"),
                    json!({"name": "Extra"}),
                )
                .await
                .json()
                .await
                .unwrap();
            let team = team["id"].as_str().unwrap().to_owned();
            let client = match caller {
                Caller::Member(OrgRole::Owner) => owner.client.clone(),
                Caller::Member(role) => {
                    let member = app.register("member@acme.test").await;
                    app.add_member(org, &member, role).await;
                    member.client
                }
                Caller::Foreign => app.register("eve@evil.test").await.client,
                Caller::SignedOut => app.anonymous(),
            };
            let fill = |text: &str| {
                text.replace("{org}", &org.to_string())
                    .replace("{target}", &target.id.to_string())
                    .replace("{invitation}", invitation["id"].as_str().unwrap())
                    .replace("{team}", &team)
            };
            let path = fill(endpoint.path);
            let body: serde_json::Value =
                serde_json::from_str(&fill(&(endpoint.body)().to_string())).unwrap();
            let method = reqwest::Method::from_bytes(endpoint.method.as_bytes()).unwrap();
            let response = client
                .request(method, app.url(&path))
                .json(&body)
                .send()
                .await
                .unwrap();
            let (status, code) = expected(caller, endpoint.permission);
            let what = format!("{} {} as {caller:?}", endpoint.method, endpoint.path);
            match code {
                None => assert!(
                    response.status().is_success(),
                    "{what}: {}",
                    response.status()
                ),
                Some(code) => {
                    assert_eq!(response.status().as_u16(), status, "{what}");
                    let body: serde_json::Value = response.json().await.unwrap();
                    assert_eq!(body["code"], code.as_str(), "{what}");
                }
            }
        }
    }
}

#[tokio::test]
async fn leaving_follows_the_membership_rules_for_every_role() {
    for role in OrgRole::ALL {
        let app = TestApp::spawn().await;
        let (_owner, org) = app.register_organization("olga@acme.test", "Acme").await;
        let member = app.register("member@acme.test").await;
        app.add_member(org, &member, role).await;
        let response = member
            .post(&format!("/api/accounts/{org}/leave"), json!({}))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{role} leaves");
    }
}

#[tokio::test]
async fn the_billing_address_is_shown_to_those_who_may_view_billing() {
    for role in OrgRole::ALL {
        let app = TestApp::spawn().await;
        let (_owner, org) = app.register_organization("olga@acme.test", "Acme").await;
        let member = app.register("member@acme.test").await;
        app.add_member(org, &member, role).await;
        let body: serde_json::Value = member
            .get(&format!("/api/accounts/{org}"))
            .await
            .json()
            .await
            .unwrap();
        let sees = decide(AccountKind::Organization, role, Permission::ManageBilling).is_ok();
        assert_eq!(body["billing_address"].is_object(), sees, "{role}");
        assert_eq!(body["role"], role.id());
    }
}

#[tokio::test]
async fn invitee_endpoints_answer_the_invitee_a_stranger_and_the_signed_out() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app
        .invite(&owner, org, "bob@acme.test", OrgRole::Viewer)
        .await;
    let id = invitation["id"].as_str().unwrap().to_owned();
    let token = app.token_for("bob@acme.test");
    let bob = app.register("bob@acme.test").await;
    let stranger = app.register("eve@evil.test").await;
    let anonymous = app.anonymous();
    // (method, path, body): every endpoint an invitee uses.
    let endpoints = [
        ("GET", "/api/invitations".to_owned(), json!({})),
        ("POST", format!("/api/invitations/{id}/decline"), json!({})),
        ("POST", format!("/api/invitations/{id}/accept"), json!({})),
        (
            "POST",
            "/api/invitations/accept-token".to_owned(),
            json!({"token": token}),
        ),
    ];
    for (method, path, body) in &endpoints {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let signed_out = anonymous
            .request(method.clone(), app.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            signed_out.status().as_u16(),
            401,
            "{method} {path} signed out"
        );
        let foreign = stranger
            .client
            .request(method.clone(), app.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        let expected = if path == "/api/invitations" { 200 } else { 403 };
        assert_eq!(
            foreign.status().as_u16(),
            expected,
            "{method} {path} as a stranger"
        );
        if expected == 200 {
            let mine: serde_json::Value = foreign.json().await.unwrap();
            assert!(
                mine["items"].as_array().unwrap().is_empty(),
                "a stranger sees none of bob's invitations"
            );
        }
    }
    let mine: serde_json::Value = bob.get("/api/invitations").await.json().await.unwrap();
    assert_eq!(mine["items"][0]["id"], id.as_str());
    assert_eq!(
        bob.post(&format!("/api/invitations/{id}/accept"), json!({}))
            .await
            .status(),
        StatusCode::OK
    );
}
