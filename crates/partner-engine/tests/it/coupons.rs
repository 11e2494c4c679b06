//! Coupon value on the ledger through the engine, on every backend: random grants, issues
//! and reclaims conserve it exactly, and concurrent grants from one quota never overdraw it.

use partner_domain::{Money, coupons::QuotaState, partners::PartnerId};
use partner_engine::coupons::{CouponGrant, QuotaGrant, QuotaReclaim};
use rand::{Rng, SeedableRng, rngs::StdRng};
use rust_decimal::Decimal;

use crate::support::{TestEngine, partner};

const COUPON_WORLD: &str = r#"
[clock]
mode = "manual"
now = "2026-02-01T00:00:00Z"

[[partners]]
id = "acme"
name = "acme"
kind = "distributor"
coupon_quotas = [{ id = "qa", amount = "500.00", expires = "2027-02-01T00:00:00Z" }]

[[partners]]
id = "bolt"
name = "bolt"
kind = "reseller"
parent = "acme"

[[partners]]
id = "cove"
name = "cove"
kind = "reseller"
parent = "acme"

[[partners]]
id = "far"
name = "far"
kind = "reseller"
parent = "nova"

[[partners]]
id = "nova"
name = "nova"
kind = "distributor"
coupon_quotas = [{ id = "qn", amount = "80.00" }]

[[customers]]
id = "a1"
name = "a1"
partner = "acme"

[[customers]]
id = "a-ref"
name = "a-ref"
partner = "acme"
association = "referral"

[[customers]]
id = "b1"
name = "b1"
partner = "bolt"

[[customers]]
id = "n1"
name = "n1"
partner = "nova"
"#;

async fn quota_balance(t: &TestEngine, id: &str) -> Money {
    let mut tx = t.store.read().await.unwrap();
    tx.coupon_quota(id).await.unwrap().map(|q| q.balance).unwrap_or(Money::ZERO)
}

/// Coupon value is neither created nor lost: the ledger sums to zero, every balance is its
/// entries, and the platform's quota account holds minus what it granted.
async fn check_ledger(t: &TestEngine) {
    let mut tx = t.store.read().await.unwrap();
    assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{}", t.backend);
    assert_eq!(tx.accounts_off_their_ledger().await.unwrap(), vec![], "{}", t.backend);
    let platform = tx
        .fund_account(
            &partner_domain::funds::Owner::Platform,
            partner_domain::funds::AccountKind::CouponQuota,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!platform.balance.is_positive(), "{}", t.backend);
}

#[tokio::test]
async fn random_coupon_operations_conserve_value_and_never_overdraw_a_quota() {
    const CALLERS: [&str; 3] = ["acme", "nova", "bolt"];
    const RESELLERS: [&str; 4] = ["bolt", "cove", "far", "nobody"];
    const CUSTOMERS: [&str; 4] = ["a1", "a-ref", "b1", "n1"];
    for backend in TestEngine::backends() {
        for seed in 0..2_u64 {
            let t = TestEngine::with(backend, COUPON_WORLD).await;
            let mut rng = StdRng::seed_from_u64(seed);
            let mut children: Vec<String> = Vec::new();
            let mut coupons: Vec<(String, &str)> = Vec::new();
            for _ in 0..60 {
                let caller = CALLERS[rng.random_range(0..CALLERS.len())];
                let amount = Decimal::new(rng.random_range(1..=9_000), 2);
                match rng.random_range(0..4) {
                    0 => {
                        let n = rng.random_range(1..=3);
                        let resellers = (0..n)
                            .map(|_| RESELLERS[rng.random_range(0..RESELLERS.len())].to_owned())
                            .collect();
                        let quota = if caller == "nova" { "qn" } else { "qa" };
                        let grant =
                            QuotaGrant { quota_id: quota.into(), reseller_ids: resellers, amount };
                        if let Ok(outcome) =
                            t.engine.update_coupon_quotas(&partner(caller), grant).await
                        {
                            children.extend(outcome.done.into_iter().map(|(_, q)| q));
                        }
                    }
                    1 if !children.is_empty() => {
                        let quota = children[rng.random_range(0..children.len())].clone();
                        let reclaim = QuotaReclaim { quota_ids: vec![quota], remark: None };
                        let _ = t.engine.reclaim_coupon_quotas(&partner(caller), reclaim).await;
                    }
                    2 => {
                        let (who, quota, indirect) = match (caller, children.first()) {
                            ("bolt", Some(child)) => {
                                ("acme", child.clone(), Some("bolt".to_owned()))
                            }
                            ("nova", _) => ("nova", "qn".to_owned(), None),
                            _ => ("acme", "qa".to_owned(), None),
                        };
                        let customer = CUSTOMERS[rng.random_range(0..CUSTOMERS.len())];
                        let grant = CouponGrant {
                            quota_id: quota,
                            customer_ids: vec![customer.into()],
                            face_value: amount,
                            valid_from: None,
                            expires_at: None,
                            cloud_service_types: Vec::new(),
                            product_ids: Vec::new(),
                            memo: None,
                            indirect_partner_id: indirect,
                        };
                        if let Ok(outcome) =
                            t.engine.create_partner_coupons(&partner(who), grant).await
                        {
                            coupons.extend(outcome.done.into_iter().map(|(_, c)| (c, who)));
                        }
                    }
                    _ if !coupons.is_empty() => {
                        let (coupon, who) = coupons[rng.random_range(0..coupons.len())].clone();
                        let _ =
                            t.engine.reclaim_partner_coupons(&partner(who), &coupon, None).await;
                    }
                    _ => {}
                }
                for quota in ["qa", "qn"] {
                    assert!(!quota_balance(&t, quota).await.is_negative(), "{backend} seed {seed}");
                }
            }
            // What the platform granted is all still somewhere: in quotas or coupons.
            let mut tx = t.store.read().await.unwrap();
            let acme = tx.coupon_quotas_of(&PartnerId("acme".into())).await.unwrap();
            assert!(acme.iter().all(|q| !q.balance.is_negative()));
            drop(tx);
            check_ledger(&t).await;
        }
    }
}

#[tokio::test]
async fn concurrent_grants_from_one_quota_carve_exactly_what_it_holds() {
    for backend in TestEngine::backends() {
        let t = std::sync::Arc::new(TestEngine::with(backend, COUPON_WORLD).await);
        // 500.00 in the quota, 32 grants of 20.00 to two resellers each: 12 fit, 20 do not.
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let t = t.clone();
            tasks.push(tokio::spawn(async move {
                let grant = QuotaGrant {
                    quota_id: "qa".into(),
                    reseller_ids: vec!["bolt".into(), "cove".into()],
                    amount: Decimal::new(2_000, 2),
                };
                t.engine.update_coupon_quotas(&partner("acme"), grant).await.is_ok()
            }));
        }
        let mut granted = 0;
        for task in tasks {
            if task.await.unwrap() {
                granted += 1;
            }
        }
        assert_eq!(granted, 12, "{backend}: as many as fit, no more");
        assert_eq!(quota_balance(&t, "qa").await, Money::parse("20.00").unwrap(), "{backend}");
        let mut tx = t.store.read().await.unwrap();
        let bolt = tx.coupon_quotas_of(&PartnerId("bolt".into())).await.unwrap();
        assert_eq!(bolt.len(), 12, "{backend}");
        assert!(
            bolt.iter()
                .all(|q| q.state == QuotaState::Normal && q.parent_quota.as_deref() == Some("qa"))
        );
        drop(tx);
        check_ledger(&t).await;
    }
}
