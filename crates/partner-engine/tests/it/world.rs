//! World files: validated whole, applied whole, idempotent.

use partner_domain::{Money, funds::AccountKind, partners::PartnerId};
use partner_engine::{Caller, EngineError, customers::SubCustomerQuery, world};

use crate::support::{TestEngine, WORLD, partner};

fn check_invalid(text: &str, expect_in_message: &[&str]) {
    let err = world::parse(text, world::Format::Toml).unwrap_err();
    let EngineError::WorldInvalid(message) = err else { panic!("not WorldInvalid: {err:?}") };
    for part in expect_in_message {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}

#[test]
fn invalid_files_name_the_entry_and_field() {
    let p = |body: &str| format!("[[partners]]\n{body}\n");
    check_invalid(
        &p(r#"id = "x"
name = "x"
kind = "wholesaler""#),
        &["partners[0]", "\"x\"", "kind"],
    );
    check_invalid(
        &p(r#"id = "r"
name = "r"
kind = "reseller""#),
        &["partners[0]", "parent"],
    );
    check_invalid(
        &p(r#"id = "d"
name = "d"
kind = "distributor"
balance = "-1.00""#),
        &["partners[0]", "balance", "negative"],
    );
    check_invalid(
        &p(r#"id = "d"
name = "d"
kind = "distributor"
balance = "1.001""#),
        &["balance", "decimal places"],
    );
    check_invalid(
        &p(r#"id = "d"
name = "d"
kind = "distributor"
colour = "red""#),
        &["partners[0]", "colour"],
    );
    check_invalid(
        "[[partners]]\nid = \"d\"\nname = \"d\"\nkind = \"distributor\"\n[[partners]]\nid = \"d\"\nname = \"e\"\nkind = \"distributor\"\n",
        &["partners[1]", "id", "twice"],
    );
    check_invalid(
        "[[partners]]\nid = \"d\"\nname = \"d\"\nkind = \"distributor\"\nak = \"AK1\"\nsk = \"secret-secret\"\n[[customers]]\nid = \"c\"\nname = \"c\"\nak = \"AK1\"\nsk = \"secret-secret\"\n",
        &["customers[0]", "ak", "twice"],
    );
    check_invalid(
        &p(r#"id = "r"
name = "r"
kind = "reseller"
parent = "nova"
[[partners]]
id = "nova"
name = "n"
kind = "solution_provider""#),
        &["partners[0]", "parent", "not a distributor"],
    );
    check_invalid("[clock]\nmode = \"manual\"\n", &["clock", "now"]);
    check_invalid(
        "[[discounts]]\ncustomer = \"c\"\nkind = \"partner\"\nrate = \"1.5\"\n",
        &["discounts[0]", "rate"],
    );
}

#[tokio::test]
async fn a_reference_to_a_missing_id_applies_nothing() {
    let t = TestEngine::new().await;
    let text = "[[partners]]\nid = \"d\"\nname = \"d\"\nkind = \"distributor\"\nbalance = \"5.00\"\n\
                [[customers]]\nid = \"c\"\nname = \"c\"\npartner = \"ghost\"\n";
    let world = world::parse(text, world::Format::Toml).unwrap();
    let err = t.engine.apply_world(&Caller::system(), &world).await.unwrap_err();
    assert!(err.to_string().contains("ghost"), "{err}");
    let mut tx = t.store.read().await.unwrap();
    assert_eq!(tx.partner(&PartnerId("d".into())).await.unwrap(), None);
}

#[tokio::test]
async fn applying_twice_changes_nothing_the_second_time() {
    let t = TestEngine::with_world().await;
    let again = world::parse(WORLD, world::Format::Toml).unwrap();
    let report = t.engine.apply_world(&Caller::system(), &again).await.unwrap();
    assert_eq!((report.partners_created, report.customers_created), (0, 0));
    let balances = t.engine.list_partner_balances(&partner("acme"), None).await.unwrap();
    let cash = balances.iter().find(|a| a.kind == AccountKind::Cash).unwrap();
    let credit = balances.iter().find(|a| a.kind == AccountKind::Credit).unwrap();
    assert_eq!(cash.balance, Money::parse("1000.50").unwrap());
    assert_eq!(
        (credit.balance, credit.credit_limit),
        (Money::parse("200").unwrap(), Money::parse("200").unwrap())
    );
    let mut tx = t.store.read().await.unwrap();
    assert_eq!(
        tx.balance_sum().await.unwrap(),
        Money::ZERO,
        "opening balances come from the platform"
    );
}

#[tokio::test]
async fn json_and_toml_say_the_same() {
    let json = r#"{"partners": [{"id": "d", "name": "d", "kind": "distributor", "balance": "3.00"}],
                   "customers": [{"id": "c", "name": "c", "partner": "d", "association": "referral"}]}"#;
    let t = TestEngine::new().await;
    t.engine
        .apply_world(&Caller::system(), &world::parse(json, world::Format::Json).unwrap())
        .await
        .unwrap();
    let page =
        t.engine.list_sub_customers(&partner("d"), SubCustomerQuery::default()).await.unwrap();
    assert_eq!(page.total, 1);
}

#[tokio::test]
async fn real_name_attachment_upload_is_on_unless_a_partner_turns_it_off() {
    let text = "[[partners]]\nid = \"on\"\nname = \"on\"\nkind = \"distributor\"\n\
                [[partners]]\nid = \"off\"\nname = \"off\"\nkind = \"solution_provider\"\n\
                realname_attachments = false\n";
    let t = TestEngine::new().await;
    let world = world::parse(text, world::Format::Toml).unwrap();
    t.engine.apply_world(&Caller::system(), &world).await.unwrap();
    let mut tx = t.store.read().await.unwrap();
    for (id, on) in [("on", true), ("off", false)] {
        let partner = tx.partner(&PartnerId(id.into())).await.unwrap().unwrap();
        assert_eq!(partner.realname_attachments, on, "{id}");
    }
    check_invalid(
        &format!(
            "{text}[[partners]]\nid = \"x\"\nname = \"x\"\nkind = \"distributor\"\nrealname_attachments = \"no\"\n"
        ),
        &["realname_attachments"],
    );
}

#[test]
fn the_demo_world_is_valid_and_has_keys() {
    let demo = world::demo().unwrap();
    let roles: Vec<&str> = demo.credentials().iter().map(|c| c.role).collect();
    for role in ["operator", "distributor", "reseller", "solution_provider", "customer"] {
        assert!(roles.contains(&role), "the demo has no {role} key");
    }
}

#[tokio::test]
async fn the_demo_history_leaves_a_record_in_every_list() {
    let t = TestEngine::new().await;
    t.engine.apply_world(&Caller::system(), &world::demo().unwrap()).await.unwrap();
    t.engine.play_demo_history().await.unwrap();
    let acme = partner("dist-acme");
    let records = t.engine.list_partner_adjust_records(&acme, Default::default()).await.unwrap();
    assert_eq!(records.total, 5, "adjusts and reclaims with its customers and resellers");
    // The channel's workflows: a review waiting, a verified customer, a switch waiting, a member.
    let ops = crate::support::operator("ops");
    let pending = partner_domain::realname::ReviewFilter {
        status: partner_domain::realname::ReviewStatus::Pending,
        customer: None,
    };
    let waiting = t.engine.list_realname_reviews(&ops, pending).await.unwrap();
    assert_eq!(waiting.iter().map(|s| s.customer.0.as_str()).collect::<Vec<_>>(), ["cust-meadow"]);
    let changes = t.engine.list_association_changes(&acme).await.unwrap();
    assert_eq!(changes.len(), 1);
    let reports = t.engine.list_customer_reports(&acme, None, None).await.unwrap();
    assert_eq!(reports.rows[0].state, partner_domain::reports::ReportState::Reported);
    // Coupons: two resellers' quotas, three coupons (one reclaimed) and their records.
    let issued = t.engine.list_issued_coupon_quotas(&acme, Default::default()).await.unwrap();
    assert_eq!(issued.page.total, 2);
    let coupons = t.engine.list_issued_partner_coupons(&acme, Default::default()).await.unwrap();
    assert_eq!(coupons.page.total, 2, "acme's own customers'; bolt's is bolt's");
    let for_bolt = partner_engine::coupons::ListQuery {
        indirect_partner_id: Some("resel-bolt".into()),
        ..Default::default()
    };
    let bolt = t.engine.list_issued_partner_coupons(&acme, for_bolt).await.unwrap();
    assert_eq!(bolt.page.total, 1);
    let coupon_records = t.engine.list_partner_coupons_record(&acme, Default::default());
    assert_eq!(coupon_records.await.unwrap().total, 3, "two issues and a reclaim");
    let mei = t.engine.credential("DEMOACMEMEI000000001").await.unwrap().unwrap();
    assert_eq!(mei.member.map(|m| m.name).as_deref(), Some("mei"));
    let mut tx = t.store.read().await.unwrap();
    let lighthouse = partner_domain::customers::CustomerId("cust-lighthouse".into());
    let verified = tx.customer(&lighthouse).await.unwrap().unwrap().verified_status;
    assert_eq!(verified, partner_domain::customers::VerifiedStatus::Verified);
    assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO);
    assert!(tx.accounts_off_their_ledger().await.unwrap().is_empty());
}
