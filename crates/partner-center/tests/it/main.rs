//! The binary's command line, and the tidy checks that hold the whole workspace to
//! ARCHITECTURE.md's invariants.

// Test helpers outside `#[test]` functions may unwrap and index too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod cli;
mod tidy;
