//! Handlers of the fund operations.

pub(crate) mod wire;

use axum::{Json, extract::State};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, Retry, WireJson, WireQuery},
};

/// `ListPartnerBalances`: the caller's balances, or its reseller's with `indirect_partner_id`.
#[utoipa::path(get, path = "/v2/accounts/partner-accounts/balances", operation_id = "ListPartnerBalances",
    security(("partner" = ["BPC_ITEM_VIEW_010100", "BPC_ITEM_SUBCUSTSERV_010103", "BPC_ITEM_SUBCUSTSERV_010104", "BPC_ITEM_SALES_020104", "BPC_ITEM_SALES_020105"])),
    tag = "funds", params(wire::ListPartnerBalancesRequest),
    responses((status = 200, body = wire::ListPartnerBalancesResponse)))]
pub(crate) async fn list_partner_balances(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListPartnerBalancesRequest>,
) -> Result<Json<wire::ListPartnerBalancesResponse>, ApiError> {
    let indirect_partner_id = req.indirect_partner_id()?;
    let accounts =
        app.engine.list_partner_balances(&caller, indirect_partner_id.as_deref()).await?;
    Ok(Json(accounts.into()))
}

/// `ShowCustomerAccountBalances`: the calling customer's own balances.
#[utoipa::path(get, path = "/v2/accounts/customer-accounts/balances",
    operation_id = "ShowCustomerAccountBalances",
    security(("customer" = [])), tag = "funds",
    responses((status = 200, body = wire::ShowCustomerAccountBalancesResponse)))]
pub(crate) async fn show_customer_account_balances(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::ShowCustomerAccountBalancesResponse>, ApiError> {
    let balances = app.engine.show_customer_account_balances(&caller).await?;
    Ok(Json(wire::ShowCustomerAccountBalancesResponse::from(balances)))
}

/// `UpdateCustomerAccountAmount`: fund a reseller-association customer.
#[utoipa::path(post, path = "/v2/accounts/partner-accounts/adjust-amount",
    operation_id = "UpdateCustomerAccountAmount",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010103"])), tag = "funds", request_body = wire::AdjustAccountReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransferIdResponse)))]
pub(crate) async fn update_customer_account_amount(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    Retry(retry): Retry,
    WireJson(req): WireJson<wire::AdjustAccountReq>,
) -> Result<Json<wire::TransferIdResponse>, ApiError> {
    let request = req.try_into()?;
    let transfer_id = app.engine.update_customer_account_amount(&caller, request, retry).await?;
    Ok(Json(wire::TransferIdResponse { transfer_id }))
}

/// `ReclaimToPartnerAccount`: take money back from a reseller-association customer.
#[utoipa::path(post, path = "/v2/accounts/partner-accounts/reclaim",
    operation_id = "ReclaimToPartnerAccount",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010104"])), tag = "funds",
    request_body = wire::ReclaimToPartnerAccountBalancesReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransIdResponse)))]
pub(crate) async fn reclaim_to_partner_account(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    Retry(retry): Retry,
    WireJson(req): WireJson<wire::ReclaimToPartnerAccountBalancesReq>,
) -> Result<Json<wire::TransIdResponse>, ApiError> {
    let request = req.try_into()?;
    let trans_id = app.engine.reclaim_to_partner_account(&caller, request, retry).await?;
    Ok(Json(wire::TransIdResponse { trans_id }))
}

/// `UpdateIndirectPartnerAccount`: a distributor funds its reseller.
#[utoipa::path(post, path = "/v2/accounts/partner-accounts/indirect-partner-adjust",
    operation_id = "UpdateIndirectPartnerAccount",
    security(("partner" = ["BPC_ITEM_SALES_020104"])), tag = "funds",
    request_body = wire::AdjustToIndirectPartnerReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransferIdResponse)))]
pub(crate) async fn update_indirect_partner_account(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    Retry(retry): Retry,
    WireJson(req): WireJson<wire::AdjustToIndirectPartnerReq>,
) -> Result<Json<wire::TransferIdResponse>, ApiError> {
    let request = req.try_into()?;
    let transfer_id = app.engine.update_indirect_partner_account(&caller, request, retry).await?;
    Ok(Json(wire::TransferIdResponse { transfer_id }))
}

/// `ReclaimIndirectPartnerAccount`: a distributor takes money back from its reseller.
#[utoipa::path(post, path = "/v2/accounts/partner-accounts/indirect-partner-reclaim",
    operation_id = "ReclaimIndirectPartnerAccount",
    security(("partner" = ["BPC_ITEM_SALES_020105"])), tag = "funds",
    request_body = wire::ReclaimIndirectPartnerAccountReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransIdResponse)))]
