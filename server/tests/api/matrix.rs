//! Every endpoint of an account × every organization role × every team role (in
//! the team the request concerns), each through a session and through an API key,
//! × every role of a member without two-factor in an organization that requires
//! it (session and key) × every role of a member of the organization's parent,
//! acting through inheritance (SPEC §17) × a foreign user (session, and a key
//! of their own account) × signed out: the server's answer must be what
//! `domain` decides.

use crate::helpers::*;
use domain::hierarchy::{check_direct_member, inherited_role, Access};
use domain::resources::{resource_access, ResourceAccess};
use domain::roles::{decide, decide_in_team, grant, Grant};
use domain::two_factor::{policy_gate, AccountRequest};
use domain::{AccountId, AccountKind, ErrorCode, OrgRole, Permission, TeamPermission, TeamRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Who calls: a member with an organization role and maybe a role in team `{team}`.
#[derive(Clone, Copy, Debug)]
enum Caller {
    Member(OrgRole, Option<TeamRole>),
    /// The same member, calling with one of their API keys for the organization.
    Key(OrgRole, Option<TeamRole>),
    /// A member with this role and no second factor, in an organization that
    /// requires two-factor (SPEC §15).
    Unprotected(OrgRole),
    /// The same member, through one of their API keys.
    UnprotectedKey(OrgRole),
    /// A member of the organization's parent with this role, not of the
    /// organization (SPEC §17: Owners and Admins inherit, nobody else).
    Inherited(OrgRole),
    Foreign,
    /// A user who is not a member, with a key of their personal account.
    ForeignKey,
    SignedOut,
}

impl Caller {
    fn member(self) -> Option<(OrgRole, Option<TeamRole>)> {
        match self {
            Self::Member(role, team_role) | Self::Key(role, team_role) => Some((role, team_role)),
            Self::Unprotected(role) | Self::UnprotectedKey(role) => Some((role, None)),
            Self::Inherited(_) | Self::Foreign | Self::ForeignKey | Self::SignedOut => None,
        }
    }

    fn unprotected(self) -> bool {
        matches!(self, Self::Unprotected(_) | Self::UnprotectedKey(_))
    }
}

/// What `domain` decides for an endpoint.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// `decide(organization, role, permission)`; team roles play no part.
    Org(Permission),
    /// Managing `{team}`'s members: `decide_in_team(role, team role, ManageTeamMembers)`.
    TeamMembers,
    /// Listing instances: 403 for roles that never reach resources, otherwise the
    /// list holds `{team}`'s instance exactly when `resource_access` allows viewing.
    ListInstances,
    /// Creating an instance in `{team}`: `decide_in_team(…, ManageTeamResources)`.
    CreateInstance,
    /// Deleting `{team}`'s instance: `resource_access` (hidden → 404).
    DeleteInstance,
}

/// An endpoint and its rule. In paths and bodies `{org}`, `{target}` (another
/// member, a Viewer and team viewer of `{team}`), `{invitation}` (a pending one),
/// `{team}` (team "Web") and `{instance}` (Web's instance) are filled in per case.
struct Endpoint {
    method: &'static str,
    path: &'static str,
    body: fn() -> Value,
    rule: Rule,
}

fn no_body() -> Value {
    json!({})
}

