//! `CouponRows`: quotas and coupons on the ledger, their limits, records and lists.

use partner_domain::{
    Money, Timestamp,
    coupons::{
        Between, Coupon, CouponChangeFilter, CouponOperation, CouponQuota, CouponRecord,
        CouponRecordFilter, CouponStatus, CustomerCouponFilter, IssuedCouponFilter,
        IssuedQuotaFilter, LimitValue, QuotaFilter, QuotaLimit, QuotaOperation, QuotaRecord,
        QuotaRecordFilter, QuotaState, QuotaStatus, QuotaType, UseLimit,
    },
    customers::{AssociationType, CustomerId},
    funds::{AccountId, AccountKind, Direction, FundAccount, Owner, TransferKind},
    partners::{PartnerId, PartnerKind},
};

use crate::{backends, customer, page, partner, transfer};

fn account(id: &str, owner: Owner, kind: AccountKind) -> FundAccount {
    FundAccount {
        id: AccountId(id.into()),
        owner,
        kind,
        balance: Money::ZERO,
        designated: Money::ZERO,
        credit_limit: Money::ZERO,
    }
}

fn quota(id: &str, partner: &str, parent: Option<&str>, seq: i64) -> CouponQuota {
    CouponQuota {
        id: id.into(),
        partner: PartnerId(partner.into()),
        quota_type: QuotaType::Voucher,
        value: Money::from_micros(100_000_000),
        balance: Money::ZERO,
        account: AccountId(format!("acct-{id}")),
        parent_quota: parent.map(str::to_owned),
        state: QuotaState::Normal,
        created_at: Timestamp::from_millis(seq),
        updated_at: Timestamp::from_millis(seq),
        effective_at: Timestamp::from_millis(1),
        expires_at: Some(Timestamp::from_millis(1_000)),
        limits: vec![
            QuotaLimit {
                key: "serviceType".into(),
                values: vec![
                    LimitValue { value1: "hws.service.type.ec2".into(), value2: None },
                    LimitValue { value1: "hws.service.type.ebs".into(), value2: None },
                ],
            },
            QuotaLimit {
                key: "regionCode".into(),
                values: vec![LimitValue {
                    value1: "cn-north-4".into(),
                    value2: Some("北京四".into()),
                }],
            },
        ],
    }
}

fn coupon(id: &str, customer: &str, quota: &str, expires: i64) -> Coupon {
    Coupon {
        id: id.into(),
        customer: CustomerId(customer.into()),
        issuer: PartnerId("acme".into()),
        quota: quota.into(),
        quota_type: QuotaType::Voucher,
        face_value: Money::from_micros(10_000_000),
        balance: Money::ZERO,
        account: AccountId(format!("acct-{id}")),
        created_at: Timestamp::from_millis(5),
        effective_at: Timestamp::from_millis(5),
        expires_at: Timestamp::from_millis(expires),
        reclaimed_at: None,
        use_count: 0,
        last_used_at: None,
        lock_order: None,
        frozen: false,
        memo: Some("spring".into()),
        limits: vec![UseLimit {
            id: format!("lim-{id}"),
            key: "serviceType".into(),
            value1: "hws.service.type.ec2".into(),
            value2: None,
            value_unit: None,
            limit_type: None,
        }],
    }
}