pub(crate) async fn reclaim_indirect_partner_account(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    Retry(retry): Retry,
    WireJson(req): WireJson<wire::ReclaimIndirectPartnerAccountReq>,
) -> Result<Json<wire::TransIdResponse>, ApiError> {
    let request = req.try_into()?;
    let trans_id = app.engine.reclaim_indirect_partner_account(&caller, request, retry).await?;
    Ok(Json(wire::TransIdResponse { trans_id }))
}

/// `ListCustomersBalancesDetail`: the balances of several reseller-association customers.
#[utoipa::path(post, path = "/v2/accounts/customer-accounts/balances/batch-query",
    operation_id = "ListCustomersBalancesDetail",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010103", "BPC_ITEM_SUBCUSTSERV_010104", "BPC_ITEM_SUBCUSTSERV_010100"])), tag = "funds",
    request_body = wire::QueryCustomersBalancesReq,
    responses((status = 200, body = wire::ListCustomersBalancesDetailResponse)))]
pub(crate) async fn list_customers_balances_detail(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::QueryCustomersBalancesReq>,
) -> Result<Json<wire::ListCustomersBalancesDetailResponse>, ApiError> {
    let (ids, indirect) = req.try_into()?;
    let balances =
        app.engine.list_customers_balances_detail(&caller, ids, indirect.as_deref()).await?;
    Ok(Json(balances.into()))
}

/// `ListPartnerAdjustRecords`: adjusts and reclaims, newest first.
#[utoipa::path(get, path = "/v3/accounts/partner-accounts/adjust-records",
    operation_id = "ListPartnerAdjustRecords",
    security(("partner" = ["BPC_ITEM_FINANCE_040100"])), tag = "funds",
    params(wire::ListPartnerAdjustRecordsRequest),
    responses((status = 200, body = wire::ListPartnerAdjustRecordsResponse)))]
pub(crate) async fn list_partner_adjust_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListPartnerAdjustRecordsRequest>,
) -> Result<Json<wire::ListPartnerAdjustRecordsResponse>, ApiError> {
    let query = req.try_into()?;
    Ok(Json(app.engine.list_partner_adjust_records(&caller, query).await?.into()))
}

/// `ListPartnerAccountChangeRecords`: the partner account's income and expense.
#[utoipa::path(get, path = "/v2/accounts/partner-accounts/account-change-records",
    operation_id = "ListPartnerAccountChangeRecords",
    security(("partner" = ["BPC_ITEM_FINANCE_030100"])), tag = "funds",
    params(wire::ListPartnerAccountChangeRecordsRequest),
    responses((status = 200, body = wire::ListPartnerAccountChangeRecordsResponse)))]
pub(crate) async fn list_partner_account_change_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListPartnerAccountChangeRecordsRequest>,
) -> Result<Json<wire::ListPartnerAccountChangeRecordsResponse>, ApiError> {
    let query = req.try_into()?;
    Ok(Json(app.engine.list_partner_account_change_records(&caller, query).await?.into()))
}

/// `ListCustomerAccountChangeRecords`: the calling customer's income and expense.
#[utoipa::path(get, path = "/v2/accounts/customer-accounts/account-change-records",
    operation_id = "ListCustomerAccountChangeRecords",
    security(("customer" = [])), tag = "funds",
    params(wire::ListCustomerAccountChangeRecordsRequest),
    responses((status = 200, body = wire::ListCustomerAccountChangeRecordsResponse)))]
pub(crate) async fn list_customer_account_change_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListCustomerAccountChangeRecordsRequest>,
) -> Result<Json<wire::ListCustomerAccountChangeRecordsResponse>, ApiError> {
    let query = req.try_into()?;
    let changes = app.engine.list_customer_account_change_records(&caller, query).await?;
    Ok(Json(changes.into()))
}

/// The funds operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_partner_balances))
        .routes(routes!(show_customer_account_balances))
        .routes(routes!(update_customer_account_amount))
        .routes(routes!(reclaim_to_partner_account))
        .routes(routes!(update_indirect_partner_account))
        .routes(routes!(reclaim_indirect_partner_account))
        .routes(routes!(list_customers_balances_detail))
        .routes(routes!(list_partner_adjust_records))
        .routes(routes!(list_partner_account_change_records))
        .routes(routes!(list_customer_account_change_records))
}