/// A SAML connection: the metadata of the test identity provider
/// (`end2end/idp/`), read without asking it anything.
fn saml_connection() -> Value {
    let pem = include_str!("../../../end2end/idp/saml-keys/idp-cert.pem");
    let certificate: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let metadata = format!(
        r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.acme.test/metadata">
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{certificate}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.acme.test/sso"/>
  </IDPSSODescriptor>
</EntityDescriptor>"#
    );
    json!({"type": "saml", "idp_metadata_xml": metadata, "default_role": "viewer"})
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}",
        body: no_body,
        rule: Rule::Org(Permission::ViewOrganization),
    },
    Endpoint {
        method: "PATCH",
        path: "/api/accounts/{org}",
        body: || json!({"name": "Renamed"}),
        rule: Rule::Org(Permission::EditOrganization),
    },
    Endpoint {
        method: "PATCH",
        path: "/api/accounts/{org}",
        body: || json!({"require_two_factor": false}),
        rule: Rule::Org(Permission::ManageSecurity),
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}",
        body: no_body,
        rule: Rule::Org(Permission::TransferOrDelete),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/domains",
        body: no_body,
        rule: Rule::Org(Permission::ManageSecurity),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/domains",
        body: || json!({"domain": "new.test"}),
        rule: Rule::Org(Permission::ManageSecurity),
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/domains/{domain}",
        body: no_body,
        rule: Rule::Org(Permission::ManageSecurity),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/sso",
        body: no_body,
        rule: Rule::Org(Permission::ManageSecurity),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/sso",
        body: saml_connection,
        rule: Rule::Org(Permission::ManageSecurity),
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/sso",
        body: no_body,
        rule: Rule::Org(Permission::ManageSecurity),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/members",
        body: no_body,
        rule: Rule::Org(Permission::ViewOrganization),
    },
    Endpoint {
        method: "PATCH",
        path: "/api/accounts/{org}/members/{target}",
        body: || json!({"role": "tech"}),
        rule: Rule::Org(Permission::ManageMembers),
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/members/{target}",
        body: no_body,
        rule: Rule::Org(Permission::ManageMembers),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/transfer-ownership",
        body: || json!({"user_id": "{target}"}),
        rule: Rule::Org(Permission::TransferOrDelete),
    },
    Endpoint {
        method: "PUT",
        path: "/api/accounts/{org}/plan",
        body: || json!({"plan": "enterprise"}),
        rule: Rule::Org(Permission::ManageBilling),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/billing",
        body: no_body,
        rule: Rule::Org(Permission::ManageBilling),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/funds",
        body: || json!({"amount_cents": 100}),
        rule: Rule::Org(Permission::ManageBilling),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/teams",
        body: no_body,
        rule: Rule::Org(Permission::ViewOrganization),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/teams",
        body: || json!({"name": "New"}),
        rule: Rule::Org(Permission::ManageTeams),
    },
    Endpoint {
        method: "PATCH",
        path: "/api/accounts/{org}/teams/{team}",
        body: || json!({"name": "Frontend"}),
        rule: Rule::Org(Permission::ManageTeams),
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/teams/{empty_team}",
        body: no_body,
        rule: Rule::Org(Permission::ManageTeams),
    },
    Endpoint {
        method: "PUT",
        path: "/api/accounts/{org}/teams/{team}/members/{target}",
        body: || json!({"role": "team_member"}),
        rule: Rule::TeamMembers,
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/teams/{team}/members/{target}",
        body: no_body,
        rule: Rule::TeamMembers,
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/invitations",
        body: no_body,
        rule: Rule::Org(Permission::ManageInvitations),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/invitations",
        body: || json!({"email": "new@acme.test", "role": "viewer"}),
        rule: Rule::Org(Permission::ManageInvitations),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/invitations/{invitation}/resend",
        body: no_body,
        rule: Rule::Org(Permission::ManageInvitations),
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/invitations/{invitation}",
        body: no_body,
        rule: Rule::Org(Permission::ManageInvitations),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/api-keys",
        body: no_body,
        rule: Rule::Org(Permission::ManageOwnApiKeys),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/api-keys",
        body: || json!({"name": "ci"}),
        rule: Rule::Org(Permission::ManageOwnApiKeys),
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/api-keys/{target_key}",
        body: no_body,
        rule: Rule::Org(Permission::RevokeAnyApiKey),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/activity",
        body: no_body,
        rule: Rule::Org(Permission::ViewActivity),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/activity/daily",
        body: no_body,
        rule: Rule::Org(Permission::ViewActivity),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/activity/export?format=json",
        body: no_body,
        rule: Rule::Org(Permission::ViewActivity),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/activity?include_descendants=true",
        body: no_body,
        rule: Rule::Org(Permission::ViewDescendants),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/children",
        body: no_body,
        rule: Rule::Org(Permission::ViewDescendants),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/children",
        body: || json!({"name": "Sub", "region": "eu-north", "billing": "own"}),
        rule: Rule::Org(Permission::ManageHierarchy),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/report?format=csv",
        body: no_body,
        rule: Rule::Org(Permission::ViewDescendants),
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/links",
        body: || json!({"child_id": "{other_org}"}),
        rule: Rule::Org(Permission::ManageHierarchy),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/link-requests",
        body: no_body,
        rule: Rule::Org(Permission::ManageHierarchy),
    },
    Endpoint {
        method: "PUT",
        path: "/api/accounts/{org}/billing-mode",
        body: || json!({"billing": "own"}),
        rule: Rule::Org(Permission::ManageHierarchy),
    },
    Endpoint {
        method: "GET",
        path: "/api/accounts/{org}/instances",
        body: no_body,
        rule: Rule::ListInstances,
    },
    Endpoint {
        method: "POST",
        path: "/api/accounts/{org}/instances",
        body: || json!({"name": "web-2", "size": "small", "team_id": "{team}"}),
        rule: Rule::CreateInstance,
    },
    Endpoint {
        method: "DELETE",
        path: "/api/accounts/{org}/instances/{instance}",
        body: no_body,
        rule: Rule::DeleteInstance,
    },
];

