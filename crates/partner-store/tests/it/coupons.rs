//! `CouponRows`: the quotas a partner issues coupons from.

use partner_domain::{
    Money, Timestamp,
    coupons::{CouponQuota, QuotaType},
    partners::{PartnerId, PartnerKind},
};

use crate::{backends, partner};

#[tokio::test]
async fn coupon_quotas_round_trip_by_partner_in_id_order() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("bolt", PartnerKind::Reseller, Some("acme"), 1)).await.unwrap();
        let quota = CouponQuota {
            id: "q2".into(),
            partner: PartnerId("acme".into()),
            quota_type: QuotaType::Cash,
            value: Money::from_micros(5_000_000),
            balance: Money::from_micros(4_000_001),
            parent_quota: None,
            effective_at: Timestamp::from_millis(1),
            expires_at: Some(Timestamp::from_millis(9)),
        };
        let child = CouponQuota {
            id: "q1".into(),
            quota_type: QuotaType::Voucher,
            parent_quota: Some("q2".into()),
            expires_at: None,
            ..quota.clone()
        };
        let bolts = CouponQuota {
            id: "q3".into(),
            partner: PartnerId("bolt".into()),
            quota_type: QuotaType::Discount,
            ..quota.clone()
        };
        for q in [&quota, &child, &bolts] {
            assert!(tx.insert_coupon_quota(q).await.unwrap(), "{}", b.name);
        }
        assert!(!tx.insert_coupon_quota(&quota).await.unwrap(), "{}: insert is idempotent", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(
            tx.coupon_quotas_of(&PartnerId("acme".into())).await.unwrap(),
            vec![child, quota],
            "{}",
            b.name
        );
        assert_eq!(tx.coupon_quotas_of(&PartnerId("bolt".into())).await.unwrap(), vec![bolts]);
        assert_eq!(tx.coupon_quotas_of(&PartnerId("nobody".into())).await.unwrap(), vec![]);
    }
}
