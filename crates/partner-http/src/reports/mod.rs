//! Handlers of our channel API for customer reports (报备), and of the operator's review of
//! the reports that wait for one (customers.md §4).

pub(crate) mod wire;

use axum::{Json, extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson, WirePath, WireQuery},
};

/// A partner claims a prospect for 15 days: reported at once, or once an operator approves.
#[utoipa::path(post, path = "/channel/v1/reports", operation_id = "CreateCustomerReport",
    security(("partner" = [])), tag = "channel", request_body = wire::CreateReport,
    responses((status = 201, body = wire::ReportInfo)))]
pub(crate) async fn create_customer_report(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::CreateReport>,
) -> Result<(StatusCode, Json<wire::ReportInfo>), ApiError> {
    let (request, kind) = req.try_into()?;
    let view = app.engine.create_customer_report(&caller, request, kind).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// The calling partner's reports, newest first, with their state on the business clock.
#[utoipa::path(get, path = "/channel/v1/reports", operation_id = "ListCustomerReports",
    security(("partner" = [])), tag = "channel", params(wire::ReportPage),
    responses((status = 200, body = wire::Reports)))]
pub(crate) async fn list_customer_reports(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(page): WireQuery<wire::ReportPage>,
) -> Result<Json<wire::Reports>, ApiError> {
    let reports = app.engine.list_customer_reports(&caller, page.offset, page.limit).await?;
    Ok(Json(reports.into()))
}

/// Deletes (voids) a report that is neither waiting for review nor associated.
#[utoipa::path(delete, path = "/channel/v1/reports/{id}", operation_id = "DeleteCustomerReport",
    security(("partner" = [])), tag = "channel",
    params(("id" = String, Path, description = "The report's id")),
    responses((status = 204)))]
pub(crate) async fn delete_customer_report(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(id): WirePath<String>,
) -> Result<StatusCode, ApiError> {
    app.engine.delete_customer_report(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The reports waiting for a platform operator's review, newest first (at most 200).
#[utoipa::path(get, path = "/operator/v1/report-reviews", operation_id = "ListCustomerReportReviews",
    security(("operator" = [])), tag = "operator",
    responses((status = 200, body = wire::ReportReviews)))]
pub(crate) async fn list_customer_report_reviews(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::ReportReviews>, ApiError> {
    Ok(Json(app.engine.list_customer_report_reviews(&caller).await?.into()))
}

/// Approves a waiting report: the prospect is the partner's for 15 days from now.
#[utoipa::path(post, path = "/operator/v1/report-reviews/{id}/approve",
    operation_id = "ApproveCustomerReport", security(("operator" = [])), tag = "operator",
    params(("id" = String, Path, description = "The report's id")),
    responses((status = 200, body = wire::ReportInfo)))]
pub(crate) async fn approve_customer_report(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(id): WirePath<String>,
) -> Result<Json<wire::ReportInfo>, ApiError> {
    Ok(Json(app.engine.approve_customer_report(&caller, &id).await?.into()))
}

/// Rejects a waiting report with the reason its partner reads.
#[utoipa::path(post, path = "/operator/v1/report-reviews/{id}/reject",
    operation_id = "RejectCustomerReport", security(("operator" = [])), tag = "operator",
    params(("id" = String, Path, description = "The report's id")),
    request_body = wire::RejectReport, responses((status = 200, body = wire::ReportInfo)))]
pub(crate) async fn reject_customer_report(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(id): WirePath<String>,
    WireJson(req): WireJson<wire::RejectReport>,
) -> Result<Json<wire::ReportInfo>, ApiError> {
    Ok(Json(app.engine.reject_customer_report(&caller, &id, &req.reason).await?.into()))
}

/// An invitation code: online for one of the partner's reported prospects (7 days, once), or
/// offline (never expires; a custom `label` is stamped on the customers it brings).
#[utoipa::path(post, path = "/channel/v1/invitations", operation_id = "CreateInvitation",
    security(("partner" = [])), tag = "channel", request_body = wire::CreateInvitation,
    responses((status = 201, body = wire::InvitationInfo)))]
pub(crate) async fn create_invitation(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::CreateInvitation>,
) -> Result<(StatusCode, Json<wire::InvitationInfo>), ApiError> {
    let invitation = app.engine.create_invitation(&caller, req.try_into()?).await?;
    Ok((StatusCode::CREATED, Json(invitation.into())))
}

/// The calling customer accepts an invitation: it associates with the inviting partner if the
/// association rules let it.
#[utoipa::path(post, path = "/channel/v1/invitations/{code}/accept",
    operation_id = "AcceptInvitation", security(("customer" = [])), tag = "channel",
    params(("code" = String, Path, description = "The invitation code")),
    responses((status = 200, body = wire::AssociationInfo)))]
pub(crate) async fn accept_invitation(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(code): WirePath<String>,
) -> Result<Json<wire::AssociationInfo>, ApiError> {
    Ok(Json(app.engine.accept_invitation(&caller, &code).await?.into()))
}

/// The report operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_customer_report, list_customer_reports))
        .routes(routes!(delete_customer_report))
        .routes(routes!(list_customer_report_reviews))
        .routes(routes!(approve_customer_report))
        .routes(routes!(reject_customer_report))
        .routes(routes!(create_invitation))
        .routes(routes!(accept_invitation))
}
