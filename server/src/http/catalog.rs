//! Catalogues: regions, plans and roles. They need no sign-in.

use super::state::AppState;
use axum::routing::get;
use axum::{Json, Router};
use domain::api::{PlanInfo, RegionInfo, RolesCatalog};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list_regions))
        .route("/plans", get(list_plans))
        .route("/roles", get(list_roles))
}

/// Where an organization's data can live.
#[utoipa::path(get, path = "/api/regions", tag = "catalogues", responses((status = 200, description = "The region catalogue", body = Vec<RegionInfo>)))]
pub async fn list_regions() -> Json<Vec<RegionInfo>> {
    Json(RegionInfo::catalog())
}

/// Plans and their member limits (`max_members: null` is unlimited).
#[utoipa::path(get, path = "/api/plans", tag = "catalogues", responses((status = 200, description = "The plan catalogue", body = Vec<PlanInfo>)))]
pub async fn list_plans() -> Json<Vec<PlanInfo>> {
    Json(PlanInfo::catalog())
}

/// Roles and both permission tables.
#[utoipa::path(get, path = "/api/roles", tag = "catalogues", responses((status = 200, description = "Roles and permissions", body = RolesCatalog)))]
pub async fn list_roles() -> Json<RolesCatalog> {
    Json(RolesCatalog::build())
}
