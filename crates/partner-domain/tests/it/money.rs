//! Amounts parse exactly and refuse what the API refuses.

use partner_domain::{Money, money::MoneyError};
use rust_decimal::Decimal;

fn check_parse(text: &str, expect: Result<i64, MoneyError>) {
    assert_eq!(Money::parse(text).map(Money::micros), expect, "parsing {text:?}");
}

#[test]
fn parses_exact_decimals() {
    check_parse("100.00", Ok(100_000_000));
    check_parse("0.01", Ok(10_000));
    check_parse("-3.5", Ok(-3_500_000));
    check_parse("0.000001", Ok(1));
    check_parse("0.0000001", Err(MoneyError::TooManyDecimals { max: 6 }));
    check_parse("ten", Err(MoneyError::NotANumber));
    check_parse("99999999999999999999", Err(MoneyError::OutOfRange));
}

#[test]
fn two_decimal_amounts_refuse_a_float_artefact() {
    // What a Python client sends for 0.1 + 0.2 must be refused, never rounded.
    let artefact: Decimal = "0.30000000000000004".parse().unwrap();
    assert_eq!(Money::from_decimal(artefact, 2), Err(MoneyError::TooManyDecimals { max: 2 }));
    let trailing_zeros: Decimal = "10.000".parse().unwrap();
    assert_eq!(Money::from_decimal(trailing_zeros, 2).map(Money::micros), Ok(10_000_000));
}

#[test]
fn shows_two_decimals_cut_toward_zero() {
    assert_eq!(Money::from_micros(1_239_999).to_string(), "1.23");
    assert_eq!(Money::from_micros(-1_239_999).to_string(), "-1.23");
    assert_eq!(Money::ZERO.to_string(), "0.00");
    assert_eq!(Money::from_micros(250_000_000_000).to_string(), "250000.00");
}