#[tokio::test]
async fn quotas_carry_their_ledger_balance_limits_and_status() {
    for b in backends().await {
        let name = b.name;
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("bolt", PartnerKind::Reseller, Some("acme"), 1)).await.unwrap();
        tx.insert_fund_account(&account("platform-10", Owner::Platform, AccountKind::CouponQuota))
            .await
            .unwrap();
        let parent = quota("q-parent", "acme", None, 2);
        let child =
            CouponQuota { limits: Vec::new(), ..quota("q-child", "bolt", Some("q-parent"), 3) };
        for q in [&parent, &child] {
            let owner = Owner::Quota(q.id.clone());
            tx.insert_fund_account(&account(&q.account.0, owner, AccountKind::CouponQuota))
                .await
                .unwrap();
            assert!(tx.insert_coupon_quota(q).await.unwrap(), "{name}");
        }
        assert!(!tx.insert_coupon_quota(&parent).await.unwrap(), "{name}: an id is inserted once");
        let grant = transfer("t1", "platform-10", "acct-q-parent", 100_000_000);
        let carve = transfer("t2", "acct-q-parent", "acct-q-child", 30_000_000);
        tx.post_transfers(&[grant, carve]).await.unwrap();
        tx.touch_quotas(&["q-parent"], Timestamp::from_millis(9)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let locked =
            tx.coupon_quotas_for_update(&["q-parent", "q-child", "q-parent"]).await.unwrap();
        let ids: Vec<&str> = locked.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q-child", "q-parent"], "{name}: once each, in id order");
        assert_eq!(locked[1].balance, Money::from_micros(70_000_000), "{name}");
        assert_eq!(locked[1].limits, parent.limits, "{name}: limits in their order");
        assert_eq!(locked[1].updated_at, Timestamp::from_millis(9), "{name}");
        assert!(
            tx.set_quota_state("q-child", QuotaState::Frozen, Timestamp::from_millis(10))
                .await
                .unwrap()
        );
        assert!(
            !tx.set_quota_state("nobody", QuotaState::Frozen, Timestamp::from_millis(10))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(tx.coupon_quota("q-child").await.unwrap().unwrap().state, QuotaState::Frozen);
        assert_eq!(tx.coupon_quota("nobody").await.unwrap(), None, "{name}");
        assert_eq!(tx.coupon_quotas_of(&PartnerId("acme".into())).await.unwrap().len(), 1);
        let filter = |statuses: Vec<QuotaStatus>| QuotaFilter {
            ids: Vec::new(),
            statuses,
            quota_type: QuotaType::Voucher,
            created: Between::default(),
            effective: Between::default(),
            expires: Between::default(),
        };
        let acme = PartnerId("acme".into());
        let at = |ms| Timestamp::from_millis(ms);
        let normal = filter(vec![QuotaStatus::Normal]);
        let normal = tx.coupon_quotas(&acme, &normal, at(999), page(0, 10));
        assert_eq!(normal.await.unwrap().total, 1, "{name}: normal before its expiry");
        let invalid = filter(vec![QuotaStatus::Invalid]);
        let expired = tx.coupon_quotas(&acme, &invalid, at(1_000), page(0, 10));
        assert_eq!(expired.await.unwrap().total, 1, "{name}: invalid at the instant it expires");
        let cash = QuotaFilter { quota_type: QuotaType::Cash, ..filter(Vec::new()) };
        assert_eq!(tx.coupon_quotas(&acme, &cash, at(5), page(0, 10)).await.unwrap().total, 0);
        let created = QuotaFilter {
            created: Between { after: Some(at(2)), before: None },
            ..filter(Vec::new())
        };
        assert_eq!(
            tx.coupon_quotas(&acme, &created, at(5), page(0, 10)).await.unwrap().total,
            0,
            "{name}: exclusive"
        );

        let everything = IssuedQuotaFilter::default();
        let issued = tx.issued_coupon_quotas(&acme, &everything, page(0, 10));
        let issued = issued.await.unwrap();
        assert_eq!(issued.total, 1, "{name}");
        assert_eq!(issued.rows[0].quota.balance, Money::from_micros(30_000_000));
        assert_eq!(issued.rows[0].reseller_name, "bolt name", "{name}");
        let empty_parent =
            IssuedQuotaFilter { parent_quota: Some(String::new()), ..IssuedQuotaFilter::default() };
        assert_eq!(
            tx.issued_coupon_quotas(&acme, &empty_parent, page(0, 10)).await.unwrap().total,
            0
        );
        let bolt = PartnerId("bolt".into());
        assert_eq!(
            tx.issued_coupon_quotas(&bolt, &IssuedQuotaFilter::default(), page(0, 10))
                .await
                .unwrap()
                .total,
            0,
            "{name}: a reseller granted nothing"
        );
    }
}

#[tokio::test]
async fn quota_and_coupon_records_filter_and_page() {
    for b in backends().await {
        let name = b.name;
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("bolt", PartnerKind::Reseller, Some("acme"), 1)).await.unwrap();
        let record = |id: &str, operation: QuotaOperation, succeeded: bool| QuotaRecord {
            id: id.into(),
            distributor: PartnerId("acme".into()),
            operator: "acme".into(),
            operation,
            quota: succeeded.then(|| "q-child".to_owned()),
            parent_quota: Some("q-parent".into()),
            reseller: "bolt".into(),
            reseller_name: None,
            amount: Money::from_micros(1_000_000),
            at: Timestamp::from_millis(id.len() as i64),
            succeeded,
            remark: None,
        };
        let records = [
            record("r1", QuotaOperation::Grant, true),
            record("r22", QuotaOperation::Grant, false),
            record("r333", QuotaOperation::Reclaim, true),
        ];
        tx.insert_quota_records(&records).await.unwrap();
        let coupon_record =
            |id: &str, operation: CouponOperation, coupon: Option<&str>| CouponRecord {
                id: id.into(),
                partner: PartnerId("acme".into()),
                operation,
                quota: "q-parent".into(),
                quota_type: QuotaType::Voucher,
                coupon: coupon.map(str::to_owned),
                customer: "c1".into(),
                amount: Money::from_micros(2_000_000),
                at: Timestamp::from_millis(4),
                succeeded: coupon.is_some(),
                remark: Some("memo".into()),
            };
        tx.insert_coupon_records(&[
            coupon_record("cr1", CouponOperation::Issue, Some("k1")),
            coupon_record("cr2", CouponOperation::Issue, None),
            coupon_record("cr3", CouponOperation::Reclaim, Some("k1")),
        ])
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let acme = PartnerId("acme".into());
        let all =
            tx.quota_records(&acme, &QuotaRecordFilter::default(), page(0, 10)).await.unwrap();
        let ids: Vec<&str> = all.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["r333", "r22", "r1"], "{name}: newest first");
        assert_eq!(all.rows[0].reseller_name.as_deref(), Some("bolt name"), "{name}");
        assert_eq!(
            all.rows[2],
            QuotaRecord { reseller_name: Some("bolt name".into()), ..records[0].clone() }
        );
        let grants =
            QuotaRecordFilter { operation: Some(QuotaOperation::Grant), ..Default::default() };
        assert_eq!(tx.quota_records(&acme, &grants, page(1, 1)).await.unwrap().rows.len(), 1);
        let later = QuotaRecordFilter {
            at: Between { after: Some(Timestamp::from_millis(3)), before: None },
            ..Default::default()
        };
        assert_eq!(tx.quota_records(&acme, &later, page(0, 10)).await.unwrap().total, 1, "{name}");

        let all =
            tx.coupon_records(&acme, &CouponRecordFilter::default(), page(0, 10)).await.unwrap();
        assert_eq!(all.total, 3, "{name}");
        let reclaims =
            CouponRecordFilter { operations: Some(vec!["2".into()]), ..Default::default() };
        assert_eq!(tx.coupon_records(&acme, &reclaims, page(0, 10)).await.unwrap().total, 1);
        let none = CouponRecordFilter { operations: Some(Vec::new()), ..Default::default() };
        assert_eq!(tx.coupon_records(&acme, &none, page(0, 10)).await.unwrap().total, 0, "{name}");
        let failed = CouponRecordFilter { succeeded: Some(false), ..Default::default() };
        let failed = tx.coupon_records(&acme, &failed, page(0, 10)).await.unwrap();
        assert_eq!(failed.rows[0].id, "cr2", "{name}");
        let of_coupon =
            CouponRecordFilter { coupons: Some(vec!["k1".into()]), ..Default::default() };
        assert_eq!(tx.coupon_records(&acme, &of_coupon, page(0, 10)).await.unwrap().total, 2);
    }
}

