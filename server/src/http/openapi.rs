//! The OpenAPI 3.1 document at `/api/openapi.json`, generated from the handlers'
//! annotations and `domain`'s types.

use super::state::AppState;
use super::{
    accounts, activity, api_keys, auth, billing, catalog, domains, hierarchy, instances,
    invitations, me, members, ops, sso, teams, two_factor,
};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Orgspace API", description = "Organizations, members, roles and billing for a cloud console. Errors are RFC 9457 problem+json with a `code`."),
    paths(
        auth::register, auth::login, auth::logout, auth::verify_email, auth::request_password_reset,
        auth::confirm_password_reset,
        me::me, me::update_profile, me::change_password, me::change_email, me::resend_verification,
        me::list_sessions, me::revoke_session, me::revoke_other_sessions, me::get_deletion_plan, me::delete_me,
        two_factor::start_totp, two_factor::confirm_totp, two_factor::new_codes, two_factor::turn_off,
        two_factor::list_passkeys, two_factor::passkey_options, two_factor::add_passkey,
        two_factor::rename_passkey, two_factor::delete_passkey,
        two_factor::passkey_challenge, two_factor::second_factor,
        accounts::list_accounts, accounts::create_account, accounts::get_account,
        accounts::update_account, accounts::delete_account, accounts::leave_account,
        hierarchy::create_child, hierarchy::list_children, hierarchy::report, hierarchy::link,
        hierarchy::unlink, hierarchy::list_link_requests, hierarchy::accept_link_request,
        hierarchy::decline_link_request, hierarchy::change_billing_mode,
        domains::list_domains, domains::add_domain, domains::verify_domain, domains::remove_domain,
        sso::get_connection, sso::save, sso::remove, sso::start, sso::callback,
        sso::saml_metadata, sso::saml_acs,
        members::list_members, members::change_member_role, members::remove_member,
        members::transfer_ownership,
        invitations::create_invitation, invitations::list_invitations, invitations::resend_invitation,
        invitations::revoke_invitation, invitations::list_my_invitations, invitations::accept_invitation,
        invitations::accept_invitation_token, invitations::preview_invitation, invitations::decline_invitation,
        teams::list_teams, teams::create_team, teams::rename_team, teams::delete_team, teams::set_team_member, teams::remove_team_member,
        instances::list_instances, instances::create_instance, instances::delete_instance,
        billing::get_billing, billing::add_funds, billing::change_plan,
        api_keys::list_keys, api_keys::create_key, api_keys::revoke_key,
        activity::list_activity, activity::daily_activity, activity::export_activity,
        catalog::list_regions, catalog::list_plans, catalog::list_roles,
        ops::healthz, ops::readyz, ops::metrics,
    ),
    modifiers(&Security, &SharedErrors),
    security(("session" = []), ("api_key" = [])),
    tags(
        (name = "auth", description = "Signing up, in and out; the links mailed to verify an address or reset a password"),
        (name = "me", description = "The signed-in user: profile, email, password, sessions, deleting the user"),
        (name = "two-factor", description = "Second factors (authenticator app, passkeys, recovery codes) and signing in with one"),
        (name = "accounts", description = "Personal accounts and organizations"),
        (name = "hierarchy", description = "Child and linked organizations: inherited access, shared billing and the roll-up"),
        (name = "domains", description = "Domains an organization proves it owns, by a DNS TXT record"),
        (name = "sso", description = "Single sign-on: an organization's OpenID Connect or SAML 2.0 identity provider, and signing in through it"),
        (name = "members", description = "Members and ownership of an organization"),
        (name = "invitations", description = "Inviting people and answering invitations"),
        (name = "teams", description = "Teams and team roles"),
        (name = "billing", description = "Status, credit, funds, seats and the plan"),
        (name = "instances", description = "Instances, the resources teams own"),
        (name = "api-keys", description = "API keys: `Authorization: Bearer {key id}.{secret}` acts with the owner's current permissions in the key's account only"),
        (name = "activity", description = "The account's append-only activity log"),
        (name = "catalogues", description = "Regions, plans and roles"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

/// The two ways to authenticate: the session cookie (the app) and an API key.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::extract::SESSION_COOKIE,
                "Set by sign-in and registration.",
            ))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("{key id}.{secret}")
                    .description(Some(
                        "An API key's token. It acts with its owner's current permissions in the key's account only.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The operations anyone may call, without a session or key.
pub const PUBLIC: [&str; 13] = [
    "/api/auth/register",
    "/api/auth/login",
    "/api/auth/logout",
    "/api/auth/verify-email",
    "/api/auth/password-reset",
    "/api/auth/password-reset/confirm",
    "/api/invitations/preview",
    "/api/regions",
    "/api/plans",
    "/api/roles",
    "/healthz",
    "/readyz",
    "/metrics",
];

/// What the extractors and the account lookup answer for every operation, so
/// each handler's annotation need not repeat it: public operations need no
/// credentials; the others may answer 401; outside an account, 403 to an API
/// key; inside `/api/accounts/{id}`, 404 for an account the caller cannot see;
/// a JSON body may be malformed (400) or of the wrong shape (422); query
/// parameters may be invalid (422). All as problem+json.
struct SharedErrors;

impl utoipa::Modify for SharedErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::security::SecurityRequirement;
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = PUBLIC.contains(&path.as_str());
            let in_account = path.starts_with("/api/accounts/{id}");
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem(description));
                };
                if public {
                    operation.security = Some(vec![SecurityRequirement::default()]);
                } else {
                    add("401", "`unauthenticated`: no valid session or API key");
                    if in_account {
                        add(
                            "404",
                            "`not_found`: no such account, or not one of the caller's",
                        );
                    } else {
                        add(
                            "403",
                            "`forbidden`: an API key acts only inside its own account",
                        );
                    }
                }
                if operation.request_body.is_some() {
                    add(
                        "400",
                        "`validation`: the body is not JSON, or not sent as application/json",
                    );
                    add(
                        "422",
                        "`validation`: every invalid field is listed in `errors`",
                    );
                }
                let has_query = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query));
                if has_query {
                    add(
                        "422",
                        "`validation`: every invalid parameter is listed in `errors`",
                    );
                }
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi_json))
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
