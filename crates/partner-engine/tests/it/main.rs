//! The engine's operations end to end over a real store: world files, authorization, audit.

// Test helpers outside `#[test]` functions may unwrap and index too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod associations;
mod coupons;
mod customers;
mod funds;
mod members;
mod operations;
mod realname;
mod reports;
mod secrets;
mod support;
mod world;
