//! Division operations: the provinces, cities and counties address fields are chosen from.
//!
//! The data is the domain's embedded file, the same for every world: parsed once per process
//! (when the first engine is built) and read without touching the store, except to find the
//! caller.

use std::sync::LazyLock;

use partner_domain::{
    divisions::{
        self, DIVISION_PAGES, Division, DivisionDataError, DivisionReader, Divisions, Language,
    },
    paging::{Page, Paged},
};

use crate::{Caller, Engine, EngineError, Internal, Principal};

static EMBEDDED: LazyLock<Result<Divisions, DivisionDataError>> =
    LazyLock::new(|| Divisions::parse(divisions::EMBEDDED));

/// Parses the embedded data now, so that no request pays for it; a file that does not parse is
/// a bug of the build, logged here and answered `CBC.0999` by every list.
pub(crate) fn load() {
    if let Err(err) = &*EMBEDDED {
        tracing::error!(error = %err, "the embedded division data does not parse");
    }
}

fn embedded() -> Result<&'static Divisions, EngineError> {
    EMBEDDED.as_ref().map_err(|err| {
        EngineError::Internal(Internal::bug(&format!("the embedded division data: {err}")))
    })
}

/// The page and language of a division list, as the request gives them.
#[derive(Clone, Debug, Default)]
pub struct DivisionPageQuery {
    /// The `X-Language` header.
    pub language: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// `ListCities` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct CityQuery {
    pub province_code: String,
    pub page: DivisionPageQuery,
}

/// `ListCounties` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct CountyQuery {
    pub city_code: String,
    pub page: DivisionPageQuery,
}

impl Engine {
    /// `ListProvinces`: the provinces, in code order.
    pub async fn list_provinces(
        &self,
        caller: &Caller,
        query: DivisionPageQuery,
    ) -> Result<Paged<Division>, EngineError> {
        let (language, page) = self.division_list(caller, &query).await?;
        Ok(embedded()?.provinces(language, page))
    }

    /// `ListCities`: a province's cities; an unknown province has none.
    pub async fn list_cities(
        &self,
        caller: &Caller,
        query: CityQuery,
    ) -> Result<Paged<Division>, EngineError> {
        let (language, page) = self.division_list(caller, &query.page).await?;
        Ok(embedded()?.cities(&query.province_code, language, page)?)
    }

    /// `ListCounties`: a city's counties; an unknown city has none.
    pub async fn list_counties(
        &self,
        caller: &Caller,
        query: CountyQuery,
    ) -> Result<Paged<Division>, EngineError> {
        let (language, page) = self.division_list(caller, &query.page).await?;
        Ok(embedded()?.counties(&query.city_code, language, page)?)
    }

    /// What the three lists check first: the caller may read them, then the language and the
    /// page are valid. Reads are not audited.
    async fn division_list(
        &self,
        caller: &Caller,
        query: &DivisionPageQuery,
    ) -> Result<(Language, Page), EngineError> {
        let mut tx = self.store.read().await?;
        match &caller.principal {
            Principal::Partner(_) => {
                let partner = self.calling_partner(&mut *tx, caller).await?;
                divisions::may_list_divisions(DivisionReader::Partner(&partner))?;
            }
            Principal::Customer(_) => {
                self.calling_customer(&mut *tx, caller).await?;
                divisions::may_list_divisions(DivisionReader::Customer)?;
            }
            Principal::Operator(_) | Principal::System => {
                return Err(EngineError::OperationNotOpenToCaller);
            }
        }
        let language = Language::from_code(query.language.as_deref())?;
        let page = DIVISION_PAGES.page(query.offset, query.limit)?;
        Ok((language, page))
    }
}
