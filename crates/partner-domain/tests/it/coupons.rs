//! Quotas and coupons: use limits, one table per key; quota arithmetic; the clock's instants.

use partner_domain::{
    Money, Timestamp,
    coupons::{
        self, Coupon, CouponError, CouponIssue, CouponQuota, CouponStatus, LimitValue, OrderLine,
        QuotaLimit, QuotaState, QuotaStatus, QuotaType, ReclaimedValue, UseLimit,
    },
    customers::{AssociationType, CustomerId},
    funds::AccountId,
    partners::{Partner, PartnerId, PartnerKind},
};

use crate::customer_of_p;

const T0: Timestamp = Timestamp::from_millis(1_000_000);
const END: Timestamp = Timestamp::from_millis(2_000_000);

fn yuan(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn limit(key: &str, value1: &str, value2: Option<&str>) -> UseLimit {
    UseLimit {
        id: String::new(),
        key: key.into(),
        value1: value1.into(),
        value2: value2.map(str::to_owned),
        value_unit: None,
        limit_type: None,
    }
}

fn line() -> OrderLine {
    OrderLine {
        cloud_service_type: "hws.service.type.ec2".into(),
        product_id: Some("p-ecs".into()),
        region: "cn-north-4".into(),
        cycle_type: 2,
        subscribe_type: "new".into(),
    }
}

fn quota(limits: Vec<QuotaLimit>) -> CouponQuota {
    CouponQuota {
        id: "q".into(),
        partner: PartnerId("p".into()),
        quota_type: QuotaType::Voucher,
        value: yuan("100"),
        balance: yuan("100"),
        account: AccountId("acct-q".into()),
        parent_quota: None,
        state: QuotaState::Normal,
        created_at: T0,
        updated_at: T0,
        effective_at: T0,
        expires_at: Some(END),
        limits,
    }
}

fn values(key: &str, values: &[(&str, Option<&str>)]) -> QuotaLimit {
    QuotaLimit {
        key: key.into(),
        values: values
            .iter()
            .map(|(v1, v2)| LimitValue { value1: (*v1).into(), value2: v2.map(str::to_owned) })
            .collect(),
    }
}

fn coupon(balance: &str, limits: Vec<UseLimit>) -> Coupon {
    Coupon {
        id: "k".into(),
        customer: CustomerId("c".into()),
        issuer: PartnerId("p".into()),
        quota: "q".into(),
        quota_type: QuotaType::Voucher,
        face_value: yuan("50"),
        balance: yuan(balance),
        account: AccountId("acct-k".into()),
        created_at: T0,
        effective_at: T0,
        expires_at: END,
        reclaimed_at: None,
        use_count: 0,
        last_used_at: None,
        lock_order: None,
        frozen: false,
        memo: None,
        limits,
    }
}

fn partner(id: &str, kind: PartnerKind, parent: Option<&str>) -> Partner {
    Partner {
        id: PartnerId(id.into()),
        name: id.into(),
        kind,
        parent: parent.map(|p| PartnerId(p.into())),
        email: None,
        mobile_phone: None,
        associated_on: T0,
        xaccount_types: Vec::new(),
        realname_attachments: false,
    }
}

/// Each limit key as orders will ask it: does the coupon pay for this line of this order?
#[test]
fn each_limit_key_decides_which_lines_a_coupon_pays() {
    let other = |f: fn(&mut OrderLine)| {
        let mut l = line();
        f(&mut l);
        l
    };
    let cases: Vec<(&str, Vec<UseLimit>, OrderLine, &str, bool)> = vec![
        ("no limit", vec![], line(), "10", true),
        (
            "service type",
            vec![limit("serviceType", "hws.service.type.ec2", None)],
            line(),
            "10",
            true,
        ),
        (
            "other service",
            vec![limit("serviceType", "hws.service.type.obs", None)],
            line(),
            "10",
            false,
        ),
        (
            "either service",
            vec![
                limit("serviceType", "hws.service.type.obs", None),
                limit("serviceType", "hws.service.type.ec2", None),
            ],
            line(),
            "10",
            true,
        ),
        ("product in list", vec![limit("productId", "p-x, p-ecs", None)], line(), "10", true),
        ("product not listed", vec![limit("productId", "p-x", None)], line(), "10", false),
        (
            "line without product",
            vec![limit("productId", "p-ecs", None)],
            other(|l| l.product_id = None),
            "10",
            false,
        ),
        (
            "region code",
            vec![limit("regionCode", "cn-north-4", Some("北京四"))],
            line(),
            "10",
            true,
        ),
        (
            "other region",
            vec![limit("regionCode", "cn-east-3", Some("上海一"))],
            line(),
            "10",
            false,
        ),
        ("amount at minimum", vec![limit("orderAmount", "10", Some("100"))], line(), "10", true),
        (
            "amount below minimum",
            vec![limit("orderAmount", "10", Some("100"))],
            line(),
            "9.99",
            false,
        ),
        ("amount at maximum", vec![limit("orderAmount", "10", Some("100"))], line(), "100", true),
        (
            "amount above maximum",
            vec![limit("orderAmount", "10", Some("100"))],
            line(),
            "100.01",
            false,
        ),
        ("minimum only", vec![limit("orderAmount", "10", None)], line(), "1000000", true),
        ("subscribe type", vec![limit("subscribeType", "new", None)], line(), "10", true),
        ("renewals only", vec![limit("subscribeType", "renew", None)], line(), "10", false),
        ("monthly", vec![limit("cycleType", "2", None)], line(), "10", true),
        ("any yearly or monthly", vec![limit("cycleType", "0", None)], line(), "10", true),
        ("on demand only", vec![limit("cycleType", "5", None)], line(), "10", false),
        (
            "any period excludes on demand",
            vec![limit("cycleType", "0", None)],
            other(|l| l.cycle_type = 5),
            "10",
            false,
        ),
        (
            "keys combine",
            vec![
                limit("serviceType", "hws.service.type.ec2", None),
                limit("regionCode", "cn-east-3", None),
            ],
            line(),
            "10",
            false,
        ),
        (
            "unknown key restricts nothing",
            vec![limit("isOnlyForStrictSelected", "1", None)],
            line(),
            "10",
            true,
        ),
        ("usage times is no line rule", vec![limit("usageTimes", "1", None)], line(), "10", true),
    ];
    for (name, limits, line, amount, expected) in cases {
        assert_eq!(coupons::applies_to(&limits, &line, yuan(amount)), expected, "{name}");
    }
}

#[test]
fn a_coupon_pays_at_most_its_balance_its_share_and_its_uses() {
    let cases: Vec<(&str, Coupon, &str, &str)> = vec![
        ("balance bounds", coupon("30", vec![]), "100", "30"),
        ("due bounds", coupon("30", vec![]), "12.34", "12.34"),
        (
            "a share of the order",
            coupon("30", vec![limit("maxDeductionRatio", "0.1", None)]),
            "123.45",
            "12.34",
        ),
        (
            "used up by count",
            Coupon { use_count: 1, ..coupon("30", vec![limit("usageTimes", "1", None)]) },
            "10",
            "0",
        ),
        (
            "unlimited uses",
            Coupon { use_count: 9, ..coupon("30", vec![limit("usageTimes", "0", None)]) },
            "10",
            "10",
        ),
        ("frozen", Coupon { frozen: true, ..coupon("30", vec![]) }, "10", "0"),
        (
            "held by an order",
            Coupon { lock_order: Some("o".into()), ..coupon("30", vec![]) },
            "10",
            "0",
        ),
        ("reclaimed", Coupon { reclaimed_at: Some(T0), ..coupon("30", vec![]) }, "10", "0"),
    ];
    for (name, coupon, due, expected) in cases {
        assert_eq!(coupons::usable_amount(&coupon, yuan(due), T0), yuan(expected), "{name}");
    }
}

#[test]
fn limits_are_checked_against_their_key() {
    let ok = [
        values("serviceType", &[("hws.service.type.ec2", None)]),
        values("regionCode", &[("cn-north-4", Some("北京四"))]),
        values("orderAmount", &[("10", Some("10"))]),
        values("cycleType", &[("11", None)]),
        values("maxDeductionRatio", &[("1", None)]),
        values("usageTimes", &[("0", None)]),
        values("somethingNew", &[("x", Some("y"))]),
    ];
    for l in &ok {
        assert_eq!(coupons::check_limit(l), Ok(()), "{}", l.key);
    }
    let refused = [
        values("serviceType", &[("hws.service.type.ec2", Some("x"))]),
        values("orderAmount", &[("100", Some("10"))]),
        values("orderAmount", &[("-1", None)]),
        values("cycleType", &[("9", None)]),
        values("maxDeductionRatio", &[("0", None)]),
        values("maxDeductionRatio", &[("1.5", None)]),
        values("subscribeType", &[("upgrade", None)]),
        values("usageTimes", &[("-1", None)]),
        values("serviceType", &[]),
        values("", &[("x", None)]),
    ];
    for l in &refused {
        assert!(coupons::check_limit(l).is_err(), "{} {:?}", l.key, l.values);
    }
}

#[test]
fn quota_status_and_coupon_status_change_at_the_instant() {
    let q = quota(vec![]);
    let before = Timestamp::from_millis(END.millis() - 1);
    assert_eq!(q.status(before), QuotaStatus::Normal);
    assert_eq!(q.status(END), QuotaStatus::Invalid);
    assert_eq!(q.may_spend(before), Ok(()));
    assert_eq!(q.may_spend(END), Err(CouponError::QuotaNotInEffect("q".into())));
    let early = Timestamp::from_millis(T0.millis() - 1);
    assert_eq!(q.may_spend(early), Err(CouponError::QuotaNotInEffect("q".into())));
    let frozen = CouponQuota { state: QuotaState::Frozen, ..q.clone() };
    assert_eq!(frozen.may_spend(T0), Err(CouponError::QuotaStatusForbidsIssuing("q".into())));
    assert_eq!(frozen.status(END), QuotaStatus::Frozen, "a state set by hand shows over expiry");

    let k = coupon("50", vec![]);
    assert_eq!(k.status(early), CouponStatus::NotActivated);
    assert_eq!(k.status(T0), CouponStatus::Usable);
    assert_eq!(k.status(before), CouponStatus::Usable);
    assert_eq!(k.status(END), CouponStatus::Expired);
    assert_eq!(coupon("0", vec![]).status(END), CouponStatus::Used, "used up before expired");
}

#[test]
fn a_grant_is_checked_whole_before_any_reseller() {
    let acme = PartnerId("p".into());
    let q = quota(vec![]);
    let grant =
        |amount: &str, n| coupons::may_grant_from(Some(&q), "q", &acme, yuan(amount), n, T0);
    assert_eq!(grant("25", 4), Ok(()), "exactly the balance");
    assert_eq!(
        grant("25", 5),
        Err(CouponError::QuotaInsufficient { available: yuan("100"), requested: yuan("125") })
    );
    let other = PartnerId("other".into());
    let foreign = coupons::may_grant_from(Some(&q), "q", &other, yuan("1"), 1, T0);
    assert_eq!(foreign, Err(CouponError::QuotaNotFound("q".into())), "another's quota is none");
    let cash = CouponQuota { quota_type: QuotaType::Cash, ..q.clone() };
    let cash = coupons::may_grant_from(Some(&cash), "q", &acme, yuan("1"), 1, T0);
    assert_eq!(cash, Err(CouponError::QuotaNotFound("q".into())), "voucher quotas only");
    let dist = partner("p", PartnerKind::Distributor, None);
    let own = partner("r", PartnerKind::Reseller, Some("p"));
    let far = partner("f", PartnerKind::Reseller, Some("x"));
    assert_eq!(coupons::may_grant_to(&dist, "r", Some(&own)), Ok(()));
    assert_eq!(
        coupons::may_grant_to(&dist, "f", Some(&far)),
        Err(CouponError::NotYourIndirectPartner("f".into()))
    );
    assert_eq!(
        coupons::may_grant_to(&dist, "zz", None),
        Err(CouponError::NotYourIndirectPartner("zz".into()))
    );
}

#[test]
fn batches_hold_one_to_max_items_each_once() {
    let ids = |n: usize| (0..n).map(|i| format!("r{i}")).collect::<Vec<_>>();
    assert_eq!(coupons::batch("ids", ids(100), 100).unwrap().len(), 100);
    assert!(coupons::batch("ids", ids(101), 100).is_err());
    assert!(coupons::batch("ids", Vec::new(), 100).is_err());
    let twice = vec!["a".to_owned(), "b".to_owned(), "a".to_owned()];
    assert_eq!(coupons::batch("ids", twice, 100).unwrap(), ["a", "b"]);
    assert_eq!(coupons::amount("0.01".parse().unwrap()), Ok(yuan("0.01")));
    for bad in ["0", "-1", "0.001"] {
        assert_eq!(
            coupons::amount(bad.parse().unwrap()),
            Err(CouponError::AmountMalformed),
            "{bad}"
        );
    }
}

fn issue(face: &str) -> CouponIssue {
    CouponIssue {
        face_value: yuan(face),
        valid_from: None,
        expires_at: None,
        cloud_service_types: Vec::new(),
        product_ids: Vec::new(),
    }
}

#[test]
fn an_issue_inherits_the_quotas_window_and_limits_and_stays_inside_them() {
    let p = PartnerId("p".into());
    let q = quota(vec![
        values("serviceType", &[("hws.service.type.ec2", None), ("hws.service.type.ebs", None)]),
        values("regionCode", &[("cn-north-4", Some("北京四"))]),
        values("minFaceValue", &[("5", None)]),
        values("maxFaceValue", &[("60", None)]),
        values("maxCouponCount", &[("2", None)]),
    ]);
    let plan = coupons::plan_issue(Some(&q), "q", &p, &issue("50"), T0).unwrap();
    assert_eq!((plan.effective_at, plan.expires_at), (T0, END));
    let keys: Vec<(&str, &str)> =
        plan.limits.iter().map(|l| (l.key.as_str(), l.value1.as_str())).collect();
    assert_eq!(
        keys,
        [
            ("serviceType", "hws.service.type.ec2"),
            ("serviceType", "hws.service.type.ebs"),
            ("regionCode", "cn-north-4")
        ],
        "quota limits travel, issuing bounds stay"
    );
    assert_eq!(plan.max_count, Some(2));
    let narrowed =
        CouponIssue { cloud_service_types: vec!["hws.service.type.ebs".into()], ..issue("50") };
    let plan_n = coupons::plan_issue(Some(&q), "q", &p, &narrowed, T0).unwrap();
    assert_eq!(plan_n.limits.iter().filter(|l| l.key == "serviceType").count(), 1);
    let outside =
        CouponIssue { cloud_service_types: vec!["hws.service.type.obs".into()], ..issue("50") };
    assert_eq!(
        coupons::plan_issue(Some(&q), "q", &p, &outside, T0),
        Err(CouponError::LimitOutsideQuota("service type", "hws.service.type.obs".into()))
    );
    assert_eq!(
        coupons::plan_issue(Some(&q), "q", &p, &issue("4.99"), T0),
        Err(CouponError::FaceValueBelowMinimum(yuan("5")))
    );
    assert_eq!(
        coupons::plan_issue(Some(&q), "q", &p, &issue("60.01"), T0),
        Err(CouponError::FaceValueAboveMaximum(yuan("60")))
    );
    let late =
        CouponIssue { expires_at: Some(Timestamp::from_millis(END.millis() + 1)), ..issue("5") };
    assert_eq!(
        coupons::plan_issue(Some(&q), "q", &p, &late, T0),
        Err(CouponError::ValidityOutsideQuota)
    );
    let other = PartnerId("o".into());
    assert_eq!(
        coupons::plan_issue(Some(&q), "q", &other, &issue("5"), T0),
        Err(CouponError::QuotaNotFound("q".into()))
    );
    let too_many =
        CouponIssue { product_ids: (0..11).map(|i| i.to_string()).collect(), ..issue("5") };
    assert!(too_many.check().is_err());
}

#[test]
fn each_customer_of_an_issue_is_checked_against_what_the_call_issued() {
    let p = partner("p", PartnerKind::SolutionProvider, None);
    let q = quota(vec![
        values("maxCouponCount", &[("2", None)]),
        values("maxTotalFaceValue", &[("25", None)]),
    ]);
    let plan = coupons::plan_issue(Some(&q), "q", &p.id, &issue("10"), T0).unwrap();
    let reseller = customer_of_p(AssociationType::Reseller, T0);
    let referral = customer_of_p(AssociationType::Referral, T0);
    let check = |customer, issued, balance: &str| {
        coupons::may_issue_to(&p, "c", customer, &plan, issued, yuan(balance), yuan("10"))
    };
    assert_eq!(check(Some(&reseller), (0, Money::ZERO), "100"), Ok(()));
    assert_eq!(
        check(Some(&referral), (0, Money::ZERO), "100"),
        Err(CouponError::CooperationTypeForbidsCoupons("c".into()))
    );
    assert_eq!(check(None, (0, Money::ZERO), "100"), Err(CouponError::NotYourCustomer("c".into())));
    assert_eq!(
        check(Some(&reseller), (2, yuan("20")), "100"),
        Err(CouponError::CouponCountOverLimit(2))
    );
    assert_eq!(
        check(Some(&reseller), (1, yuan("20")), "100"),
        Err(CouponError::TotalFaceValueOverLimit(yuan("25")))
    );
    assert_eq!(
        check(Some(&reseller), (0, Money::ZERO), "9.99"),
        Err(CouponError::QuotaInsufficient { available: yuan("9.99"), requested: yuan("10") })
    );
    assert_eq!(
        coupons::may_issue_to(&p, "p", None, &plan, (0, Money::ZERO), yuan("100"), yuan("10")),
        Err(CouponError::IssueToSelf)
    );
}

#[test]
fn a_reclaim_takes_what_is_left_back_to_a_quota_that_can_still_issue_it() {
    let p = PartnerId("p".into());
    let reseller = customer_of_p(AssociationType::Reseller, T0);
    let referral = customer_of_p(AssociationType::Referral, T0);
    let k = coupon("20", vec![]);
    let q = quota(vec![]);
    let reclaim = |coupon: &Coupon, customer, quota: Option<&CouponQuota>, now| {
        coupons::may_reclaim_coupon(&p, "k", Some(coupon), customer, quota, now).map(|(_, to)| to)
    };
    assert_eq!(reclaim(&k, Some(&reseller), Some(&q), T0), Ok(ReclaimedValue::ToQuota));
    assert_eq!(reclaim(&k, Some(&reseller), None, T0), Ok(ReclaimedValue::ToPlatform));
    let frozen = CouponQuota { state: QuotaState::Frozen, ..q.clone() };
    assert_eq!(reclaim(&k, Some(&reseller), Some(&frozen), T0), Ok(ReclaimedValue::ToPlatform));
    assert_eq!(
        reclaim(&k, Some(&referral), Some(&q), T0),
        Err(CouponError::ReferralCouponsNotReclaimable("c".into()))
    );
    for (name, coupon, now) in [
        ("expired", k.clone(), END),
        ("used up", coupon("0", vec![]), T0),
        ("reclaimed", Coupon { reclaimed_at: Some(T0), ..k.clone() }, T0),
        ("held by an order", Coupon { lock_order: Some("o".into()), ..k.clone() }, T0),
    ] {
        assert_eq!(
            reclaim(&coupon, Some(&reseller), Some(&q), now),
            Err(CouponError::CouponNotReclaimable("k".into())),
            "{name}"
        );
    }
    let other = PartnerId("o".into());
    assert_eq!(
        coupons::may_reclaim_coupon(&other, "k", Some(&k), Some(&reseller), Some(&q), T0)
            .map(|(_, to)| to),
        Err(CouponError::CouponNotFound("k".into()))
    );
}

#[test]
fn a_reseller_quota_is_reclaimed_once_by_its_distributor() {
    let acme = PartnerId("p".into());
    let parent = quota(vec![]);
    let child = CouponQuota {
        id: "child".into(),
        partner: PartnerId("r".into()),
        parent_quota: Some("q".into()),
        ..quota(vec![])
    };
    assert!(coupons::may_reclaim_quota(Some(&child), Some(&parent), "child", &acme).is_ok());
    let reclaimed = CouponQuota { state: QuotaState::Reclaimed, ..child.clone() };
    assert_eq!(
        coupons::may_reclaim_quota(Some(&reclaimed), Some(&parent), "child", &acme).err(),
        Some(CouponError::QuotaNotFound("child".into()))
    );
    let other = PartnerId("o".into());
    assert!(coupons::may_reclaim_quota(Some(&child), Some(&parent), "child", &other).is_err());
    assert!(
        coupons::may_reclaim_quota(Some(&parent), None, "q", &acme).is_err(),
        "a platform quota"
    );
}
