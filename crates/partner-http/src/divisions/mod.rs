//! Handlers of the division lists: provinces, cities and counties (系统配置, "查询省份信息" and its
//! two siblings), open to customers and to solution providers and distributors.

pub(crate) mod wire;

use axum::{Json, extract::State};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireQuery, XLanguage},
};

/// `ListProvinces`: the provinces (`CN-11` 北京市, ...).
#[utoipa::path(get, path = "/v2/systems/configs/provinces", operation_id = "ListProvinces",
    security(("partner" = []), ("customer" = [])), tag = "divisions",
    params(wire::ListProvincesRequest,
        ("X-Language" = Option<String>, Header, description = "zh_cn (default) or en_us")),
    responses((status = 200, body = wire::ListProvincesResponse)))]
pub(crate) async fn list_provinces(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    XLanguage(language): XLanguage,
    WireQuery(req): WireQuery<wire::ListProvincesRequest>,
) -> Result<Json<wire::ListProvincesResponse>, ApiError> {
    let query = req.with_language(language)?;
    Ok(Json(app.engine.list_provinces(&caller, query).await?.into()))
}

/// `ListCities`: a province's cities (`province_code=CN-13`: `CN-13-001` 石家庄市, ...).
#[utoipa::path(get, path = "/v2/systems/configs/cities", operation_id = "ListCities",
    security(("partner" = []), ("customer" = [])), tag = "divisions",
    params(wire::ListCitiesRequest,
        ("X-Language" = Option<String>, Header, description = "zh_cn (default) or en_us")),
    responses((status = 200, body = wire::ListCitiesResponse)))]
pub(crate) async fn list_cities(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    XLanguage(language): XLanguage,
    WireQuery(req): WireQuery<wire::ListCitiesRequest>,
) -> Result<Json<wire::ListCitiesResponse>, ApiError> {
    let query = req.with_language(language)?;
    Ok(Json(app.engine.list_cities(&caller, query).await?.into()))
}

/// `ListCounties`: a city's counties (`city_code=CN-13-001`: `CN-13-001-02` 长安区, ...).
#[utoipa::path(get, path = "/v2/systems/configs/counties", operation_id = "ListCounties",
    security(("partner" = []), ("customer" = [])), tag = "divisions",
    params(wire::ListCountiesRequest,
        ("X-Language" = Option<String>, Header, description = "zh_cn (default) or en_us")),
    responses((status = 200, body = wire::ListCountiesResponse)))]
pub(crate) async fn list_counties(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    XLanguage(language): XLanguage,
    WireQuery(req): WireQuery<wire::ListCountiesRequest>,
) -> Result<Json<wire::ListCountiesResponse>, ApiError> {
    let query = req.with_language(language)?;
    Ok(Json(app.engine.list_counties(&caller, query).await?.into()))
}

/// The divisions operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_provinces))
        .routes(routes!(list_cities))
        .routes(routes!(list_counties))
}
