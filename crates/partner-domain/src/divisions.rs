//! China's administrative divisions: the provinces, cities and counties that the address fields
//! of real-name and invoice forms are chosen from, and who may read them.
//!
//! The data is GB/T 2260's (`data/divisions/divisions.tsv`, generated from a maintained
//! package by the script beside it; the README says which). It is the same for every world, so it lives in no
//! database: the engine parses the embedded file once and every list reads the same value.

use std::collections::{BTreeMap, BTreeSet};

use crate::{
    paging::{Page, PageRules, Paged},
    partners::{Partner, PartnerError, PartnerKind},
};

/// The division data every server serves: compiled in, parsed once by the engine.
pub const EMBEDDED: &str = include_str!("../data/divisions/divisions.tsv");

/// The paging of the three lists: offset 0–1000, limit 1–1000, default 10 (API reference,
/// "查询省份信息" and its two siblings).
pub const DIVISION_PAGES: PageRules =
    PageRules { offset_max: 1000, limit_default: 10, limit_max: 1000 };

/// The language names are answered in (`X-Language`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// `zh_cn`, the default.
    Chinese,
    /// `en_us`: English names where the data has them, else the Chinese ones, as the real API
    /// answers today ("目前仅支持中文").
    English,
}

impl Language {
    /// The header's value: absent or empty is Chinese; `zh_cn` and `en_us` in any case.
    pub fn from_code(code: Option<&str>) -> Result<Language, DivisionError> {
        match code.map(str::to_ascii_lowercase).as_deref() {
            None | Some("") | Some("zh_cn") => Ok(Language::Chinese),
            Some("en_us") => Ok(Language::English),
            Some(_) => Err(DivisionError::UnknownLanguage),
        }
    }
}

/// Why a division list is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DivisionError {
    #[error("X-Language must be zh_cn or en_us")]
    UnknownLanguage,
    #[error("province_code is required")]
    ProvinceCodeRequired,
    #[error("city_code is required")]
    CityCodeRequired,
}

impl DivisionError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            DivisionError::UnknownLanguage => "UnknownLanguage",
            DivisionError::ProvinceCodeRequired => "ProvinceCodeRequired",
            DivisionError::CityCodeRequired => "CityCodeRequired",
        }
    }
}

/// Who asks for the lists.
#[derive(Clone, Copy, Debug)]
pub enum DivisionReader<'a> {
    Partner(&'a Partner),
    Customer,
}

/// The partner API documents the lists for solution providers and distributors; the customer
/// API, for every customer. A reseller works in the console: `CBC.0151`.
pub fn may_list_divisions(reader: DivisionReader<'_>) -> Result<(), PartnerError> {
    match reader {
        DivisionReader::Customer => Ok(()),
        DivisionReader::Partner(partner) => match partner.kind {
            PartnerKind::Distributor | PartnerKind::SolutionProvider => Ok(()),
            kind => Err(PartnerError::OperationNotOpenToPartnerKind { kind: kind.code() }),
        },
    }
}

/// One division as a list shows it: its code and its name in the language asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug)]
struct Entry {
    code: String,
    name_zh: String,
    name_en: Option<String>,
}

impl Entry {
    fn in_language(&self, language: Language) -> Division {
        let name = match (language, &self.name_en) {
            (Language::English, Some(english)) => english.clone(),
            _ => self.name_zh.clone(),
        };
        Division { code: self.code.clone(), name }
    }
}

/// Every province, city and county, each list in code order, under the codes the API shows.
#[derive(Clone, Debug, Default)]
pub struct Divisions {
    provinces: Vec<Entry>,
    /// Cities by their province's code.
    cities: BTreeMap<String, Vec<Entry>>,
    /// Counties by their city's code.
    counties: BTreeMap<String, Vec<Entry>>,
}

/// A line of the data file that is not a division of GB/T 2260's shape.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("division data, line {line}: {reason}")]
pub struct DivisionDataError {
    pub line: usize,
    pub reason: &'static str,
}

/// The three levels of a six-digit GB/T 2260 code `PPCCAA`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Province,
    City,
    County,
}

