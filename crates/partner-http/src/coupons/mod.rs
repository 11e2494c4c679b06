//! Handlers of the coupon operations: quotas, partner coupons, and a customer's coupons.

pub(crate) mod wire;

use axum::{Json, extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson, WirePath, WireQuery},
};

/// `ListQuotaCoupons`: the acting partner's coupon quotas of one type.
#[utoipa::path(post, path = "/v2/partners/coupon-quotas/query", operation_id = "ListQuotaCoupons",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030100"])), tag = "coupons",
    request_body = wire::QueryCouponQuotasReqExt,
    responses((status = 200, body = wire::ListQuotaCouponsResponse)))]
pub(crate) async fn list_quota_coupons(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::QueryCouponQuotasReqExt>,
) -> Result<Json<wire::ListQuotaCouponsResponse>, ApiError> {
    let listed = app.engine.list_quota_coupons(&caller, req.try_into()?).await?;
    Ok(Json(wire::ListQuotaCouponsResponse::of(listed.page, listed.now)))
}

/// `UpdateCouponQuotas`: a distributor grants part of a quota to up to 100 resellers.
#[utoipa::path(post, path = "/v2/partners/coupon-quotas/indirect-partner-adjust",
    operation_id = "UpdateCouponQuotas",
    security(("partner" = ["BPC_ITEM_SALES_020106", "BPC_ITEM_SUBCUSTSERV_030104"])), tag = "coupons",
    request_body = wire::AdjustCouponQuotasReq,
    responses((status = 200, body = wire::UpdateCouponQuotasResponse)))]
pub(crate) async fn update_coupon_quotas(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::AdjustCouponQuotasReq>,
) -> Result<Json<wire::UpdateCouponQuotasResponse>, ApiError> {
    let outcome = app.engine.update_coupon_quotas(&caller, req.try_into()?).await?;
    Ok(Json(outcome.into()))
}

/// `ReclaimCouponQuotas`: a distributor takes back what is left of up to 10 resellers' quotas.
#[utoipa::path(post, path = "/v2/partners/coupon-quotas/indirect-partner-reclaim",
    operation_id = "ReclaimCouponQuotas",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030601", "BPC_ITEM_SUBCUSTSERV_030602"])),
    tag = "coupons", request_body = wire::ReclaimCouponQuotasReq,
    responses((status = 200, body = wire::ReclaimCouponQuotasResponse)))]
pub(crate) async fn reclaim_coupon_quotas(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::ReclaimCouponQuotasReq>,
) -> Result<Json<wire::ReclaimCouponQuotasResponse>, ApiError> {
    let outcome = app.engine.reclaim_coupon_quotas(&caller, req.try_into()?).await?;
    Ok(Json(outcome.into()))
}

/// `ListIssuedCouponQuotas`: the quotas a distributor granted its resellers.
#[utoipa::path(get, path = "/v2/partners/issued-coupon-quotas", operation_id = "ListIssuedCouponQuotas",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030600"])), tag = "coupons",
    params(wire::ListIssuedCouponQuotasRequest),
    responses((status = 200, body = wire::ListIssuedCouponQuotasResponse)))]
pub(crate) async fn list_issued_coupon_quotas(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListIssuedCouponQuotasRequest>,
) -> Result<Json<wire::ListIssuedCouponQuotasResponse>, ApiError> {
    let listed = app.engine.list_issued_coupon_quotas(&caller, req.try_into()?).await?;
    Ok(Json(wire::ListIssuedCouponQuotasResponse::of(listed.page, listed.now)))
}

/// `ListCouponQuotasRecords`: a distributor's grants and reclaims of resellers' quotas.
#[utoipa::path(get, path = "/v2/partners/coupon-quotas/records", operation_id = "ListCouponQuotasRecords",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030102"])), tag = "coupons",
    params(wire::ListCouponQuotasRecordsRequest),
    responses((status = 200, body = wire::ListCouponQuotasRecordsResponse)))]
