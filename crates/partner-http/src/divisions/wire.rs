//! Wire models of the division lists, as the SDK's `v2/model` names them.

use partner_domain::{divisions::Division, paging::Paged};
use partner_engine::divisions::{CityQuery, CountyQuery, DivisionPageQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::ApiError,
    wire::{bounded, bounded_id},
};

/// `X-Language` holds `zh_cn` or `en_us`; anything longer is refused before the engine.
const LANGUAGE_MAX: usize = 16;

fn page(
    language: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
) -> Result<DivisionPageQuery, ApiError> {
    Ok(DivisionPageQuery {
        language: bounded("X-Language", language, LANGUAGE_MAX)?,
        offset,
        limit,
    })
}

/// SDK `ListProvincesRequest` (query string; `x_language` is the `X-Language` header).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListProvincesRequest {
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl ListProvincesRequest {
    /// The engine's query: this query string with the request's `X-Language` header.
    pub(crate) fn with_language(
        self,
        language: Option<String>,
    ) -> Result<DivisionPageQuery, ApiError> {
        page(language, self.offset, self.limit)
    }
}

/// SDK `ListCitiesRequest`: `province_code` is required, at most 40 characters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListCitiesRequest {
    pub(crate) province_code: String,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl ListCitiesRequest {
    /// The engine's query: this query string with the request's `X-Language` header.
    pub(crate) fn with_language(self, language: Option<String>) -> Result<CityQuery, ApiError> {
        Ok(CityQuery {
            province_code: bounded_id("province_code", self.province_code, 40)?,
            page: page(language, self.offset, self.limit)?,
        })
    }
}

/// SDK `ListCountiesRequest`: `city_code` is required, at most 20 characters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListCountiesRequest {
    pub(crate) city_code: String,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl ListCountiesRequest {
    /// The engine's query: this query string with the request's `X-Language` header.
    pub(crate) fn with_language(self, language: Option<String>) -> Result<CountyQuery, ApiError> {
        Ok(CountyQuery {
            city_code: bounded_id("city_code", self.city_code, 20)?,
            page: page(language, self.offset, self.limit)?,
        })
    }
}

/// SDK `ListProvincesResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListProvincesResponse {
    count: u64,
    provinces: Vec<Province>,
}

/// SDK `Province`.
#[derive(Serialize, ToSchema)]
pub(crate) struct Province {
    code: String,
    name: String,
}

/// SDK `ListCitiesResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListCitiesResponse {
    count: u64,
    cities: Vec<City>,
}

/// SDK `City`.
#[derive(Serialize, ToSchema)]
pub(crate) struct City {
    code: String,
    name: String,
}

/// SDK `ListCountiesResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListCountiesResponse {
    count: u64,
    counties: Vec<County>,
}

/// SDK `County`.
#[derive(Serialize, ToSchema)]
pub(crate) struct County {
    code: String,
    name: String,
}

impl From<Paged<Division>> for ListProvincesResponse {
    fn from(page: Paged<Division>) -> Self {
        let provinces = page.rows.into_iter().map(|d| Province { code: d.code, name: d.name });
        ListProvincesResponse { count: page.total, provinces: provinces.collect() }
    }
}

impl From<Paged<Division>> for ListCitiesResponse {
    fn from(page: Paged<Division>) -> Self {
        let cities = page.rows.into_iter().map(|d| City { code: d.code, name: d.name });
        ListCitiesResponse { count: page.total, cities: cities.collect() }
    }
}

impl From<Paged<Division>> for ListCountiesResponse {
    fn from(page: Paged<Division>) -> Self {
        let counties = page.rows.into_iter().map(|d| County { code: d.code, name: d.name });
        ListCountiesResponse { count: page.total, counties: counties.collect() }
    }
}
