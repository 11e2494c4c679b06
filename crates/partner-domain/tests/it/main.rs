//! The business rules, tested once, here, as data.

// Test helpers outside `#[test]` functions may unwrap and index too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod associations;
mod coupons;
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

use partner_domain::{
    Timestamp,
    customers::{Association, AssociationType, Customer, CustomerId, CustomerType, VerifiedStatus},
    partners::PartnerId,
};

/// Customer `c` of partner `p`, associated as `kind` at `associated_on`, unverified: the
/// tests change what their rule reads.
fn customer_of_p(kind: AssociationType, associated_on: Timestamp) -> Customer {
    Customer {
        id: CustomerId("c".into()),
        account_name: "c".into(),
        association: Some(Association { partner: PartnerId("p".into()), kind, associated_on }),
        email: None,
        mobile_phone: None,
        country: "CN".into(),
        label: None,
        real_name: None,
        xaccount_id: None,
        xaccount_type: None,
        verified_status: VerifiedStatus::Unverified,
        customer_type: CustomerType::Unset,
        frozen: 0,
        level: "V0".into(),
        marketing_messages: true,
    }
}
