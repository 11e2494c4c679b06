//! Handlers of real-name authentication (实名认证): a partner's three submissions for its
//! customers and their review's result, and the operator's review queue.

pub(crate) mod wire;

use axum::{Json, extract::State};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson, WirePath, WireQuery},
};

/// `CreatePersonalRealnameAuth`: a personal certificate (reviewed, `is_review` 1) or a bank
/// card with the code sent for the customer (verified at once, `is_review` 0).
#[utoipa::path(post, path = "/v2/customers/realname-auths/individual",
    operation_id = "CreatePersonalRealnameAuth",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010119"])),
    tag = "realname", request_body = wire::ApplyIndividualRealnameAuthsReq,
    responses((status = 200, body = wire::CreatePersonalRealnameAuthResponse)))]
pub(crate) async fn create_personal_realname_auth(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::ApplyIndividualRealnameAuthsReq>,
) -> Result<Json<wire::CreatePersonalRealnameAuthResponse>, ApiError> {
    let request = req.try_into()?;
    Ok(Json(app.engine.create_personal_realname_auth(&caller, request).await?.into()))
}

/// `CreateEnterpriseRealnameAuthentication`: an organisation's certificate, to the review queue.
#[utoipa::path(post, path = "/v2/customers/realname-auths/enterprise",
    operation_id = "CreateEnterpriseRealnameAuthentication",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010119"])),
    tag = "realname", request_body = wire::ApplyEnterpriseRealnameAuthsReq,
    responses((status = 200, body = wire::CreateEnterpriseRealnameAuthenticationResponse)))]
pub(crate) async fn create_enterprise_realname_authentication(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::ApplyEnterpriseRealnameAuthsReq>,
) -> Result<Json<wire::CreateEnterpriseRealnameAuthenticationResponse>, ApiError> {
    let request = req.try_into()?;
    Ok(Json(app.engine.create_enterprise_realname_authentication(&caller, request).await?.into()))
}

/// `ChangeEnterpriseRealnameAuthentication`: a verified individual becoming an enterprise
/// (`change_type` 1), to the review queue.
#[utoipa::path(put, path = "/v2/customers/realname-auths/enterprise",
    operation_id = "ChangeEnterpriseRealnameAuthentication",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010119"])),
    tag = "realname", request_body = wire::ChangeEnterpriseRealnameAuthsReq,
    responses((status = 200, body = wire::ChangeEnterpriseRealnameAuthenticationResponse)))]
pub(crate) async fn change_enterprise_realname_authentication(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::ChangeEnterpriseRealnameAuthsReq>,
) -> Result<Json<wire::ChangeEnterpriseRealnameAuthenticationResponse>, ApiError> {
    let request = req.try_into()?;
    Ok(Json(app.engine.change_enterprise_realname_authentication(&caller, request).await?.into()))
}

/// `ShowRealnameAuthenticationReviewResult`: the review of the customer's newest submission;
/// an empty object when it never submitted one.
#[utoipa::path(get, path = "/v2/customers/realname-auths/result",
    operation_id = "ShowRealnameAuthenticationReviewResult",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010119"])),
    tag = "realname", params(wire::ShowRealnameAuthenticationReviewResultRequest),
    responses((status = 200, body = wire::ShowRealnameAuthenticationReviewResultResponse)))]
pub(crate) async fn show_realname_authentication_review_result(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(query): WireQuery<wire::ShowRealnameAuthenticationReviewResultRequest>,
) -> Result<Json<wire::ShowRealnameAuthenticationReviewResultResponse>, ApiError> {
    let customer_id = query.customer_id()?;
    let result = app.engine.show_realname_authentication_review_result(&caller, &customer_id);
    Ok(Json(result.await?.into()))
}

/// `ShowRealNameAuthStatus`: the calling customer's own real-name state.
#[utoipa::path(get, path = "/v2/customers/real-name-auth-status",
    operation_id = "ShowRealNameAuthStatus",
    security(("customer" = [])), tag = "realname",
    responses((status = 200, body = wire::ShowRealNameAuthStatusResponse)))]
pub(crate) async fn show_real_name_auth_status(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::ShowRealNameAuthStatusResponse>, ApiError> {
    Ok(Json(app.engine.show_real_name_auth_status(&caller).await?.into()))
}

/// The review queue, newest first (at most 200): `?status=pending` (default), `approved` or
/// `rejected`, and `&customer_id=` for one customer's.
#[utoipa::path(get, path = "/operator/v1/realname-reviews", operation_id = "ListRealnameReviews",
    security(("operator" = [])), tag = "operator", params(wire::ReviewQueueQuery),
    responses((status = 200, body = wire::RealnameReviews)))]
pub(crate) async fn list_realname_reviews(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(query): WireQuery<wire::ReviewQueueQuery>,
) -> Result<Json<wire::RealnameReviews>, ApiError> {
    let filter = query.try_into()?;
    Ok(Json(app.engine.list_realname_reviews(&caller, filter).await?.into()))
}

/// Approves a pending submission: the customer is verified under the submitted name.
#[utoipa::path(post, path = "/operator/v1/realname-reviews/{id}/approve",
    operation_id = "ApproveRealnameReview",
    security(("operator" = [])), tag = "operator",
    params(("id" = String, Path, description = "The submission's id")),
    responses((status = 200, body = wire::RealnameReview)))]
pub(crate) async fn approve_realname_review(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(id): WirePath<String>,
) -> Result<Json<wire::RealnameReview>, ApiError> {
    let id = wire::review_id(id)?;
    Ok(Json(app.engine.approve_realname_review(&caller, &id).await?.into()))
}

/// Rejects a pending submission with the opinion its partner will read.
#[utoipa::path(post, path = "/operator/v1/realname-reviews/{id}/reject",
    operation_id = "RejectRealnameReview",
    security(("operator" = [])), tag = "operator",
    params(("id" = String, Path, description = "The submission's id")),
    request_body = wire::RejectRealnameReview,
    responses((status = 200, body = wire::RealnameReview)))]
pub(crate) async fn reject_realname_review(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(id): WirePath<String>,
    WireJson(req): WireJson<wire::RejectRealnameReview>,
) -> Result<Json<wire::RealnameReview>, ApiError> {
    let (id, opinion) = (wire::review_id(id)?, req.opinion()?);
    Ok(Json(app.engine.reject_realname_review(&caller, &id, &opinion).await?.into()))
}

/// The real-name operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_personal_realname_auth))
        .routes(routes!(
            create_enterprise_realname_authentication,
            change_enterprise_realname_authentication
        ))
        .routes(routes!(show_realname_authentication_review_result))
        .routes(routes!(show_real_name_auth_status))
        .routes(routes!(list_realname_reviews))
        .routes(routes!(approve_realname_review))
        .routes(routes!(reject_realname_review))
}