/// The answer `domain` gives: a success, or a status with its reason code.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    Success,
    Refused(u16, ErrorCode),
}

fn from_decision(result: Result<(), domain::Denial>) -> Expected {
    match result {
        Ok(()) => Expected::Success,
        Err(denial) => Expected::Refused(denial.code.status(), denial.code),
    }
}

fn expected(caller: Caller, endpoint: &Endpoint) -> Expected {
    let rule = endpoint.rule;
    let (role, team_role) = match caller {
        Caller::SignedOut => return Expected::Refused(401, ErrorCode::Unauthenticated),
        Caller::Foreign | Caller::ForeignKey => return Expected::Refused(404, ErrorCode::NotFound),
        Caller::Inherited(in_parent) => match inherited_role(in_parent) {
            None => return Expected::Refused(404, ErrorCode::NotFound),
            Some(role)
                if (endpoint.method, endpoint.path) == ("POST", "/api/accounts/{org}/api-keys") =>
            {
                let access = Access {
                    role,
                    inherited_from: Some(AccountId::from_uuid(uuid::Uuid::nil())),
                };
                return from_decision(
                    decide(
                        AccountKind::Organization,
                        role,
                        Permission::ManageOwnApiKeys,
                    )
                    .and_then(|()| check_direct_member(&access, "Parent")),
                );
            }
            Some(role) => (role, None),
        },
        Caller::Member(role, team_role) | Caller::Key(role, team_role) => (role, team_role),
        Caller::Unprotected(role) | Caller::UnprotectedKey(role) => {
            let request = match (endpoint.method, endpoint.path) {
                ("GET", "/api/accounts/{org}") => AccountRequest::ViewAccount,
                _ => AccountRequest::Other,
            };
            if let Err(denial) = policy_gate("Acme", true, false, request) {
                return from_decision(Err(denial));
            }
            (role, None)
        }
    };
    let org = AccountKind::Organization;
    match rule {
        Rule::Org(permission) => from_decision(decide(org, role, permission)),
        Rule::TeamMembers => from_decision(
            decide(org, role, Permission::ViewOrganization)
                .and_then(|()| decide_in_team(role, team_role, TeamPermission::ManageTeamMembers)),
        ),
        Rule::ListInstances => match grant(role, Permission::ViewResources) {
            Grant::No => from_decision(decide_in_team(
                role,
                team_role,
                TeamPermission::ViewTeamResources,
            )),
            Grant::Yes | Grant::Team => Expected::Success,
        },
        Rule::CreateInstance => from_decision(decide_in_team(
            role,
            team_role,
            TeamPermission::ManageTeamResources,
        )),
        Rule::DeleteInstance => {
            match resource_access(org, role, team_role, TeamPermission::ManageTeamResources) {
                ResourceAccess::Allowed => Expected::Success,
                ResourceAccess::Hidden => Expected::Refused(404, ErrorCode::NotFound),
                ResourceAccess::Denied(denial) => from_decision(Err(denial)),
            }
        }
    }
}

