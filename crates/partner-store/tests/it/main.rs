//! The store contract: every backend passes the same story. SQLite always; PostgreSQL when
//! `PARTNER_TEST_POSTGRES_URL` names a server (each test gets a fresh database on it).

// Test helpers outside `#[test]` functions may unwrap and index too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::Arc;

use partner_domain::{
    Money, Timestamp,
    access::{AccessKey, OwnerKind},
    audit::{Actor, AuditEvent},
    customers::{Association, AssociationType, Customer, CustomerId, CustomerType, VerifiedStatus},
    funds::{AccountId, AccountKind, FundAccount, Owner, Transfer, TransferKind},
    paging::PageRules,
    partners::{Partner, PartnerId, PartnerKind},
    time::ClockSetting,
};
use partner_store::{Store, StoreError};

/// A store under test and what keeps its database alive.
struct Backend {
    name: &'static str,
    store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    /// The admin URL and the name of a PostgreSQL database to drop when done.
    postgres: Option<(String, String)>,
}

impl Drop for Backend {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            });
        })
        .join()
        .unwrap();
    }
}

async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/pc.db", dir.path().display());
    let store = partner_store::open(&url).await.unwrap();
    let mut all = vec![Backend { name: "sqlite", store, _dir: Some(dir), postgres: None }];
    if let Ok(admin) = std::env::var("PARTNER_TEST_POSTGRES_URL") {
        use sqlx::Connection;
        let name = format!("pc_store_{}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        let store = partner_store::open(&format!("{base}/{name}")).await.unwrap();
        all.push(Backend { name: "postgres", store, _dir: None, postgres: Some((admin, name)) });
    }
    all
}

fn partner(id: &str, kind: PartnerKind, parent: Option<&str>, on: i64) -> Partner {
    Partner {
        id: PartnerId(id.into()),
        name: format!("{id} name"),
        kind,
        parent: parent.map(|p| PartnerId(p.into())),
        email: Some(format!("{id}@example.com")),
        mobile_phone: None,
        associated_on: Timestamp::from_millis(on),
        xaccount_types: vec!["idp-a".into(), "idp-b".into()],
    }
}

fn customer(id: &str, partner: &str, on: i64) -> Customer {
    Customer {
        id: CustomerId(id.into()),
        account_name: id.into(),
        association: Some(Association {
            partner: PartnerId(partner.into()),
            kind: AssociationType::Referral,
            associated_on: Timestamp::from_millis(on),
        }),
        email: None,
        mobile_phone: Some("13800000000".into()),
        country: "CN".into(),
        label: Some("Spring".into()),
        real_name: None,
        xaccount_id: None,
        xaccount_type: None,
        verified_status: VerifiedStatus::Verified,
        customer_type: CustomerType::Enterprise,
        frozen: 0,
        level: "V3".into(),
    }
}

fn cash(id: &str, owner: Owner) -> FundAccount {
    FundAccount {
        id: AccountId(id.into()),
        owner,
        kind: AccountKind::Cash,
        balance: Money::ZERO,
        designated: Money::ZERO,
        credit_limit: Money::ZERO,
    }
}

fn transfer(id: &str, from: &str, to: &str, micros: i64) -> Transfer {
    Transfer {
        id: id.into(),
        debit: AccountId(from.into()),
        credit: AccountId(to.into()),
        amount: Money::from_micros(micros),
        kind: TransferKind::Opening,
        at: Timestamp::from_millis(7),
        parties: None,
    }
}

#[tokio::test]
async fn partners_and_customers_round_trip_in_a_stable_order() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        let acme = partner("acme", PartnerKind::Distributor, None, 1);
        assert!(tx.insert_partner(&acme).await.unwrap(), "{}", b.name);
        assert!(!tx.insert_partner(&acme).await.unwrap(), "{}: insert is idempotent", b.name);
        for (id, on) in [("r-b", 5), ("r-a", 5), ("r-c", 2)] {
            tx.insert_partner(&partner(id, PartnerKind::Reseller, Some("acme"), on)).await.unwrap();
        }
        for (id, on) in [("c2", 9), ("c1", 9), ("c0", 3)] {
            tx.insert_customer(&customer(id, "acme", on)).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(tx.partner(&acme.id).await.unwrap(), Some(acme.clone()), "{}", b.name);
        assert_eq!(tx.partner(&PartnerId("nobody".into())).await.unwrap(), None);
        let page = PageRules::PARTNER_LISTS.page(None, None).unwrap();
        let resellers = tx.indirect_partners(&acme.id, &Default::default(), page).await.unwrap();
        let ids: Vec<String> = resellers.rows.into_iter().map(|p| p.id.0).collect();
        assert_eq!(ids, ["r-c", "r-a", "r-b"], "{}", b.name);
        let customers = tx.sub_customers(&acme.id, &Default::default(), page).await.unwrap().rows;
        let ids: Vec<&str> = customers.iter().map(|c| c.id.0.as_str()).collect();
        assert_eq!(ids, ["c0", "c1", "c2"], "{}", b.name);
        assert_eq!(customers[0], customer("c0", "acme", 3), "{}", b.name);
    }
}

