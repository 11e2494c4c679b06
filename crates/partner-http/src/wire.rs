//! Conventions shared by every wire model: UTC times, exact amounts, bounded strings.

use partner_domain::{Money, Timestamp};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::ApiError;

const UTC_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Parses the API's UTC time, `YYYY-MM-DDThh:mm:ssZ`; anything else is `CBC.0100`.
pub(crate) fn parse_utc(field: &str, text: &str) -> Result<Timestamp, ApiError> {
    let at = time::PrimitiveDateTime::parse(text, UTC_FORMAT).map_err(|_| {
        ApiError::parameter(format!(
            "invalid parameter {field}: {text:?} is not YYYY-MM-DDThh:mm:ssZ"
        ))
    })?;
    Ok(Timestamp::from_millis(at.assume_utc().unix_timestamp() * 1000))
}

/// An optional time filter: absent or null is no filter, an empty string is refused.
pub(crate) fn utc_filter(field: &str, text: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    text.map(|t| parse_utc(field, t)).transpose()
}

/// Formats a time the way responses carry it, `2019-05-06T08:05:01Z`.
pub(crate) fn format_utc(at: Timestamp) -> String {
    let seconds = at.millis().div_euclid(1000);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(UTC_FORMAT).ok())
        .unwrap_or_default()
}

/// A string parameter of at most `max` characters; an empty string is no filter.
pub(crate) fn bounded(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::parameter(format!(
            "invalid parameter {field}: longer than {max} characters"
        ))),
        Some(v) if v.is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// A required id of at most `max` characters: longer ones are refused before they reach the
/// engine, the database or an audit event; an empty one is left for the engine to refuse.
pub(crate) fn bounded_id(field: &str, value: String, max: usize) -> Result<String, ApiError> {
    if value.chars().count() > max {
        return Err(ApiError::parameter(format!(
            "invalid parameter {field}: longer than {max} characters"
        )));
    }
    Ok(value)
}

/// An amount of money as a JSON number with exactly two decimals (`10.00`), written from the
/// exact decimal, never through a float.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub(crate) struct Amount(#[serde(with = "rust_decimal::serde::arbitrary_precision")] Decimal);

impl From<Money> for Amount {
    fn from(money: Money) -> Amount {
        Amount(money.to_decimal_2dp())
    }
}

impl utoipa::PartialSchema for Amount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("An exact amount in yuan with two decimals, e.g. 10.00."))
            .into()
    }
}

impl utoipa::ToSchema for Amount {}

/// A decimal amount in a request, read exactly from a JSON number (`10.00`) or a numeric string
/// (`"1.11"`, which the API reference's examples also send); never through a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WireDecimal(pub(crate) Decimal);

impl<'de> serde::Deserialize<'de> for WireDecimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = match serde_json::Value::deserialize(deserializer)? {
            // With `arbitrary_precision`, a number keeps the exact text it was sent as.
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::String(text) => text,
            other => {
                return Err(D::Error::custom(format!("expected a decimal amount, got {other}")));
            }
        };
        exact_decimal(&text).map(WireDecimal).ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            D::Error::custom(format!("{shown:?} is not an exact decimal amount"))
        })
    }
}

/// The most significant digits a decimal amount may have: what `rust_decimal` holds exactly.
const MAX_DIGITS: usize = 28;

/// A decimal number written as JSON writes one (`-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`),
/// read exactly: `None` for any other text (`"1_000"`, `" 1"`, `"+1"`, `"0x10"`) and for any
/// value that cannot be held without rounding. `Decimal`'s own parser accepts underscores and
/// rounds past 28 digits, so a 30-decimal amount would become `0.01`.
pub(crate) fn exact_decimal(text: &str) -> Option<Decimal> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (unsigned.get(..i)?, Some(unsigned.get(i + 1..)?)),
        None => (unsigned, None),
    };
    let (integer, fraction) = match mantissa.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (mantissa, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(integer) || (integer.len() > 1 && integer.starts_with('0')) {
        return None;
    }
    if fraction.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if !all_digits(digits) || digits.len() > 4 {
                return None;
            }
            e.parse().ok()?
        }
    };
    // Trailing zeros of the fraction say nothing about the value.
    let fraction = fraction.unwrap_or("").trim_end_matches('0');
    let digits = format!("{integer}{fraction}");
    let significant = digits.trim_start_matches('0');
    if significant.len() > MAX_DIGITS {
        return None;
    }
    let mut value: i128 = if significant.is_empty() { 0 } else { significant.parse().ok()? };
    let mut scale = i64::try_from(fraction.len()).ok()? - exponent;
    if scale < 0 {
        value = value.checked_mul(10i128.checked_pow(u32::try_from(-scale).ok()?)?)?;
        scale = 0;
    }
    let scale = u32::try_from(scale).ok().filter(|s| *s <= 28)?;
    let value = if negative { -value } else { value };
    Decimal::try_from_i128_with_scale(value, scale).ok()
}

impl utoipa::PartialSchema for WireDecimal {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("A decimal amount in yuan: more than 0, at most two decimals."))
            .into()
    }
}

impl utoipa::ToSchema for WireDecimal {}

/// An amount as the record lists show it: a string with two decimals (`"10.00"`).
pub(crate) fn amount_text(money: Money) -> String {
    money.to_decimal_2dp().to_string()
}

/// Parses a calendar date `YYYY-MM-DD`.
pub(crate) fn parse_date(field: &str, text: Option<&str>) -> Result<Option<time::Date>, ApiError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => time::Date::parse(t, format).map(Some).map_err(|_| {
            ApiError::parameter(format!("invalid parameter {field}: {t:?} is not YYYY-MM-DD"))
        }),
    }
}
