//! Who may act for whom in the partner hierarchy, and the list filters.

use partner_domain::{
    Timestamp,
    customers::{
        Association, AssociationType, Customer, CustomerId, CustomerType, SubCustomerFilter,
        VerifiedStatus,
    },
    partners::{self, IndirectPartnerFilter, Partner, PartnerError, PartnerId, PartnerKind},
};

fn partner(id: &str, kind: PartnerKind, parent: Option<&str>) -> Partner {
    Partner {
        id: PartnerId(id.into()),
        name: format!("{id}-name"),
        kind,
        parent: parent.map(|p| PartnerId(p.into())),
        email: None,
        mobile_phone: None,
        associated_on: Timestamp::from_millis(1_000),
        xaccount_types: vec![],
        realname_attachments: true,
    }
}

fn customer(id: &str, name: &str, kind: AssociationType, label: Option<&str>) -> Customer {
    Customer {
        id: CustomerId(id.into()),
        account_name: name.into(),
        association: Some(Association {
            partner: PartnerId("p".into()),
            kind,
            associated_on: Timestamp::from_millis(5_000),
        }),
        email: None,
        mobile_phone: None,
        country: "CN".into(),
        label: label.map(str::to_owned),
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

#[test]
fn only_distributors_list_resellers_and_only_direct_partners_manage_customers() {
    let rows = [
        (PartnerKind::Distributor, true, true),
        (PartnerKind::Reseller, false, false),
        (PartnerKind::SolutionProvider, false, true),
    ];
    for (kind, lists_resellers, manages_customers) in rows {
        let p = partner("x", kind, (kind == PartnerKind::Reseller).then_some("d"));
        assert_eq!(partners::may_list_indirect_partners(&p).is_ok(), lists_resellers, "{kind:?}");
        assert_eq!(partners::may_manage_sub_customers(&p).is_ok(), manages_customers, "{kind:?}");
    }
}

#[test]
fn indirect_partner_id_means_a_distributor_acting_for_its_own_reseller() {
    let acme = partner("acme", PartnerKind::Distributor, None);
    let other = partner("other", PartnerKind::Distributor, None);
    let bolt = partner("bolt", PartnerKind::Reseller, Some("acme"));
    let far = partner("far", PartnerKind::Reseller, Some("other"));
    let nova = partner("nova", PartnerKind::SolutionProvider, None);

    let acting = |caller: &Partner, id: Option<&str>, target: Option<&Partner>| {
        partners::acting_partner(caller, id, target).map(|p| p.id.0.clone())
    };
    assert_eq!(acting(&acme, None, None), Ok("acme".into()));
    assert_eq!(acting(&acme, Some(""), None), Ok("acme".into()));
    assert_eq!(acting(&acme, Some("bolt"), Some(&bolt)), Ok("bolt".into()));
    let not_yours = Err(PartnerError::NotYourIndirectPartner("far".into()));
    assert_eq!(acting(&acme, Some("far"), Some(&far)), not_yours);
    assert_eq!(
        acting(&acme, Some("ghost"), None),
        Err(PartnerError::NotYourIndirectPartner("ghost".into()))
    );
    assert_eq!(
        acting(&acme, Some("other"), Some(&other)),
        Err(PartnerError::NotYourIndirectPartner("other".into()))
    );
    // "Otherwise this parameter is not processed": others act for themselves.
    assert_eq!(acting(&nova, Some("bolt"), Some(&bolt)), Ok("nova".into()));
    assert_eq!(acting(&bolt, Some("far"), Some(&far)), Ok("bolt".into()));
}

#[test]
fn sub_customer_filters_match_like_the_api() {
    let c = customer("c1", "Lighthouse-Games", AssociationType::Reseller, Some("Spring"));
    let check = |filter: SubCustomerFilter, expect: bool| {
        assert_eq!(filter.matches(&c), expect, "{filter:?}")
    };
    check(SubCustomerFilter::default(), true);
    for (pattern, expect) in [
        ("light", true),
        ("GAMES", true),
        ("house-g", true),
        ("ship", false),
        ("light house", false),
        ("", true),
    ] {
        check(
            SubCustomerFilter { account_name: Some(pattern.into()), ..Default::default() },
            expect,
        );
    }
    check(SubCustomerFilter { label: Some("Spr".into()), ..Default::default() }, true);
    check(SubCustomerFilter { label: Some("spr".into()), ..Default::default() }, false);
    check(SubCustomerFilter { real_name: Some("any".into()), ..Default::default() }, false);
    check(
        SubCustomerFilter { association: Some(AssociationType::Referral), ..Default::default() },
        false,
    );
    check(SubCustomerFilter { customer_id: Some("c1".into()), ..Default::default() }, true);
    check(SubCustomerFilter { customer_id: Some("c".into()), ..Default::default() }, false);
    let at = |ms| Some(Timestamp::from_millis(ms));
    check(
        SubCustomerFilter {
            associated_on_begin: at(5_000),
            associated_on_end: at(5_000),
            ..Default::default()
        },
        true,
    );
    check(SubCustomerFilter { associated_on_begin: at(5_001), ..Default::default() }, false);
    check(SubCustomerFilter { associated_on_end: at(4_999), ..Default::default() }, false);
}

#[test]
fn indirect_partner_filters() {
    let bolt = partner("bolt", PartnerKind::Reseller, Some("acme"));
    let check =
        |filter: IndirectPartnerFilter, expect: bool| assert_eq!(filter.matches(&bolt), expect);
    check(IndirectPartnerFilter::default(), true);
    check(
        IndirectPartnerFilter { account_name: Some("olt-na".into()), ..Default::default() },
        true,
    );
    check(
        IndirectPartnerFilter { indirect_partner_id: Some("bolt".into()), ..Default::default() },
        true,
    );
    check(
        IndirectPartnerFilter { indirect_partner_id: Some("bol".into()), ..Default::default() },
        false,
    );
    check(
        IndirectPartnerFilter {
            associated_on_begin: Some(Timestamp::from_millis(1_001)),
            ..Default::default()
        },
        false,
    );
}

/// `CheckUserIdentity`'s rules: what a search value may be, and when an identity is taken.
#[test]
fn user_identities_are_checked_as_the_api_says() {
    use partner_domain::customers::{UserIdentity, check_identity, user_identity};
    let rows = [
        ("name", "acme-01"),
        ("name", "-dash1"),
        ("name", "abcd"),
        ("name", "1abcde"),
        ("name", "op_admin"),
        ("name", "shadow_x1"),
        ("name", "abc de"),
        ("name", &"a".repeat(33)),
        ("email", "a@b.example"),
        ("email", "a.example"),
        ("email", "@b"),
        ("mobile", "0086-13800000001"),
        ("mobile", "0044-7700900000"),
        ("mobile", "13800000001"),
        ("mobile", "0086-1380000000x"),
        ("phone", "0086-1"),
        ("name", ""),
    ];
    let table: String = rows
        .iter()
        .map(|(kind, value)| {
            let res = match user_identity(kind, value) {
                Ok(_) => "ok",
                Err(err) => err.rule(),
            };
            format!("{kind:<6} {value:<34} {res}\n")
        })
        .collect();
    expect_test::expect![[r#"
        name   acme-01                            ok
        name   -dash1                             ok
        name   abcd                               NameMalformed
        name   1abcde                             NameMalformed
        name   op_admin                           NameMalformed
        name   shadow_x1                          NameMalformed
        name   abc de                             NameMalformed
        name   aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  NameMalformed
        email  a@b.example                        ok
        email  a.example                          EmailMalformed
        email  @b                                 EmailMalformed
        mobile 0086-13800000001                   ok
        mobile 0044-7700900000                    MobileMalformed
        mobile 13800000001                        MobileMalformed
        mobile 0086-1380000000x                   MobileMalformed
        phone  0086-1                             UnknownSearchType
        name                                      SearchValueLength
    "#]]
    .assert_eq(&table);
    let mobile = UserIdentity::Mobile("0086-1".into());
    assert_eq!(check_identity(&mobile, 4).mobile_remaining, Some(1));
    assert!(check_identity(&mobile, 4).available);
    assert!(!check_identity(&mobile, 5).available);
    let name = UserIdentity::Name("acme-01".into());
    assert!(check_identity(&name, 0).available);
    assert!(!check_identity(&name, 1).available);
    assert_eq!(check_identity(&name, 1).mobile_remaining, None);
}