#[tokio::test]
async fn coupons_show_status_from_balance_and_clock_and_list_their_changes() {
    for b in backends().await {
        let name = b.name;
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        let mut reseller_customer = customer("c1", "acme", 1);
        if let Some(a) = reseller_customer.association.as_mut() {
            a.kind = AssociationType::Reseller;
        }
        tx.insert_customer(&reseller_customer).await.unwrap();
        tx.insert_customer(&customer("c2", "acme", 1)).await.unwrap();
        let q = quota("q", "acme", None, 1);
        tx.insert_fund_account(&account(
            "acct-q",
            Owner::Quota("q".into()),
            AccountKind::CouponQuota,
        ))
        .await
        .unwrap();
        tx.insert_coupon_quota(&q).await.unwrap();
        tx.insert_fund_account(&account("platform-10", Owner::Platform, AccountKind::CouponQuota))
            .await
            .unwrap();
        let coupons = [
            coupon("k1", "c1", "q", 100),
            coupon("k2", "c1", "q", 50),
            coupon("k3", "c2", "q", 100),
        ];
        for c in &coupons {
            let owner = Owner::Coupon(c.id.clone());
            tx.insert_fund_account(&account(&c.account.0, owner, AccountKind::Coupon))
                .await
                .unwrap();
        }
        tx.insert_coupons(&coupons).await.unwrap();
        let mut moves = vec![transfer("g", "platform-10", "acct-q", 100_000_000)];
        for (n, c) in coupons.iter().enumerate() {
            let mut t = transfer(&format!("i{n}"), "acct-q", &c.account.0, 10_000_000);
            t.kind = TransferKind::CouponIssue;
            moves.push(t);
        }
        let mut back = transfer("back", "acct-k2", "acct-q", 10_000_000);
        back.kind = TransferKind::CouponReclaim;
        moves.push(back);
        tx.post_transfers(&moves).await.unwrap();
        assert!(tx.set_coupon_reclaimed("k2", Timestamp::from_millis(20)).await.unwrap());
        assert!(
            !tx.set_coupon_reclaimed("k2", Timestamp::from_millis(21)).await.unwrap(),
            "{name}"
        );
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let k1 = tx.coupon_for_update("k1").await.unwrap().unwrap();
        assert_eq!(
            k1,
            Coupon { balance: Money::from_micros(10_000_000), ..coupons[0].clone() },
            "{name}"
        );
        tx.commit().await.unwrap();
        let mut tx = b.store.read().await.unwrap();
        assert_eq!(tx.coupon("nobody").await.unwrap(), None);
        let k2 = tx.coupon("k2").await.unwrap().unwrap();
        assert_eq!(k2.status(Timestamp::from_millis(30)), CouponStatus::Reclaimed, "{name}");

        let acme = PartnerId("acme".into());
        let at = Timestamp::from_millis(60);
        let issued = tx
            .issued_coupons(&acme, &IssuedCouponFilter::default(), at, page(0, 10))
            .await
            .unwrap();
        let ids: Vec<&str> = issued.rows.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["k2", "k1"], "{name}: reseller customers only, newest first");
        let usable =
            IssuedCouponFilter { status: Some(CouponStatus::Usable), ..Default::default() };
        assert_eq!(tx.issued_coupons(&acme, &usable, at, page(0, 10)).await.unwrap().total, 1);
        let expired =
            IssuedCouponFilter { status: Some(CouponStatus::Expired), ..Default::default() };
        let expired = tx.issued_coupons(&acme, &expired, Timestamp::from_millis(100), page(0, 10));
        assert_eq!(expired.await.unwrap().rows[0].id, "k1", "{name}: expired at the instant");

        let c1 = CustomerId("c1".into());
        let everything = CustomerCouponFilter::default();
        let mine = tx.customer_coupons(&c1, &everything, at, page(0, 10));
        assert_eq!(mine.await.unwrap().total, 2, "{name}");
        let from_acme = CustomerCouponFilter { source: Some("acme".into()), ..Default::default() };
        assert_eq!(tx.customer_coupons(&c1, &from_acme, at, page(0, 10)).await.unwrap().total, 2);
        let plan = CustomerCouponFilter { promotion_plan: Some("p".into()), ..Default::default() };
        assert_eq!(tx.customer_coupons(&c1, &plan, at, page(0, 10)).await.unwrap().total, 0);

        let changes = CouponChangeFilter {
            kinds: None,
            direction: None,
            from: Timestamp::from_millis(0),
            to: Timestamp::from_millis(1_000),
            transfer_id: None,
            coupon: None,
        };
        let all = tx.coupon_changes(&c1, &changes, page(0, 10)).await.unwrap();
        assert_eq!(all.total, 3, "{name}: two issues and a reclaim");
        assert_eq!(all.rows[0].coupon, "k2");
        assert_eq!(all.rows[0].entry.kind, TransferKind::CouponReclaim, "{name}");
        assert_eq!(all.rows[0].entry.balance_after, Money::ZERO);
        let spent = CouponChangeFilter { direction: Some(Direction::Expense), ..changes.clone() };
        assert_eq!(tx.coupon_changes(&c1, &spent, page(0, 10)).await.unwrap().total, 1, "{name}");
        let of_k1 = CouponChangeFilter { coupon: Some("k1".into()), ..changes.clone() };
        assert_eq!(tx.coupon_changes(&c1, &of_k1, page(0, 10)).await.unwrap().total, 1);
        let kinds = CouponChangeFilter { kinds: Some(vec![TransferKind::CouponIssue]), ..changes };
        assert_eq!(tx.coupon_changes(&c1, &kinds, page(0, 10)).await.unwrap().total, 2, "{name}");
        assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{name}: coupon value conserved");
        assert!(tx.accounts_off_their_ledger().await.unwrap().is_empty(), "{name}");
    }
}
