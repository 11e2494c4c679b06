//! The business rules, tested once, here, as data.

mod funds;
mod money;
mod paging;
mod partners;