#[tokio::test]
async fn transfers_move_both_balances_and_conserve_money() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_fund_account(&cash("platform", Owner::Platform)).await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_fund_account(&cash("acme-cash", Owner::Partner(PartnerId("acme".into()))))
            .await
            .unwrap();
        tx.post_transfer(&transfer("t1", "platform", "acme-cash", 2_500_000)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let err = tx.post_transfer(&transfer("t1", "platform", "acme-cash", 1)).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{}: {err}", b.name);
        drop(tx);

        // A transaction dropped without commit leaves nothing behind.
        let mut tx = b.store.write().await.unwrap();
        tx.post_transfer(&transfer("t2", "platform", "acme-cash", 1)).await.unwrap();
        drop(tx);

        let mut tx = b.store.read().await.unwrap();
        let acme = tx
            .fund_account(&Owner::Partner(PartnerId("acme".into())), AccountKind::Cash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(acme.balance, Money::from_micros(2_500_000), "{}", b.name);
        assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{}", b.name);
    }
}

#[tokio::test]
async fn concurrent_writers_lose_no_update() {
    const WRITERS: i64 = 24;
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_fund_account(&cash("platform", Owner::Platform)).await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_fund_account(&cash("acme-cash", Owner::Partner(PartnerId("acme".into()))))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let tasks: Vec<_> = (0..WRITERS)
            .map(|n| {
                let store = b.store.clone();
                tokio::spawn(async move {
                    let mut tx = store.write().await.unwrap();
                    tx.post_transfer(&transfer(&format!("t{n}"), "platform", "acme-cash", 1_000))
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let mut tx = b.store.read().await.unwrap();
        let acme = tx
            .fund_account(&Owner::Partner(PartnerId("acme".into())), AccountKind::Cash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(acme.balance, Money::from_micros(WRITERS * 1_000), "{}", b.name);
        assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{}", b.name);
    }
}

#[tokio::test]
async fn catalog_discounts_and_coupon_quotas_round_trip() {
    use partner_domain::{
        catalog::{Discount, DiscountKind, Price},
        coupons::{CouponQuota, QuotaType},
    };
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_customer(&customer("c1", "acme", 2)).await.unwrap();
        let price = Price {
            cloud_service_type: "hws.service.type.ec2".into(),
            resource_type: "hws.resource.type.vm".into(),
            resource_spec: "s6.small.1.linux".into(),
            region: "cn-north-4".into(),
            on_demand_hourly: Some("0.0000001234".parse().unwrap()),
            monthly: Some("32.20".parse().unwrap()),
            yearly: None,
        };
        assert!(tx.insert_price(&price).await.unwrap());
        assert!(!tx.insert_price(&price).await.unwrap());
        let discount = Discount {
            id: "d1".into(),
            customer: "c1".into(),
            kind: DiscountKind::Partner,
            rate: "0.85".parse().unwrap(),
            cloud_service_type: None,
        };
        assert!(tx.insert_discount(&discount).await.unwrap());
        let quota = CouponQuota {
            id: "q1".into(),
            partner: PartnerId("acme".into()),
            quota_type: QuotaType::Cash,
            value: Money::from_micros(5_000_000),
            balance: Money::from_micros(5_000_000),
            parent_quota: None,
            effective_at: Timestamp::from_millis(1),
            expires_at: Some(Timestamp::from_millis(9)),
        };
        assert!(tx.insert_coupon_quota(&quota).await.unwrap());
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(
            tx.prices().await.unwrap(),
            vec![price],
            "{}: prices keep 10 decimals exactly",
            b.name
        );
        assert_eq!(
            tx.discounts_of(&CustomerId("c1".into())).await.unwrap(),
            vec![discount],
            "{}",
            b.name
        );
        assert_eq!(
            tx.coupon_quotas_of(&PartnerId("acme".into())).await.unwrap(),
            vec![quota],
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn clock_keys_and_audit() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.clock().await.unwrap(), None, "{}", b.name);
        tx.set_clock(ClockSetting::Manual(Timestamp::from_millis(42))).await.unwrap();
        tx.set_clock(ClockSetting::Manual(Timestamp::from_millis(43))).await.unwrap();
        assert!(tx.insert_operator("ops").await.unwrap());
        let key = AccessKey {
            ak: "AK1".into(),
            sk: "secret-secret".into(),
            owner_kind: OwnerKind::Operator,
            owner_id: "ops".into(),
            created_at: Timestamp::from_millis(1),
            revoked_at: None,
        };
        assert!(tx.insert_access_key(&key).await.unwrap());
        let event = AuditEvent {
            id: "e1".into(),
            at: Timestamp::from_millis(43),
            actor: Actor::Operator("ops".into()),
            source_ip: "127.0.0.1".into(),
            request_id: "r1".into(),
            operation: "CreateAccessKey".into(),
            target: "access_key:AK1".into(),
            result: "success".into(),
        };
        tx.insert_audit_event(&event).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        assert_eq!(
            tx.clock().await.unwrap(),
            Some(ClockSetting::Manual(Timestamp::from_millis(43)))
        );
        assert!(tx.operator_exists("ops").await.unwrap());
        assert_eq!(tx.access_key("AK1").await.unwrap(), Some(key.clone()), "{}", b.name);
        assert!(tx.revoke_access_key("AK1", Timestamp::from_millis(50)).await.unwrap());
        assert!(!tx.revoke_access_key("AK1", Timestamp::from_millis(51)).await.unwrap());
        assert_eq!(
            tx.access_key("AK1").await.unwrap().unwrap().revoked_at,
            Some(Timestamp::from_millis(50))
        );
        assert_eq!(tx.audit_events(10).await.unwrap(), vec![event], "{}", b.name);
    }
}
