//! The HTTP layer's own concerns: signatures, the gateway's rejections, the CBC table and the
//! OpenAPI document. Per-operation behaviour is tested through the official SDK in `tests/sdk`.

// Test helpers outside `#[test]` functions may unwrap and index too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod gateway;
mod signature;
mod snapshots;
mod support;
