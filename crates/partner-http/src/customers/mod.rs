//! Handlers of the sub-customer operations.

pub(crate) mod wire;

use axum::{Json, extract::State};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson},
};

/// `ListSubCustomers`: the caller's customers, or its reseller's with `indirect_partner_id`.
#[utoipa::path(post, path = "/v2/partners/sub-customers/query", operation_id = "ListSubCustomers",
    security(("partner" = [])),
    tag = "customers", request_body = wire::QuerySubCustomerListReq,
    responses((status = 200, body = wire::ListSubCustomersResponse)))]
pub(crate) async fn list_sub_customers(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::QuerySubCustomerListReq>,
) -> Result<Json<wire::ListSubCustomersResponse>, ApiError> {
    let query = req.try_into()?;
    Ok(Json(app.engine.list_sub_customers(&caller, query).await?.into()))
}

/// The customers operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_sub_customers))
}
