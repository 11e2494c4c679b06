//! Partner Center's business rules, as pure functions over values.
//!
//! This crate must not know about I/O, async, serde, SQL, HTTP or the clock: time, ids and the
//! current state are arguments, and every rule answers with a value or an error named after the
//! rule it enforces. The tidy test in `partner-center` checks the dependency boundary.

pub mod access;
pub mod associations;
pub mod audit;
pub mod catalog;
pub mod coupons;
pub mod customers;
pub mod divisions;
pub mod funds;
pub mod members;
pub mod money;
pub mod paging;
pub mod partners;
pub mod realname;
pub mod reports;
pub mod time;
pub mod verification;

pub use money::Money;
pub use time::Timestamp;
