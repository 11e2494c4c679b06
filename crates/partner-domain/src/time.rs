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
}

impl ClockError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            ClockError::ClockNotManual => "ClockNotManual",
            ClockError::ClockMovesForwardOnly => "ClockMovesForwardOnly",
        }
    }
}

/// Moves a manual clock to `to`; business time never runs backwards, since records, expiry and
/// bills are ordered by it.
pub fn move_manual_clock(setting: ClockSetting, to: Timestamp) -> Result<ClockSetting, ClockError> {
    match setting {
        ClockSetting::System => Err(ClockError::ClockNotManual),
        ClockSetting::Manual(now) if to < now => Err(ClockError::ClockMovesForwardOnly),
        ClockSetting::Manual(_) => Ok(ClockSetting::Manual(to)),
    }
}