pub(crate) async fn list_coupon_quotas_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListCouponQuotasRecordsRequest>,
) -> Result<Json<wire::ListCouponQuotasRecordsResponse>, ApiError> {
    let records = app.engine.list_coupon_quotas_records(&caller, req.try_into()?).await?;
    Ok(Json(records.into()))
}

/// `CreatePartnerCoupons`: coupons from a quota to up to 100 reseller customers.
#[utoipa::path(post, path = "/v2/promotions/benefits/partner-coupons", operation_id = "CreatePartnerCoupons",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030102", "BPC_ITEM_SUBCUSTSERV_030103"])),
    tag = "coupons", request_body = wire::CreatePartnerCouponsReq,
    responses((status = 200, body = wire::CreatePartnerCouponsResponse)))]
pub(crate) async fn create_partner_coupons(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::CreatePartnerCouponsReq>,
) -> Result<Json<wire::CreatePartnerCouponsResponse>, ApiError> {
    let outcome = app.engine.create_partner_coupons(&caller, req.try_into()?).await?;
    Ok(Json(outcome.into()))
}

/// `ReclaimPartnerCoupons`: what is left of one coupon goes back to its quota (204).
#[utoipa::path(post, path = "/v2/promotions/benefits/partner-coupons/reclaim",
    operation_id = "ReclaimPartnerCoupons",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030201"])), tag = "coupons",
    request_body = wire::ReclaimPartnerCouponsReq, responses((status = 204)))]
pub(crate) async fn reclaim_partner_coupons(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::ReclaimPartnerCouponsReq>,
) -> Result<StatusCode, ApiError> {
    let (coupon_id, indirect) = req.checked()?;
    app.engine.reclaim_partner_coupons(&caller, &coupon_id, indirect.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `ListIssuedPartnerCoupons`: the coupons the acting partner issued.
#[utoipa::path(get, path = "/v2/promotions/benefits/partner-coupons", operation_id = "ListIssuedPartnerCoupons",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030200"])), tag = "coupons",
    params(wire::ListIssuedPartnerCouponsRequest),
    responses((status = 200, body = wire::ListIssuedPartnerCouponsResponse)))]
pub(crate) async fn list_issued_partner_coupons(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListIssuedPartnerCouponsRequest>,
) -> Result<Json<wire::ListIssuedPartnerCouponsResponse>, ApiError> {
    let listed = app.engine.list_issued_partner_coupons(&caller, req.try_into()?).await?;
    Ok(Json(wire::ListIssuedPartnerCouponsResponse::of(listed.page, listed.now)))
}

/// `ListPartnerCouponsRecord`: the acting partner's issues and reclaims of coupons.
#[utoipa::path(get, path = "/v2/promotions/benefits/partner-coupons/records/query",
    operation_id = "ListPartnerCouponsRecord",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_030102"])), tag = "coupons",
    responses((status = 200, body = wire::ListPartnerCouponsRecordResponse)))]
pub(crate) async fn list_partner_coupons_record(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(pairs): WireQuery<Vec<(String, String)>>,
) -> Result<Json<wire::ListPartnerCouponsRecordResponse>, ApiError> {
    let query = wire::partner_coupon_records_query(pairs)?;
    let records = app.engine.list_partner_coupons_record(&caller, query).await?;
    Ok(Json(records.into()))
}

/// `ListSubCustomerCoupons`: the caller's own coupons.
#[utoipa::path(get, path = "/v2/promotions/benefits/coupons", operation_id = "ListSubCustomerCoupons",
    security(("partner" = ["BPC_MENU_FINANCE_100100", "BPC_ITEM_SUBCUSTSERV_050101"]), ("customer" = [])),
    tag = "coupons", params(wire::ListSubCustomerCouponsRequest),
    responses((status = 200, body = wire::ListSubCustomerCouponsResponse)))]
pub(crate) async fn list_sub_customer_coupons(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListSubCustomerCouponsRequest>,
) -> Result<Json<wire::ListSubCustomerCouponsResponse>, ApiError> {
    let listed = app.engine.list_sub_customer_coupons(&caller, req.try_into()?).await?;
    Ok(Json(wire::ListSubCustomerCouponsResponse::of(listed.page, listed.now)))
}

