//! The business rules, tested once, here, as data.

// Test helpers outside `#[test]` functions may unwrap and index too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod associations;
mod customers;
mod divisions;
mod funds;
mod members;
mod money;
mod paging;
mod partners;
mod realname;
mod reports;
mod time;
mod verification;
