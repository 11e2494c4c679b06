//! Business time: the manual clock and the date ranges of the record lists.

use partner_domain::{
    Timestamp,
    time::{DateRangeError, change_record_window},
};

fn date(text: &str) -> time::Date {
    time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
}

/// 2026-01-15T20:00:00Z is already 2026-01-16 in UTC+8.
const NOW: Timestamp = Timestamp::from_millis(1_768_507_200_000);

/// An instant in UTC, to the millisecond.
fn utc(at: Timestamp) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.millis()) * 1_000_000)
        .unwrap();
    format!(
        "{}T{}.{:03}Z",
        t.date(),
        t.time().format(time::macros::format_description!("[hour]:[minute]:[second]")).unwrap(),
        t.millisecond()
    )
}

fn window(begin: Option<&str>, end: Option<&str>) -> String {
    match change_record_window(begin.map(date), end.map(date), NOW) {
        Ok((from, to)) => format!("{} .. {}", utc(from), utc(to)),
        Err(err) => err.rule().to_owned(),
    }
}

#[test]
fn change_record_windows_are_calendar_days_in_utc_plus_8() {
    let rows = [
        (None, None),
        (Some("2026-01-15"), Some("2026-01-15")),
        (Some("2025-01-16"), Some("2026-01-16")),
        (Some("2025-01-15"), Some("2026-01-16")),
        (Some("2026-01-16"), Some("2026-01-15")),
        (None, Some("2024-02-29")),
        (Some("2023-02-28"), Some("2024-02-29")),
        (Some("2023-02-27"), Some("2024-02-29")),
    ];
    let table: String = rows
        .iter()
        .map(|(b, e)| {
            format!("{:<10} {:<10} {}\n", b.unwrap_or("-"), e.unwrap_or("-"), window(*b, *e))
        })
        .collect();
    expect_test::expect![[r#"
        -          -          2025-01-15T16:00:00.000Z .. 2026-01-16T15:59:59.999Z
        2026-01-15 2026-01-15 2026-01-14T16:00:00.000Z .. 2026-01-15T15:59:59.999Z
        2025-01-16 2026-01-16 2025-01-15T16:00:00.000Z .. 2026-01-16T15:59:59.999Z
        2025-01-15 2026-01-16 SpansMoreThanOneYear
        2026-01-16 2026-01-15 BeginAfterEnd
        -          2024-02-29 2023-02-27T16:00:00.000Z .. 2024-02-29T15:59:59.999Z
        2023-02-28 2024-02-29 2023-02-27T16:00:00.000Z .. 2024-02-29T15:59:59.999Z
        2023-02-27 2024-02-29 SpansMoreThanOneYear
    "#]]
    .assert_eq(&table);
}

#[test]
fn a_window_ends_one_millisecond_before_the_next_day() {
    let (from, to) =
        change_record_window(Some(date("2026-01-15")), Some(date("2026-01-15")), NOW).unwrap();
    // 2026-01-15T00:00:00+08:00 is 2026-01-14T16:00:00Z.
    assert_eq!(from.millis(), 1_768_406_400_000);
    assert_eq!(to.millis() - from.millis(), 24 * 3600 * 1000 - 1);
    assert_eq!(
        change_record_window(Some(date("2026-01-16")), Some(date("2026-01-15")), NOW),
        Err(DateRangeError::BeginAfterEnd)
    );
}

/// Business time stays on the calendar: a manual clock cannot be moved past the last day every
/// date rule can still count from (nor before the epoch).
#[test]
fn a_manual_clock_stays_within_the_calendar() {
    use partner_domain::time::{ClockError, ClockSetting, move_manual_clock};
    let manual = ClockSetting::Manual(NOW);
    assert_eq!(
        move_manual_clock(manual, Timestamp::LATEST),
        Ok(ClockSetting::Manual(Timestamp::LATEST))
    );
    let past_the_end = Timestamp::from_millis(Timestamp::LATEST.millis() + 1);
    assert_eq!(move_manual_clock(manual, past_the_end), Err(ClockError::ClockOutOfRange));
    assert!(change_record_window(None, None, Timestamp::LATEST).is_ok());
}
