//! Reports, invitations and the association rules: each rule, their order, and the 7- and
//! 15-day boundaries at the exact instant.

use partner_domain::{
    Timestamp,
    customers::{Association, AssociationType, Customer, CustomerId, CustomerType, VerifiedStatus},
    partners::{Partner, PartnerId, PartnerKind},
    reports::{
        self, DIRECT_ASSOCIATION_MS, Eligibility, ONLINE_INVITATION_MS, REPORT_VALIDITY_MS, Report,
        ReportError as E, ReportRequest, ReportState, ReportStatus, Restriction, ReviewDecision,
        Standing,
    },
};

const NOW: i64 = 1_000 * REPORT_VALIDITY_MS;

fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(millis)
}

fn customer() -> Customer {
    Customer {
        id: CustomerId("c".into()),
        account_name: "carol".into(),
        association: None,
        email: Some("Carol@example.com".into()),
        mobile_phone: Some("13800000001".into()),
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

fn partner(id: &str) -> Partner {
    Partner {
        id: PartnerId(id.into()),
        name: id.into(),
        kind: PartnerKind::Distributor,
        parent: None,
        email: Some(format!("{id}@example.com")),
        mobile_phone: None,
        associated_on: at(0),
        xaccount_types: vec![],
        realname_attachments: true,
    }
}

fn standing(registered_ago: i64, restrictions: &[Restriction]) -> Standing {
    Standing { registered_at: at(NOW - registered_ago), restrictions: restrictions.to_vec() }
}

#[derive(Clone, Default)]
struct Case {
    associated: bool,
    is_partner: bool,
    registered_ago: i64,
    restrictions: Vec<Restriction>,
    in_arrears: bool,
    cash_consumption: bool,
    reported_by_partner: bool,
}

fn check(case: Case, kind: AssociationType) -> Result<(), E> {
    let mut c = customer();
    if case.associated {
        c.association = Some(Association {
            partner: PartnerId("p".into()),
            kind: AssociationType::Reseller,
            associated_on: at(0),
        });
    }
    let s = standing(case.registered_ago, &case.restrictions);
    let facts = Eligibility {
        customer: &c,
        standing: &s,
        is_partner: case.is_partner,
        in_arrears: case.in_arrears,
        cash_consumption: case.cash_consumption,
        reported_by_partner: case.reported_by_partner,
    };
    reports::may_associate(&facts, kind, at(NOW))
}

#[test]
fn each_association_rule_refuses_with_its_own_reason() {
    use AssociationType::{Referral, Reseller};
    let late = DIRECT_ASSOCIATION_MS + 1;
    let rows: Vec<(Case, AssociationType, Result<(), E>)> = vec![
        (Case::default(), Reseller, Ok(())),
        (Case { associated: true, ..Case::default() }, Referral, Err(E::AlreadyAssociated)),
        (Case { is_partner: true, ..Case::default() }, Referral, Err(E::AccountIsAPartner)),
        (
            Case { restrictions: vec![Restriction::ReportedByCloud], ..Case::default() },
            Referral,
            Err(E::ReportedByCloud),
        ),
        (
            Case { registered_ago: late, ..Case::default() },
            Referral,
            Err(E::RegistrationTimeOverLimit),
        ),
        (
            Case { cash_consumption: true, ..Case::default() },
            Referral,
            Err(E::RegistrationTimeOverLimit),
        ),
        (
            Case {
                registered_ago: late,
                cash_consumption: true,
                reported_by_partner: true,
                ..Case::default()
            },
            Reseller,
            Ok(()),
        ),
        (Case { in_arrears: true, ..Case::default() }, Referral, Err(E::InArrears)),
    ];
    for (i, (case, kind, expected)) in rows.into_iter().enumerate() {
        assert_eq!(check(case, kind), expected, "row {i}");
    }
    let reseller_only = [
        (Restriction::PostPay, E::PostPay),
        (Restriction::ReservedInstances, E::ReservedInstances),
        (Restriction::InvoiceDebt, E::InvoiceDebt),
        (Restriction::StoredValueCard, E::StoredValueCard),
        (Restriction::EnterpriseMaster, E::EnterpriseMaster),
        (Restriction::RechargeBonus, E::RechargeBonus),
    ];
    for (restriction, err) in reseller_only {
        let case = || Case { restrictions: vec![restriction], ..Case::default() };
        assert_eq!(check(case(), Reseller), Err(err), "{restriction:?}");
        assert_eq!(check(case(), Referral), Ok(()), "{restriction:?} allows referral");
    }
}

#[test]
fn the_first_broken_rule_in_the_reference_order_is_the_reason() {
    let everything = Case {
        associated: true,
        is_partner: true,
        registered_ago: DIRECT_ASSOCIATION_MS + 1,
        restrictions: Restriction::ALL.to_vec(),
        in_arrears: true,
        cash_consumption: true,
        reported_by_partner: false,
    };
    let order = [
        E::AlreadyAssociated,
        E::AccountIsAPartner,
        E::ReportedByCloud,
        E::RegistrationTimeOverLimit,
        E::InArrears,
        E::PostPay,
        E::ReservedInstances,
        E::InvoiceDebt,
        E::StoredValueCard,
        E::EnterpriseMaster,
        E::RechargeBonus,
    ];
    let mut case = everything;
    for expected in order {
        let err = check(case.clone(), AssociationType::Reseller).unwrap_err();
        assert_eq!(err, expected);
        // Lift the rule just seen, so the next one shows.
        match err {
            E::AlreadyAssociated => case.associated = false,
            E::AccountIsAPartner => case.is_partner = false,
            E::RegistrationTimeOverLimit => case.reported_by_partner = true,
            E::InArrears => case.in_arrears = false,
            E::ReportedByCloud => case.restrictions.retain(|r| *r != Restriction::ReportedByCloud),
            _ => {
                case.restrictions.remove(0);
            }
        }
    }
    assert_eq!(check(case, AssociationType::Reseller), Ok(()));
}

#[test]
fn seven_days_after_registering_is_the_last_instant_to_associate_unreported() {
    let exactly = Case { registered_ago: DIRECT_ASSOCIATION_MS, ..Case::default() };
    assert_eq!(check(exactly, AssociationType::Referral), Ok(()));
    let one_ms_later = Case { registered_ago: DIRECT_ASSOCIATION_MS + 1, ..Case::default() };
    assert_eq!(check(one_ms_later, AssociationType::Referral), Err(E::RegistrationTimeOverLimit));
    // A report starts reviewed at the same boundary.
    assert_eq!(
        reports::first_status(Some(&standing(DIRECT_ASSOCIATION_MS, &[])), at(NOW)),
        ReportStatus::Reported
    );
    assert_eq!(
        reports::first_status(Some(&standing(DIRECT_ASSOCIATION_MS + 1, &[])), at(NOW)),
        ReportStatus::PendingReview
    );
    assert_eq!(reports::first_status(None, at(NOW)), ReportStatus::Reported);
}

fn request(mobile: Option<&str>, email: Option<&str>) -> ReportRequest {
    ReportRequest {
        customer_name: "Carol Ltd".into(),
        mobile: mobile.map(str::to_owned),
        email: email.map(str::to_owned),
        account_name: None,
    }
}

fn report_of(partner: &str, mobile: Option<&str>, email: Option<&str>, reported_at: i64) -> Report {
    let prospect = reports::prospect(&request(mobile, email)).unwrap();
    let mut r = reports::new_report(
        "r".into(),
        PartnerId(partner.into()),
        prospect,
        None,
        AssociationType::Reseller,
        at(reported_at),
    );
    r.id = format!("{partner}-{reported_at}");
    r
}

#[test]
fn a_prospect_has_a_name_and_a_mobile_number_or_an_email() {
    let prospect = |m: Option<&str>, e: Option<&str>| reports::prospect(&request(m, e));
    assert_eq!(prospect(None, None), Err(E::ContactRequired));
    assert_eq!(prospect(Some("  "), None), Err(E::ContactRequired));
    assert_eq!(prospect(Some("abc"), None), Err(E::InvalidMobile("abc".into())));
    assert_eq!(prospect(None, Some("no-at")), Err(E::InvalidEmail("no-at".into())));
    let ok = prospect(Some("+86 138 0000 0001"), None).unwrap();
    assert_eq!(ok.mobile_key.as_deref(), Some("0086-13800000001"));
    let unnamed = ReportRequest { customer_name: " ".into(), ..request(None, Some("a@b.cn")) };
    assert_eq!(reports::prospect(&unnamed), Err(E::CustomerNameRequired));
}

#[test]
fn a_valid_report_holds_its_prospect_for_15_days_against_other_partners() {
    let mine = report_of("a", Some("13800000001"), None, NOW);
    let same_number = reports::prospect(&request(Some("0086-13800000001"), None)).unwrap();
    let same_email = reports::prospect(&request(None, Some("x@y.cn"))).unwrap();
    let others = [mine.clone(), report_of("a", None, Some("X@Y.cn"), NOW)];
    let b = partner("b");
    let a = partner("a");
    let end = NOW + REPORT_VALIDITY_MS;
    assert_eq!(
        reports::may_report(&b, &same_number, None, &others, at(end - 1)),
        Err(E::ReportedByAnotherPartner)
    );
    assert_eq!(
        reports::may_report(&b, &same_email, None, &others, at(NOW)),
        Err(E::ReportedByAnotherPartner)
    );
    assert_eq!(
        reports::may_report(&a, &same_number, None, &others, at(NOW)),
        Err(E::AlreadyReported)
    );
    // Expired at exactly 15 days: anyone may report it again.
    assert_eq!(reports::may_report(&b, &same_number, None, &others, at(end)), Ok(()));
    assert_eq!(mine.state(at(end - 1)), ReportState::Reported);
    assert_eq!(mine.state(at(end)), ReportState::Expired);
    // A pending report holds with no end; a deleted or rejected one holds nothing.
    let pending = Report { status: ReportStatus::PendingReview, reported_at: None, ..mine.clone() };
    assert_eq!(
        reports::may_report(&b, &same_number, None, &[pending], at(end * 10)),
        Err(E::ReportedByAnotherPartner)
    );
    for status in [ReportStatus::Deleted, ReportStatus::Rejected] {
        let gone = Report { status, ..mine.clone() };
        assert_eq!(reports::may_report(&b, &same_number, None, &[gone], at(NOW)), Ok(()));
    }
    // The same account, by its id, is the same prospect whatever the contacts.
    let by_account = Report { customer: Some(CustomerId("c".into())), ..mine.clone() };
    let other_contacts = reports::prospect(&request(None, Some("z@z.cn"))).unwrap();
    let c = CustomerId("c".into());
    assert_eq!(
        reports::may_report(&b, &other_contacts, Some(&c), &[by_account], at(NOW)),
        Err(E::ReportedByAnotherPartner)
    );
}

#[test]
fn a_partner_without_a_mobile_or_email_reports_nothing() {
    let mut p = partner("a");
    p.email = None;
    let prospect = reports::prospect(&request(Some("13800000001"), None)).unwrap();
    assert_eq!(
        reports::may_report(&p, &prospect, None, &[], at(NOW)),
        Err(E::ProfileWithoutContact)
    );
    p.mobile_phone = Some("13900000000".into());
    assert_eq!(reports::may_report(&p, &prospect, None, &[], at(NOW)), Ok(()));
}

#[test]
fn deleting_and_reviewing_follow_the_state() {
    let reported = report_of("a", Some("13800000001"), None, NOW);
    assert_eq!(reports::may_delete(&reported, at(NOW)), Ok(()));
    let pending =
        Report { status: ReportStatus::PendingReview, reported_at: None, ..reported.clone() };
    assert_eq!(reports::may_delete(&pending, at(NOW)), Err(E::PendingReportCannotBeDeleted));
    let associated = Report { status: ReportStatus::Associated, ..reported.clone() };
    assert_eq!(reports::may_delete(&associated, at(NOW)), Err(E::AssociatedReportCannotBeDeleted));

    assert_eq!(
        reports::review(&reported, &ReviewDecision::Approve, "ops", at(NOW)),
        Err(E::ReportNotPending)
    );
    let approved = reports::review(&pending, &ReviewDecision::Approve, "ops", at(NOW + 5)).unwrap();
    assert_eq!(approved.state(at(NOW + 5)), ReportState::Reported);
    assert_eq!(approved.valid_until(), Some(at(NOW + 5 + REPORT_VALIDITY_MS)));
    assert_eq!(
        reports::review(&pending, &ReviewDecision::Reject(" ".into()), "ops", at(NOW)),
        Err(E::RejectionReasonRequired)
    );
    let rejected =
        reports::review(&pending, &ReviewDecision::Reject("no project".into()), "ops", at(NOW))
            .unwrap();
    assert_eq!(rejected.state(at(NOW)), ReportState::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some("no project"));
}

#[test]
fn an_online_invitation_works_once_for_7_days_and_an_offline_one_forever() {
    let reported = report_of("a", Some("13800000001"), None, NOW);
    let online = reports::online_invitation("i".into(), &reported, at(NOW)).unwrap();
    let end = NOW + ONLINE_INVITATION_MS;
    assert_eq!(reports::may_accept(&online, at(end - 1)), Ok(()));
    assert_eq!(reports::may_accept(&online, at(end)), Err(E::InvitationExpired));
    let used = reports::Invitation { used_at: Some(at(NOW)), ..online.clone() };
    assert_eq!(reports::may_accept(&used, at(NOW)), Err(E::InvitationUsed));
    let pending = Report { status: ReportStatus::PendingReview, reported_at: None, ..reported };
    assert_eq!(
        reports::online_invitation("j".into(), &pending, at(NOW)),
        Err(E::ReportNotReported)
    );

    let offline = reports::offline_invitation(
        "o".into(),
        PartnerId("a".into()),
        AssociationType::Referral,
        Some("spring fair"),
        at(0),
    )
    .unwrap();
    assert_eq!(offline.expires_at(), None);
    assert_eq!(reports::may_accept(&offline, at(NOW * 100)), Ok(()));
    let too_long = "x".repeat(65);
    let res = reports::offline_invitation(
        "o".into(),
        PartnerId("a".into()),
        AssociationType::Referral,
        Some(&too_long),
        at(0),
    );
    assert_eq!(res, Err(E::InvalidLabel));
}

#[test]
fn a_report_names_a_customer_by_account_mobile_key_or_email() {
    let c = customer();
    assert!(report_of("a", Some("+8613800000001"), None, NOW).names(&c));
    assert!(report_of("a", None, Some("carol@EXAMPLE.com"), NOW).names(&c));
    assert!(!report_of("a", Some("13800000002"), Some("d@example.com"), NOW).names(&c));
    let mut by_account = report_of("a", Some("13800000002"), None, NOW);
    by_account.prospect.account_name = Some("CAROL".into());
    assert!(by_account.names(&c));
}
