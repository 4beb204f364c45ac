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

/// An endpoint and the permission `domain` checks for it.
struct Endpoint {
    method: &'static str,
    path: &'static str,
    permission: Permission,
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "",
        permission: Permission::ViewOrganization,
    },
    Endpoint {
        method: "PATCH",
        path: "",
        permission: Permission::EditOrganization,
    },
    Endpoint {
        method: "DELETE",
        path: "",
        permission: Permission::TransferOrDelete,
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
            // A fresh organization per cell, so a permitted DELETE does not spoil the next.
            let app = TestApp::spawn().await;
            let (owner, org) = app.register_organization("olga@acme.test", "Acme").await;
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
            let url = app.url(&format!("/api/accounts/{org}{}", endpoint.path));
            let request = match endpoint.method {
                "GET" => client.get(url),
                "PATCH" => client.patch(url).json(&json!({"name": "Renamed"})),
                "DELETE" => client.delete(url),
                other => panic!("no such method {other}"),
            };
            let response = request.send().await.unwrap();
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
