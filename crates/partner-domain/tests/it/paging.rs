//! Offset paging: defaults, bounds, and pages that never repeat or skip a row.

use partner_domain::paging::{PageError, PageRules};

const RULES: PageRules = PageRules::PARTNER_LISTS;

#[test]
fn defaults_and_bounds() {
    let rows: Vec<u32> = (1..=25).collect();
    assert_eq!(
        RULES.page(None, None).unwrap().cut(rows.clone()).rows,
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(RULES.page(Some(0), Some(101)), Err(PageError::LimitOutOfRange { max: 100 }));
    assert_eq!(RULES.page(Some(0), Some(0)), Err(PageError::LimitOutOfRange { max: 100 }));
    assert_eq!(RULES.page(Some(-1), None), Err(PageError::OffsetOutOfRange { max: 40_000_000 }));
    assert_eq!(
        RULES.page(Some(40_000_001), None),
        Err(PageError::OffsetOutOfRange { max: 40_000_000 })
    );
}

#[test]
fn offset_is_a_row_offset() {
    // customers.md §13.22: offset 1, limit 10 over 10 matches returns rows 2–10, count 10.
    let page = RULES.page(Some(1), Some(10)).unwrap().cut((1..=10).collect::<Vec<u32>>());
    assert_eq!(page.total, 10);
    assert_eq!(page.rows, (2..=10).collect::<Vec<_>>());
    let beyond = RULES.page(Some(50), Some(10)).unwrap().cut((1..=10).collect::<Vec<u32>>());
    assert_eq!((beyond.total, beyond.rows.len()), (10, 0));
}

#[test]
fn consecutive_pages_cover_every_row_once() {
    let rows: Vec<u32> = (0..97).collect();
    let mut seen = Vec::new();
    for offset in (0..100).step_by(7) {
        seen.extend(RULES.page(Some(offset), Some(7)).unwrap().cut(rows.clone()).rows);
    }
    assert_eq!(seen, rows);
}