/// The API's code of a GB/T 2260 code: `CN-13` for 130000, `CN-13-001` for 130100,
/// `CN-13-001-02` for 130102. The reference's examples show this shape (`CN-11` 北京市,
/// `CN-13-006` 保定市, `CN-13-001-01` 长安区); the county part keeps GB/T's own digits, so a code
/// maps back to GB/T 2260 and never changes when the data is regenerated (docs/wire.md).
fn api_code(gb: &str, level: Level) -> Option<String> {
    let (province, city, county) = (gb.get(0..2)?, gb.get(2..4)?, gb.get(4..6)?);
    Some(match level {
        Level::Province => format!("CN-{province}"),
        Level::City => format!("CN-{province}-0{city}"),
        Level::County => format!("CN-{province}-0{city}-{county}"),
    })
}

/// The level of a code and the code its parent must have.
fn level_and_parent(gb: &str) -> Option<(Level, String)> {
    let (province, city, county) = (gb.get(0..2)?, gb.get(2..4)?, gb.get(4..6)?);
    Some(match (city, county) {
        ("00", "00") => (Level::Province, String::new()),
        (_, "00") => (Level::City, format!("{province}0000")),
        ("00", _) => return None,
        _ => (Level::County, format!("{province}{city}00")),
    })
}

impl Divisions {
    /// Reads `code<TAB>parent<TAB>name_zh[<TAB>name_en]` lines (`#` lines are comments): six-digit
    /// GB/T 2260 codes, each with the parent its code implies, and that parent listed.
    pub fn parse(text: &str) -> Result<Divisions, DivisionDataError> {
        let mut divisions = Divisions::default();
        let mut seen = BTreeSet::new();
        for (i, line) in text.lines().enumerate() {
            let fail = |reason| DivisionDataError { line: i + 1, reason };
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(gb), Some(parent), Some(name_zh)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(fail("fewer than three fields"));
            };
            let name_en = fields.next().filter(|n| !n.is_empty()).map(str::to_owned);
            if fields.next().is_some() {
                return Err(fail("more than four fields"));
            }
            if gb.len() != 6 || !gb.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail("a code is six digits"));
            }
            let (level, implied) = level_and_parent(gb).ok_or(fail("a county of no city"))?;
            if parent != implied {
                return Err(fail("the parent is not the one the code implies"));
            }
            if level != Level::Province && !seen.contains(parent) {
                return Err(fail("the parent is not listed before its child"));
            }
            if name_zh.is_empty() {
                return Err(fail("a division has a name"));
            }
            if !seen.insert(gb.to_owned()) {
                return Err(fail("a code is listed twice"));
            }
            let code = api_code(gb, level).ok_or(fail("a code is six digits"))?;
            let entry = Entry { code, name_zh: name_zh.to_owned(), name_en };
            let parent_level = match level {
                Level::Province => {
                    divisions.provinces.push(entry);
                    continue;
                }
                Level::City => Level::Province,
                Level::County => Level::City,
            };
            let parent = api_code(parent, parent_level).ok_or(fail("a code is six digits"))?;
            let children = match level {
                Level::City => &mut divisions.cities,
                Level::Province | Level::County => &mut divisions.counties,
            };
            children.entry(parent).or_default().push(entry);
        }
        divisions.provinces.sort_by(|a, b| a.code.cmp(&b.code));
        for list in divisions.cities.values_mut().chain(divisions.counties.values_mut()) {
            list.sort_by(|a, b| a.code.cmp(&b.code));
        }
        Ok(divisions)
    }

    /// `ListProvinces`: one page of the provinces.
    pub fn provinces(&self, language: Language, page: Page) -> Paged<Division> {
        list(&self.provinces, language, page)
    }

    /// `ListCities`: one page of a province's cities; an unknown province has none.
    pub fn cities(
        &self,
        province_code: &str,
        language: Language,
        page: Page,
    ) -> Result<Paged<Division>, DivisionError> {
        if province_code.is_empty() {
            return Err(DivisionError::ProvinceCodeRequired);
        }
        let cities = self.cities.get(province_code).map(Vec::as_slice).unwrap_or_default();
        Ok(list(cities, language, page))
    }

    /// `ListCounties`: one page of a city's counties; an unknown city has none.
    pub fn counties(
        &self,
        city_code: &str,
        language: Language,
        page: Page,
    ) -> Result<Paged<Division>, DivisionError> {
        if city_code.is_empty() {
            return Err(DivisionError::CityCodeRequired);
        }
        let counties = self.counties.get(city_code).map(Vec::as_slice).unwrap_or_default();
        Ok(list(counties, language, page))
    }
}

fn list(entries: &[Entry], language: Language, page: Page) -> Paged<Division> {
    let Paged { total, rows } = page.cut(entries.iter().collect());
    Paged { total, rows: rows.into_iter().map(|e| e.in_language(language)).collect() }
}
