//! Money: exact yuan amounts, never floats.
//!
//! Amounts are `Decimal` in the rules and a count of micro-yuan (10⁻⁶ yuan) in an `i64` at rest.
//! Six decimals hold every balance (2 decimals), every bill line (2 decimals) and every rated
//! amount truncated the real API's default way (6 decimals); an `i64` of micro-yuan holds
//! ±9.2 trillion yuan, headroom for any channel. Rated prices kept to 10 decimals
//! (`inquiry_precision=1`) are computed in `Decimal` and never stored as balances.

use rust_decimal::Decimal;

/// Decimal places an amount may carry at rest.
pub const STORED_SCALE: u32 = 6;
const MICROS_PER_YUAN: i64 = 1_000_000;

/// An exact amount of yuan (CNY, `measure_id` 1), positive, zero or negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("the amount has more than {max} decimal places")]
    TooManyDecimals { max: u32 },
    #[error("the amount is out of range")]
    OutOfRange,
    #[error("the amount is not a decimal number")]
    NotANumber,
}

impl MoneyError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            MoneyError::TooManyDecimals { .. } => "TooManyDecimals",
            MoneyError::OutOfRange => "OutOfRange",
            MoneyError::NotANumber => "NotANumber",
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_micros(micros: i64) -> Money {
        Money(micros)
    }

    pub const fn micros(self) -> i64 {
        self.0
    }

    /// Parses decimal text such as `"100.00"` exactly.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let decimal: Decimal = text.trim().parse().map_err(|_| MoneyError::NotANumber)?;
        Money::from_decimal(decimal, STORED_SCALE)
    }

    /// An amount from a decimal that must carry at most `max_scale` significant decimals
    /// (trailing zeros do not count: `10.00` is a 0-decimal amount).
    pub fn from_decimal(decimal: Decimal, max_scale: u32) -> Result<Money, MoneyError> {
        let normalized = decimal.normalize();
        if normalized.scale() > max_scale.min(STORED_SCALE) {
            return Err(MoneyError::TooManyDecimals { max: max_scale.min(STORED_SCALE) });
        }
        let micros = normalized
            .checked_mul(Decimal::from(MICROS_PER_YUAN))
            .ok_or(MoneyError::OutOfRange)?
            .normalize();
        i64::try_from(micros).map(Money).map_err(|_| MoneyError::OutOfRange)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, STORED_SCALE)
    }

    /// The amount as the wire shows balances: exactly two decimals (`10.00`), cut toward zero
    /// the way the real API shows balances with sub-fen remainders.
    pub fn to_decimal_2dp(self) -> Decimal {
        let mut decimal = self.to_decimal().trunc_with_scale(2);
        decimal.rescale(2);
        decimal
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_decimal_2dp())
    }
}