/// The ids one case's requests are filled in with.
struct Case {
    org: AccountId,
    target: String,
    invitation: String,
    team: String,
    empty_team: String,
    instance: String,
    /// A key of `{target}`'s in the organization.
    target_key: String,
    /// A pending domain of the organization.
    domain: String,
    /// An organization of the Owner's with no parent, to link.
    other_org: AccountId,
}

impl Case {
    fn fill(&self, text: &str) -> String {
        text.replace("{org}", &self.org.to_string())
            .replace("{target}", &self.target)
            .replace("{invitation}", &self.invitation)
            .replace("{empty_team}", &self.empty_team)
            .replace("{team}", &self.team)
            .replace("{instance}", &self.instance)
            .replace("{target_key}", &self.target_key)
            .replace("{domain}", &self.domain)
            .replace("{other_org}", &self.other_org.to_string())
    }
}

/// A fresh, active organization owned by `owner` with `member` in it (for a
/// member caller), so a permitted change does not spoil the next case.
async fn new_case(
    app: &TestApp,
    owner: &User,
    target: &User,
    caller: Caller,
    member: Option<&User>,
) -> Case {
    let org = match caller {
        Caller::Inherited(role) => {
            let parent = owner.create_organization("Parent", "eu-central").await;
            app.add_member(parent, member.expect("an inherited caller"), role)
                .await;
            owner.create_child(parent, "Acme", "own").await
        }
        _ => owner.create_organization("Acme", "eu-central").await,
    };
    let other_org = owner.create_organization("Other", "eu-central").await;
    owner.fund(org, 1_000).await;
    owner
        .put(
            &format!("/api/accounts/{org}/plan"),
            json!({"plan": "business"}),
        )
        .await;
    app.add_member(org, target, OrgRole::Viewer).await;
    let invitation = app
        .invite(owner, org, "pending@acme.test", OrgRole::Viewer)
        .await;
    let team = owner.create_team(org, "Web").await;
    let empty_team = owner.create_team(org, "Empty").await;
    owner.set_team_role(org, &team, target, "team_viewer").await;
    let instance: Value = owner
        .post(
            &format!("/api/accounts/{org}/instances"),
            json!({"name": "web-1", "size": "small", "team_id": team}),
        )
        .await
        .json()
        .await
        .unwrap();
    let target_key = create_key(target, org).await.0;
    let domain: Value = owner
        .post(
            &format!("/api/accounts/{org}/domains"),
            json!({"domain": "case.test"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let connected = owner
        .post(&format!("/api/accounts/{org}/sso"), saml_connection())
        .await;
    assert_eq!(connected.status(), StatusCode::OK);
    if let (Some((role, team_role)), Some(member)) = (caller.member(), member) {
        app.add_member(org, member, role).await;
        if let Some(team_role) = team_role {
            owner
                .set_team_role(org, &team, member, team_role.id())
                .await;
        }
    }
    Case {
        org,
        target: target.id.to_string(),
        invitation: invitation["id"].as_str().unwrap().to_owned(),
        team,
        empty_team,
        instance: instance["id"].as_str().unwrap().to_owned(),
        target_key,
        domain: domain["id"].as_str().unwrap().to_owned(),
        other_org,
    }
}

fn callers() -> Vec<Caller> {
    let team_roles = [
        None,
        Some(TeamRole::TeamAdmin),
        Some(TeamRole::TeamMember),
        Some(TeamRole::TeamViewer),
    ];
    let mut callers: Vec<Caller> = OrgRole::ALL
        .into_iter()
        .flat_map(|role| {
            team_roles.into_iter().flat_map(move |team_role| {
                [
                    Caller::Member(role, team_role),
                    Caller::Key(role, team_role),
                ]
            })
        })
        .collect();
    for role in OrgRole::ALL {
        callers.extend([
            Caller::Unprotected(role),
            Caller::UnprotectedKey(role),
            Caller::Inherited(role),
        ]);
    }
    callers.extend([Caller::Foreign, Caller::ForeignKey, Caller::SignedOut]);
    callers
}

#[tokio::test]
async fn every_account_endpoint_answers_each_caller_as_domain_decides() {
    let mut cells = 0;
    for caller in callers() {
        // One server per caller; a fresh organization per endpoint.
        let app = TestApp::spawn_with(|config| config.max_orgs_per_user = 1_000).await;
        let owner = app.register("olga@acme.test").await;
        let target = app.register("tara@acme.test").await;
        let member = app.register("member@acme.test").await;
        let eve = app.register("eve@evil.test").await;
        if caller.unprotected() {
            // Only an Owner with two-factor may require it.
            app.enable_two_factor(&owner).await;
        }
        let (client, as_member) = match caller {
            Caller::Member(OrgRole::Owner, None) => (owner.client.clone(), None),
            Caller::Key(OrgRole::Owner, None) => (app.anonymous(), None),
            Caller::Member(..) | Caller::Unprotected(_) | Caller::Inherited(_) => {
                (member.client.clone(), Some(&member))
            }
            Caller::Key(..) | Caller::UnprotectedKey(_) => (app.anonymous(), Some(&member)),
            Caller::Foreign => (eve.client.clone(), None),
            Caller::ForeignKey | Caller::SignedOut => (app.anonymous(), None),
        };
        let eve_key = create_key(&eve, eve.personal).await.1;
        for endpoint in ENDPOINTS {
            let team_dependent = !matches!(endpoint.rule, Rule::Org(_));
            if let Some((_, Some(_))) = caller.member() {
                if !team_dependent {
                    continue; // team roles play no part in organization-wide rules
                }
            }
            let case = new_case(&app, &owner, &target, caller, as_member).await;
            let bearer = match caller {
                Caller::Key(..) | Caller::UnprotectedKey(_) => {
                    Some(create_key(as_member.unwrap_or(&owner), case.org).await.1)
                }
                Caller::ForeignKey => Some(eve_key.clone()),
                _ => None,
            };
            if caller.unprotected() {
                // After the key: a member without two-factor cannot make one any more.
                let required = owner
                    .patch(
                        &format!("/api/accounts/{}", case.org),
                        json!({"require_two_factor": true}),
                    )
                    .await;
                assert_eq!(required.status(), StatusCode::OK);
            }
            let path = case.fill(endpoint.path);
            let body: Value =
                serde_json::from_str(&case.fill(&(endpoint.body)().to_string())).unwrap();
            let method = reqwest::Method::from_bytes(endpoint.method.as_bytes()).unwrap();
            let mut request = client.request(method, app.url(&path)).json(&body);
            if let Some(token) = &bearer {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            let what = format!("{} {} as {caller:?}", endpoint.method, endpoint.path);
            let status = response.status().as_u16();
            let answer: Value = response.json().await.unwrap_or(Value::Null);
            match expected(caller, endpoint) {
                Expected::Success => {
                    assert!((200..300).contains(&status), "{what}: {status} {answer}");
                    if let (Rule::ListInstances, Some((role, team_role))) =
                        (endpoint.rule, caller.member())
                    {
                        let sees = resource_access(
                            AccountKind::Organization,
                            role,
                            team_role,
                            TeamPermission::ViewTeamResources,
                        ) == ResourceAccess::Allowed;
                        let listed = answer["items"].as_array().unwrap().len();
                        assert_eq!(listed, usize::from(sees), "{what}: sees Web's instance");
                    }
                }
                Expected::Refused(expected_status, code) => {
                    assert_eq!(status, expected_status, "{what}: {answer}");
                    assert_eq!(answer["code"], code.as_str(), "{what}");
                }
            }
            cells += 1;
        }
    }
    assert!(cells >= 32 * 11, "every endpoint was asked ({cells} cells)");
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

/// A status and, for a problem, its code.
type Answer = (u16, Option<ErrorCode>);

/// Who calls the user's own endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Self_ {
    Verified,
    Unverified,
    /// An API key of the user's personal account: keys act only inside accounts.
    Key,
    SignedOut,
}

#[tokio::test]
async fn the_users_own_endpoints_answer_the_user_an_unverified_one_a_key_and_the_signed_out() {
    use domain::identity::check_verified;
    let app = TestApp::spawn().await;
    let (owner, org) = app.register_organization("olga@acme.test", "Acme").await;
    let invitation = app
        .invite(&owner, org, "ivy@acme.test", OrgRole::Viewer)
        .await;
    let invitation = invitation["id"].as_str().unwrap().to_owned();
    let verified = app.register("vera@acme.test").await;
    let unverified = app.register_unverified("ursula@acme.test").await;
    let (_, token) = create_key(&verified, verified.personal).await;
    let anonymous = app.anonymous();
    // What an invitation answered by id needs: a verified address (domain),
    // then the invited one (Ivy's, so everyone here gets the mismatch).
    let answer_by_id = |verified: bool| match check_verified(verified, "someone") {
        Err(denial) => (denial.code.status(), Some(denial.code)),
        Ok(()) => (403, Some(ErrorCode::InvitationEmailMismatch)),
    };
    let mut n = 0;
    let mut next_email = || {
        n += 1;
        format!("new{n}@acme.test")
    };
    for caller in [
        Self_::Verified,
        Self_::Unverified,
        Self_::Key,
        Self_::SignedOut,
    ] {
        let is_verified = caller == Self_::Verified;
        // (method, path, body, status for a signed-in user, and the code)
        let cases: Vec<(&str, String, Value, Answer)> = vec![
            ("GET", "/api/me".into(), json!({}), (200, None)),
            (
                "PATCH",
                "/api/me".into(),
                json!({"name": "Renamed"}),
                (200, None),
            ),
            (
                "PUT",
                "/api/me/email".into(),
                json!({"email": next_email(), "password": PASSWORD}),
                (202, None),
            ),
            (
                "PUT",
                "/api/me/password".into(),
                json!({"current_password": "wrong password", "new_password": "a new passphrase"}),
                (422, Some(ErrorCode::Validation)),
            ),
            (
                "POST",
                "/api/me/verification-email".into(),
                json!({}),
                if is_verified {
                    (409, Some(ErrorCode::AlreadyVerified))
                } else {
                    (202, None)
                },
            ),
            ("GET", "/api/me/sessions".into(), json!({}), (200, None)),
            (
                "DELETE",
                "/api/me/sessions/no-such-session".into(),
                json!({}),
                (404, Some(ErrorCode::NotFound)),
            ),
            ("DELETE", "/api/me/sessions".into(), json!({}), (204, None)),
            ("GET", "/api/me/deletion".into(), json!({}), (200, None)),
            (
                "DELETE",
                "/api/me".into(),
                json!({"password": "wrong password"}),
                (403, Some(ErrorCode::PasswordIncorrect)),
            ),
            // SPEC §15, for a user without two-factor.
            (
                "POST",
                "/api/me/two-factor/totp".into(),
                json!({}),
                (200, None),
            ),
            (
                "POST",
                "/api/me/two-factor/totp/confirm".into(),
                json!({"code": "000000"}),
                (422, Some(ErrorCode::TwoFactorCodeInvalid)),
            ),
            (
                "POST",
                "/api/me/two-factor/recovery-codes".into(),
                json!({"password": PASSWORD}),
                (409, Some(ErrorCode::TwoFactorRequired)),
            ),
            (
                "DELETE",
                "/api/me/two-factor".into(),
                json!({"password": "wrong password"}),
                (403, Some(ErrorCode::PasswordIncorrect)),
            ),
            (
                "GET",
                "/api/me/two-factor/passkeys".into(),
                json!({}),
                (200, None),
            ),
            (
                "POST",
                "/api/me/two-factor/passkeys/options".into(),
                json!({}),
                (409, Some(ErrorCode::TwoFactorRequired)),
            ),
            (
                "POST",
                "/api/me/two-factor/passkeys".into(),
                json!({"name": "Key", "credential": {}}),
                (409, Some(ErrorCode::TwoFactorRequired)),
            ),
            (
                "PATCH",
                "/api/me/two-factor/passkeys/no-such-passkey".into(),
                json!({"name": "Key"}),
                (404, Some(ErrorCode::NotFound)),
            ),
            (
                "DELETE",
                "/api/me/two-factor/passkeys/no-such-passkey".into(),
                json!({}),
                (404, Some(ErrorCode::NotFound)),
            ),
            ("GET", "/api/invitations".into(), json!({}), (200, None)),
            (
                "POST",
                format!("/api/invitations/{invitation}/accept"),
                json!({}),
                answer_by_id(is_verified),
            ),
            (
                "POST",
                format!("/api/invitations/{invitation}/decline"),
                json!({}),
                answer_by_id(is_verified),
            ),
        ];
        for (method, path, body, signed_in) in cases {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let request = match caller {
                Self_::Verified => verified.client.request(method.clone(), app.url(&path)),
                Self_::Unverified => unverified.client.request(method.clone(), app.url(&path)),
                Self_::Key => anonymous
                    .request(method.clone(), app.url(&path))
                    .bearer_auth(&token),
                Self_::SignedOut => anonymous.request(method.clone(), app.url(&path)),
            };
            let response = request.json(&body).send().await.unwrap();
            let (status, code) = match caller {
                Self_::Key => (403, Some(ErrorCode::Forbidden)),
                Self_::SignedOut => (401, Some(ErrorCode::Unauthenticated)),
                _ => signed_in,
            };
            assert_eq!(
                response.status().as_u16(),
                status,
                "{method} {path} as {caller:?}"
            );
            if let Some(code) = code {
                assert_problem(response, status, code).await;
            } else if path == "/api/invitations" && status == 200 {
                let page: Value = response.json().await.unwrap();
                assert_eq!(page["items"], json!([]), "nothing for {caller:?}");
            }
        }
    }
    // The public links answer everyone alike, signed in or not.
    for client in [&verified.client, &unverified.client, &anonymous] {
        let bad = json!({"token": "no-such-token", "password": "a new passphrase"});
        let verify = client
            .post(app.url("/api/auth/verify-email"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_problem(verify, 410, ErrorCode::TokenInvalid).await;
        let confirm = client
            .post(app.url("/api/auth/password-reset/confirm"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_problem(confirm, 410, ErrorCode::TokenInvalid).await;
        let reset = client
            .post(app.url("/api/auth/password-reset"))
            .json(&json!({"email": "x@acme.test"}))
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), StatusCode::ACCEPTED);
        // The second step of a sign-in needs a pending sign-in, not a session.
        for path in ["/api/auth/two-factor", "/api/auth/two-factor/passkey"] {
            let second = client
                .post(app.url(path))
                .json(&json!({"code": "123456"}))
                .send()
                .await
                .unwrap();
            assert_problem(second, 401, ErrorCode::Unauthenticated).await;
        }
    }
}
