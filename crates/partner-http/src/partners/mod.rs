//! Handlers of the partner-hierarchy operations.

pub(crate) mod wire;

use axum::{Json, extract::State};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson},
};

/// `ListIndirectPartners`: a distributor's tier-2 resellers.
#[utoipa::path(post, path = "/v2/partners/indirect-partners/query", operation_id = "ListIndirectPartners",
    security(("partner" = ["BPC_ITEM_SALES_020100"])),
    tag = "partners", request_body = wire::QueryIndirectPartnersReq,
    responses((status = 200, body = wire::ListIndirectPartnersResponse)))]
pub(crate) async fn list_indirect_partners(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::QueryIndirectPartnersReq>,
) -> Result<Json<wire::ListIndirectPartnersResponse>, ApiError> {
    let query = req.try_into()?;
    Ok(Json(app.engine.list_indirect_partners(&caller, query).await?.into()))
}

/// The partners operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_indirect_partners))
}
