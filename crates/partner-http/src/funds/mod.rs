//! Handlers of the fund operations.

pub(crate) mod wire;

use axum::{Json, extract::State};

use partner_domain::funds::{AccountKind, AdjustRecordFilter, Direction, TransferKind};
use partner_engine::funds::{AccountChangeQuery, AdjustRecordQuery};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, IdempotencyKey, WireJson, WireQuery},
    wire::{bounded, parse_date, utc_filter},
};

/// `ListPartnerBalances`: the caller's balances, or its reseller's with `indirect_partner_id`.
#[utoipa::path(get, path = "/v2/accounts/partner-accounts/balances", operation_id = "ListPartnerBalances",
    tag = "funds", params(wire::ListPartnerBalancesRequest),
    responses((status = 200, body = wire::ListPartnerBalancesResponse)))]
pub(crate) async fn list_partner_balances(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListPartnerBalancesRequest>,
) -> Result<Json<wire::ListPartnerBalancesResponse>, ApiError> {
    let indirect_partner_id = bounded("indirect_partner_id", req.indirect_partner_id, 64)?;
    let accounts =
        app.engine.list_partner_balances(&caller, indirect_partner_id.as_deref()).await?;
    Ok(Json(wire::ListPartnerBalancesResponse::from(accounts)))
}

/// `ShowCustomerAccountBalances`: the calling customer's own balances.
#[utoipa::path(get, path = "/v2/accounts/customer-accounts/balances",
    operation_id = "ShowCustomerAccountBalances", tag = "funds",
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
    operation_id = "UpdateCustomerAccountAmount", tag = "funds", request_body = wire::AdjustAccountReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransferIdResponse)))]
pub(crate) async fn update_customer_account_amount(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    IdempotencyKey(key): IdempotencyKey,
    WireJson(req): WireJson<wire::AdjustAccountReq>,
) -> Result<Json<wire::TransferIdResponse>, ApiError> {
    let indirect = bounded("indirect_partner_id", req.indirect_partner_id, 64)?;
    let transfer_id = app
        .engine
        .update_customer_account_amount(&caller, req.customer_id, req.amount.0, indirect, key)
        .await?;
    Ok(Json(wire::TransferIdResponse { transfer_id }))
}

/// `ReclaimToPartnerAccount`: take money back from a reseller-association customer.
#[utoipa::path(post, path = "/v2/accounts/partner-accounts/reclaim",
    operation_id = "ReclaimToPartnerAccount", tag = "funds",
    request_body = wire::ReclaimToPartnerAccountBalancesReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransIdResponse)))]
pub(crate) async fn reclaim_to_partner_account(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    IdempotencyKey(key): IdempotencyKey,
    WireJson(req): WireJson<wire::ReclaimToPartnerAccountBalancesReq>,
) -> Result<Json<wire::TransIdResponse>, ApiError> {
    let indirect = bounded("indirect_partner_id", req.indirect_partner_id, 64)?;
    let trans_id = app
        .engine
        .reclaim_to_partner_account(&caller, req.customer_id, req.amount.0, indirect, key)
        .await?;
    Ok(Json(wire::TransIdResponse { trans_id }))
}

/// `UpdateIndirectPartnerAccount`: a distributor funds its reseller.
#[utoipa::path(post, path = "/v2/accounts/partner-accounts/indirect-partner-adjust",
    operation_id = "UpdateIndirectPartnerAccount", tag = "funds",
    request_body = wire::AdjustToIndirectPartnerReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransferIdResponse)))]
pub(crate) async fn update_indirect_partner_account(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    IdempotencyKey(key): IdempotencyKey,
    WireJson(req): WireJson<wire::AdjustToIndirectPartnerReq>,
) -> Result<Json<wire::TransferIdResponse>, ApiError> {
    let transfer_id = app
        .engine
        .update_indirect_partner_account(&caller, req.indirect_partner_id, req.amount.0, key)
        .await?;
    Ok(Json(wire::TransferIdResponse { transfer_id }))
}

/// `ReclaimIndirectPartnerAccount`: a distributor takes money back from its reseller.
#[utoipa::path(post, path = "/v2/accounts/partner-accounts/indirect-partner-reclaim",
    operation_id = "ReclaimIndirectPartnerAccount", tag = "funds",
    request_body = wire::ReclaimIndirectPartnerAccountReq,
    params(("X-Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key gets the first answer")),
    responses((status = 200, body = wire::TransIdResponse)))]
pub(crate) async fn reclaim_indirect_partner_account(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    IdempotencyKey(key): IdempotencyKey,
    WireJson(req): WireJson<wire::ReclaimIndirectPartnerAccountReq>,
) -> Result<Json<wire::TransIdResponse>, ApiError> {
    let trans_id = app
        .engine
        .reclaim_indirect_partner_account(&caller, req.indirect_partner_id, req.amount.0, key)
        .await?;
    Ok(Json(wire::TransIdResponse { trans_id }))
}

/// `ListCustomersBalancesDetail`: the balances of several reseller-association customers.
#[utoipa::path(post, path = "/v2/accounts/customer-accounts/balances/batch-query",
    operation_id = "ListCustomersBalancesDetail", tag = "funds",
    request_body = wire::QueryCustomersBalancesReq,
    responses((status = 200, body = wire::ListCustomersBalancesDetailResponse)))]
