//! Business time: a UTC instant in milliseconds, handed to every rule by the caller.

/// A UTC instant, milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(millis: i64) -> Timestamp {
        Timestamp(millis)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// The last instant business time may reach: the day before the calendar's last, so that
    /// every rule counting days (in UTC+8, or the day after) still has a date to count.
    pub const LATEST: Timestamp = Timestamp(253_402_128_000_000); // 9999-12-30T00:00:00Z

    /// Whether business time may be at this instant: from the Unix epoch to `LATEST`.
    pub fn is_business_time(self) -> bool {
        (0..=Timestamp::LATEST.0).contains(&self.0)
    }

    pub fn checked_add_seconds(self, seconds: i64) -> Option<Timestamp> {
        seconds.checked_mul(1000).and_then(|ms| self.0.checked_add(ms)).map(Timestamp)
    }
}

/// How the business clock runs: with the wall clock, or only when an operator moves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockSetting {
    System,
    /// Frozen at this instant until an operator moves it.
    Manual(Timestamp),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the clock follows the system time; only a manual clock can be moved")]
    ClockNotManual,
    #[error("a manual clock only moves forward")]
    ClockMovesForwardOnly,
    #[error("business time runs from 1970-01-01T00:00:00Z to 9999-12-30T00:00:00Z")]
    ClockOutOfRange,
}

impl ClockError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            ClockError::ClockNotManual => "ClockNotManual",
            ClockError::ClockMovesForwardOnly => "ClockMovesForwardOnly",
            ClockError::ClockOutOfRange => "ClockOutOfRange",
        }
    }
}

/// Moves a manual clock to `to`; business time never runs backwards, since records, expiry and
/// bills are ordered by it, nor past the calendar (`Timestamp::LATEST`).
pub fn move_manual_clock(setting: ClockSetting, to: Timestamp) -> Result<ClockSetting, ClockError> {
    match setting {
        ClockSetting::System => Err(ClockError::ClockNotManual),
        ClockSetting::Manual(_) if !to.is_business_time() => Err(ClockError::ClockOutOfRange),
        ClockSetting::Manual(now) if to < now => Err(ClockError::ClockMovesForwardOnly),
        ClockSetting::Manual(_) => Ok(ClockSetting::Manual(to)),
    }
}

/// Why a range of calendar days is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateRangeError {
    #[error("the begin date is after the end date")]
    BeginAfterEnd,
    #[error("the range spans more than one year")]
    SpansMoreThanOneYear,
    #[error("the date is out of range")]
    DateOutOfRange,
}

impl DateRangeError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            DateRangeError::BeginAfterEnd => "BeginAfterEnd",
            DateRangeError::SpansMoreThanOneYear => "SpansMoreThanOneYear",
            DateRangeError::DateOutOfRange => "DateOutOfRange",
        }
    }
}

/// UTC+8, the time zone the account change records count their days in.
const UTC_PLUS_8: time::UtcOffset = match time::UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => time::UtcOffset::UTC,
};

/// The instants from the start of `begin` to the end of `end`, calendar days in UTC+8, as
/// `ListPartnerAccountChangeRecords` and `ListCustomerAccountChangeRecords` take them
/// (`trade_time_begin`, `trade_time_end`): without dates, the year up to today; a range may not
/// be reversed nor span more than one year.
pub fn change_record_window(
    begin: Option<time::Date>,
    end: Option<time::Date>,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), DateRangeError> {
    let today = time::OffsetDateTime::from_unix_timestamp(now.millis().div_euclid(1000))
        .ok()
        .and_then(|at| at.checked_to_offset(UTC_PLUS_8))
        .ok_or(DateRangeError::DateOutOfRange)?
        .date();
    // A year before the 29th of February is the 28th.
    let year_before = |d: time::Date| {
        d.replace_year(d.year() - 1)
            .or_else(|_| d.replace_day(28).and_then(|d| d.replace_year(d.year() - 1)))
            .map_err(|_| DateRangeError::DateOutOfRange)
    };
    let end = end.unwrap_or(today);
    let begin = match begin {
        Some(begin) => begin,
        None => year_before(end)?,
    };
    if begin > end {
        return Err(DateRangeError::BeginAfterEnd);
    }
    if begin < year_before(end)? {
        return Err(DateRangeError::SpansMoreThanOneYear);
    }
    let start_of = |d: time::Date| d.midnight().assume_offset(UTC_PLUS_8).unix_timestamp() * 1000;
    let after_end = end.next_day().map(start_of).ok_or(DateRangeError::DateOutOfRange)?;
    Ok((Timestamp::from_millis(start_of(begin)), Timestamp::from_millis(after_end - 1)))
}

/// A calendar month (`YYYY-MM` on the wire), as the partner center counts months: in UTC+8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl Month {
    /// The month `at` falls in, in UTC+8.
    pub fn of(at: Timestamp) -> Month {
        let date = time::OffsetDateTime::from_unix_timestamp(at.millis().div_euclid(1000))
            .ok()
            .and_then(|at| at.checked_to_offset(UTC_PLUS_8))
            .map(|at| at.date())
            .unwrap_or(time::Date::MIN);
        Month { year: date.year(), month: u8::from(date.month()) }
    }

    /// The month `n` months later.
    pub fn plus(self, n: u32) -> Month {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(n);
        let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
        let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(12);
        Month { year, month }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}
