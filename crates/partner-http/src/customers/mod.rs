//! Handlers of the sub-customer operations.

pub(crate) mod wire;

use axum::{Json, extract::State};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, Retry, WireJson},
};

/// `ListSubCustomers`: the caller's customers, or its reseller's with `indirect_partner_id`.
#[utoipa::path(post, path = "/v2/partners/sub-customers/query", operation_id = "ListSubCustomers",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010100", "BPC_ITEM_SUBCUSTSERV_010500"])),
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

/// `CheckUserIdentity`: whether a login name, e-mail address or mobile number is free to
/// register a customer with. Flow control 5 per second (customers.md §11).
#[utoipa::path(post, path = "/v2/partners/sub-customers/users/check-identity",
    operation_id = "CheckUserIdentity",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010118"])),
    extensions(("x-flow-control-per-second" = json!(5))),
    tag = "customers", request_body = wire::CheckSubcustomerUserReq,
    responses((status = 200, body = wire::CheckUserIdentityResponse)))]
pub(crate) async fn check_user_identity(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::CheckSubcustomerUserReq>,
) -> Result<Json<wire::CheckUserIdentityResponse>, ApiError> {
    let query = req.into();
    Ok(Json(app.engine.check_user_identity(&caller, query).await?.into()))
}

/// `CreateSubCustomer`: registers a customer for a user of the partner's sales platform and
/// associates it with the caller (or its reseller). `X-Idempotency-Key` makes a retry answer
/// like the first call.
#[utoipa::path(post, path = "/v2/partners/sub-customers", operation_id = "CreateSubCustomer",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010118"])),
    tag = "customers", request_body = wire::CreateCustomerV2Req,
    responses((status = 200, body = wire::CreateSubCustomerResponse)))]
pub(crate) async fn create_sub_customer(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    Retry(retry): Retry,
    WireJson(req): WireJson<wire::CreateCustomerV2Req>,
) -> Result<Json<wire::CreateSubCustomerResponse>, ApiError> {
    let request = req.try_into()?;
    Ok(Json(app.engine.create_sub_customer(&caller, request, retry).await?.into()))
}

/// `ListSubCustomerNewTag`: the SMB new-customer tag of the caller's (or its reseller's)
/// customers.
#[utoipa::path(post, path = "/v2/partners/sub-customers/new-customers-tags/batch-query",
    operation_id = "ListSubCustomerNewTag",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010100"])),
    tag = "customers", request_body = wire::ListSubCustomerNewTagReq,
    responses((status = 200, body = wire::ListSubCustomerNewTagResponse)))]
pub(crate) async fn list_sub_customer_new_tag(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::ListSubCustomerNewTagReq>,
) -> Result<Json<wire::ListSubCustomerNewTagResponse>, ApiError> {
    let query = req.try_into()?;
    Ok(Json(app.engine.list_sub_customer_new_tag(&caller, query).await?.into()))
}

/// The customers operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sub_customers))
        .routes(routes!(check_user_identity))
        .routes(routes!(create_sub_customer))
        .routes(routes!(list_sub_customer_new_tag))
}