/// `ListCustomerCouponChangeRecords`: income and expense of the calling customer's coupons.
#[utoipa::path(get, path = "/v2/promotions/benefits/account-change-records",
    operation_id = "ListCustomerCouponChangeRecords",
    security(("customer" = [])), tag = "coupons",
    params(wire::ListCustomerCouponChangeRecordsRequest),
    responses((status = 200, body = wire::ListCustomerCouponChangeRecordsResponse)))]
pub(crate) async fn list_customer_coupon_change_records(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListCustomerCouponChangeRecordsRequest>,
) -> Result<Json<wire::ListCustomerCouponChangeRecordsResponse>, ApiError> {
    let changes = app.engine.list_customer_coupon_change_records(&caller, req.try_into()?).await?;
    Ok(Json(changes.into()))
}

/// `ListStoredValueCards`: the calling customer's stored-value cards.
#[utoipa::path(get, path = "/v2/promotions/benefits/stored-value-cards", operation_id = "ListStoredValueCards",
    security(("customer" = [])), tag = "coupons", params(wire::ListStoredValueCardsRequest),
    responses((status = 200, body = wire::ListStoredValueCardsResponse)))]
pub(crate) async fn list_stored_value_cards(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListStoredValueCardsRequest>,
) -> Result<Json<wire::ListStoredValueCardsResponse>, ApiError> {
    let (offset, limit) = req.paging()?;
    let cards = app.engine.list_stored_value_cards(&caller, offset, limit).await?;
    Ok(Json(cards.into()))
}

/// Our operator API: the platform grants a distributor or solution provider a coupon quota.
#[utoipa::path(post, path = "/operator/v1/partners/{id}/coupon-quotas", operation_id = "GrantCouponQuota",
    security(("operator" = [])), tag = "operator", params(("id" = String, Path)),
    request_body = wire::GrantCouponQuota,
    responses((status = 201, body = wire::CouponQuotaV2)))]
pub(crate) async fn grant_coupon_quota(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(partner): WirePath<String>,
    WireJson(req): WireJson<wire::GrantCouponQuota>,
) -> Result<(StatusCode, Json<wire::CouponQuotaV2>), ApiError> {
    let quota = app.engine.grant_platform_quota(&caller, req.into_grant(partner)?).await?;
    let now = quota.created_at;
    Ok((StatusCode::CREATED, Json(wire::CouponQuotaV2::of(&quota, now))))
}

/// Our operator API: a quota frozen, under adjustment, set invalid, or normal again.
#[utoipa::path(put, path = "/operator/v1/coupon-quotas/{id}/state", operation_id = "SetCouponQuotaState",
    security(("operator" = [])), tag = "operator", params(("id" = String, Path)),
    request_body = wire::CouponQuotaState,
    responses((status = 200, body = wire::CouponQuotaV2)))]
pub(crate) async fn set_coupon_quota_state(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(quota): WirePath<String>,
    WireJson(req): WireJson<wire::CouponQuotaState>,
) -> Result<Json<wire::CouponQuotaV2>, ApiError> {
    let quota = app.engine.set_coupon_quota_state(&caller, &quota, req.state()?).await?;
    let now = quota.updated_at;
    Ok(Json(wire::CouponQuotaV2::of(&quota, now)))
}

/// The coupon operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_quota_coupons))
        .routes(routes!(update_coupon_quotas))
        .routes(routes!(reclaim_coupon_quotas))
        .routes(routes!(list_issued_coupon_quotas))
        .routes(routes!(list_coupon_quotas_records))
        .routes(routes!(create_partner_coupons, list_issued_partner_coupons))
        .routes(routes!(reclaim_partner_coupons))
        .routes(routes!(list_partner_coupons_record))
        .routes(routes!(list_sub_customer_coupons))
        .routes(routes!(list_customer_coupon_change_records))
        .routes(routes!(list_stored_value_cards))
        .routes(routes!(grant_coupon_quota))
        .routes(routes!(set_coupon_quota_state))
}