pub(crate) async fn list_customers_balances_detail(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::QueryCustomersBalancesReq>,
) -> Result<Json<wire::ListCustomersBalancesDetailResponse>, ApiError> {
    let indirect = bounded("indirect_partner_id", req.indirect_partner_id, 64)?;
    let ids = req.customer_infos.into_iter().map(|c| c.customer_id).collect();
    let balances =
        app.engine.list_customers_balances_detail(&caller, ids, indirect.as_deref()).await?;
    Ok(Json(balances.into()))
}

/// `ListPartnerAdjustRecords`: adjusts and reclaims, newest first.
#[utoipa::path(get, path = "/v3/accounts/partner-accounts/adjust-records",
    operation_id = "ListPartnerAdjustRecords", tag = "funds",
    params(wire::ListPartnerAdjustRecordsRequest),
    responses((status = 200, body = wire::ListPartnerAdjustRecordsResponse)))]
pub(crate) async fn list_partner_adjust_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListPartnerAdjustRecordsRequest>,
) -> Result<Json<wire::ListPartnerAdjustRecordsResponse>, ApiError> {
    let operation = bounded("operation_type", req.operation_type, 64)?;
    let kind = match operation.as_deref() {
        None | Some(wire::BEUNBIND) => None,
        Some(wire::BEADJUST) => Some(TransferKind::Adjust),
        Some(wire::BERETRIEVE) => Some(TransferKind::Reclaim),
        Some(other) => {
            return Err(ApiError::parameter(format!(
                "invalid parameter operation_type: {other:?}"
            )));
        }
    };
    let query = AdjustRecordQuery {
        filter: AdjustRecordFilter {
            counterparty: bounded("customer_id", req.customer_id, 64)?,
            kind,
            from: utc_filter(
                "operation_time_begin",
                bounded("operation_time_begin", req.operation_time_begin, 20)?.as_deref(),
            )?,
            to: utc_filter(
                "operation_time_end",
                bounded("operation_time_end", req.operation_time_end, 20)?.as_deref(),
            )?,
            transfer_id: bounded("trans_id", req.trans_id, 128)?,
        },
        unbind_only: operation.as_deref() == Some(wire::BEUNBIND),
        offset: req.offset,
        limit: req.limit,
        indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
    };
    Ok(Json(app.engine.list_partner_adjust_records(&caller, query).await?.into()))
}

/// `ListPartnerAccountChangeRecords`: the partner account's income and expense.
#[utoipa::path(get, path = "/v2/accounts/partner-accounts/account-change-records",
    operation_id = "ListPartnerAccountChangeRecords", tag = "funds",
    params(wire::ListPartnerAccountChangeRecordsRequest),
    responses((status = 200, body = wire::ListPartnerAccountChangeRecordsResponse)))]
pub(crate) async fn list_partner_account_change_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListPartnerAccountChangeRecordsRequest>,
) -> Result<Json<wire::ListPartnerAccountChangeRecordsResponse>, ApiError> {
    let query = AccountChangeQuery {
        account: wire::balance_type(req.balance_type.as_deref())?.unwrap_or(AccountKind::Cash),
        kinds: wire::trade_type(req.trade_type.as_deref())?,
        direction: None,
        trade_id: None,
        begin: parse_date("trade_time_begin", req.trade_time_begin.as_deref())?,
        end: parse_date("trade_time_end", req.trade_time_end.as_deref())?,
        offset: req.offset,
        limit: req.limit,
        indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
    };
    Ok(Json(app.engine.list_partner_account_change_records(&caller, query).await?.into()))
}

/// `ListCustomerAccountChangeRecords`: the calling customer's income and expense.
#[utoipa::path(get, path = "/v2/accounts/customer-accounts/account-change-records",
    operation_id = "ListCustomerAccountChangeRecords", tag = "funds",
    params(wire::ListCustomerAccountChangeRecordsRequest),
    responses((status = 200, body = wire::ListCustomerAccountChangeRecordsResponse)))]
pub(crate) async fn list_customer_account_change_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListCustomerAccountChangeRecordsRequest>,
) -> Result<Json<wire::ListCustomerAccountChangeRecordsResponse>, ApiError> {
    let account = wire::balance_type(req.balance_type.as_deref())?
        .ok_or_else(|| ApiError::parameter("invalid parameter balance_type: required"))?;
    let direction = match req.revenue_expense_type.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some("REVENUE") => Some(Direction::Income),
        Some("EXPENSE") => Some(Direction::Expense),
        Some(other) => {
            return Err(ApiError::parameter(format!(
                "invalid parameter revenue_expense_type: {other:?}"
            )));
        }
    };
    let query = AccountChangeQuery {
        account,
        kinds: wire::trade_type(req.trade_type.as_deref())?,
        direction,
        trade_id: bounded("trade_id", req.trade_id, 128)?,
        begin: parse_date("trade_time_begin", req.trade_time_begin.as_deref())?,
        end: parse_date("trade_time_end", req.trade_time_end.as_deref())?,
        offset: req.offset,
        limit: req.limit,
        indirect_partner_id: None,
    };
    let changes = app.engine.list_customer_account_change_records(&caller, query).await?;
    Ok(Json(wire::ListCustomerAccountChangeRecordsResponse::new(
        changes.entries,
        &changes.account_name,
    )))
}
