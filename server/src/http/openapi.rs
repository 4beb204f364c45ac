//! The OpenAPI 3.1 document at `/api/openapi.json`, generated from the handlers'
//! annotations and `domain`'s types.

use super::{
    accounts, activity, api_keys, auth, billing, catalog, instances, invitations, members, ops,
    teams, AppState,
};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Orgspace API", description = "Organizations, members, roles and billing for a cloud console. Errors are RFC 9457 problem+json with a `code`."),
    paths(
        auth::register, auth::login, auth::logout, auth::me, auth::change_password,
        accounts::list_accounts, accounts::create_account, accounts::get_account,
        accounts::update_account, accounts::delete_account, accounts::leave_account,
        members::list_members, members::change_member_role, members::remove_member,
        members::transfer_ownership, members::change_plan, members::list_teams,
        invitations::create_invitation, invitations::list_invitations, invitations::resend_invitation,
        invitations::revoke_invitation, invitations::list_my_invitations, invitations::accept_invitation,
        invitations::accept_invitation_token, invitations::preview_invitation, invitations::decline_invitation,
        teams::create_team, teams::rename_team, teams::delete_team, teams::set_team_member, teams::remove_team_member,
        instances::list_instances, instances::create_instance, instances::delete_instance,
        billing::get_billing, billing::add_funds,
        api_keys::list_keys, api_keys::create_key, api_keys::revoke_key,
        activity::list_activity, activity::daily_activity, activity::export_activity,
        catalog::list_regions, catalog::list_plans, catalog::list_roles,
        ops::healthz, ops::readyz, ops::metrics,
    ),
    modifiers(&Security),
    security(("session" = []), ("api_key" = [])),
    tags(
        (name = "auth", description = "Registration and sessions"),
        (name = "accounts", description = "Personal accounts and organizations"),
        (name = "members", description = "Members, ownership, plan and teams of an organization"),
        (name = "invitations", description = "Inviting people and answering invitations"),
        (name = "teams", description = "Teams and team roles"),
        (name = "billing", description = "Status, credit, funds and seats"),
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

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi_json))
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The errors most endpoints share, documented once (RFC 9457 problem+json).
pub mod problems {
    use domain::Problem;
    use utoipa::IntoResponses;

    /// `unauthenticated`: no valid session or API key (the detail says which and why).
    #[derive(IntoResponses)]
    #[response(status = 401, content_type = "application/problem+json")]
    pub struct Unauthenticated(#[allow(dead_code)] pub Problem);

    /// `forbidden`: a member lacking the permission; the detail says who may.
    #[derive(IntoResponses)]
    #[response(status = 403, content_type = "application/problem+json")]
    pub struct Forbidden(#[allow(dead_code)] pub Problem);

    /// `not_found`: missing, or not visible to the caller (non-members get this, never 403).
    #[derive(IntoResponses)]
    #[response(status = 404, content_type = "application/problem+json")]
    pub struct NotFound(#[allow(dead_code)] pub Problem);

    /// `validation`: every invalid field is listed in `errors`.
    #[derive(IntoResponses)]
    #[response(status = 422, content_type = "application/problem+json")]
    pub struct Invalid(#[allow(dead_code)] pub Problem);
}
