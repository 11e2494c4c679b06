//! The rules of registering a customer (`CreateSubCustomer`) and of comparing mobile numbers.

use partner_domain::customers::{
    self, AssociationType, RegistrationConflicts, RegistrationError as E, RegistrationRequest,
};

fn request() -> RegistrationRequest {
    RegistrationRequest {
        xaccount_id: "user-1".into(),
        xaccount_type: "acme_platform".into(),
        ..RegistrationRequest::default()
    }
}

const GENERATED: &str = "pc_0123456789abcdef0123456789abc";

fn register(req: &RegistrationRequest) -> Result<customers::Registration, E> {
    customers::registration(req, &[], GENERATED.into())
}

#[test]
fn a_registration_without_a_name_gets_the_generated_one_and_the_reseller_model() {
    let r = register(&request()).unwrap();
    assert_eq!(r.account_name, GENERATED);
    assert_eq!(GENERATED.len(), 32);
    assert!(customers::is_valid_account_name(GENERATED));
    assert_eq!(r.association, AssociationType::Reseller);
    assert!(r.marketing_messages);
    assert_eq!(r.mobile, None);
    let empty = RegistrationRequest { domain_name: Some(String::new()), ..request() };
    assert_eq!(register(&empty).unwrap().account_name, GENERATED);
}

#[test]
fn cooperation_type_1_is_referral_and_anything_else_reseller() {
    for (given, expected) in [
        (Some("1"), AssociationType::Referral),
        (Some("2"), AssociationType::Reseller),
        (Some("x"), AssociationType::Reseller),
        (None, AssociationType::Reseller),
    ] {
        let req = RegistrationRequest { cooperation_type: given.map(str::to_owned), ..request() };
        assert_eq!(register(&req).unwrap().association, expected, "{given:?}");
    }
}

#[test]
fn account_names_follow_the_create_rules() {
    let rows = [
        ("lighthouse", true),
        ("_under", true),
        ("-dash-", true),
        ("abcd", false),
        (&"a".repeat(32) as &str, true),
        (&"a".repeat(33), false),
        ("op_admin", false),
        ("shadow_x1", false),
        ("12345", false),
        ("1abcde", false),
        ("has space", false),
        ("naïve1", false),
    ];
    for (name, valid) in rows {
        assert_eq!(customers::is_valid_account_name(name), valid, "{name}");
        let req = RegistrationRequest { domain_name: Some(name.into()), ..request() };
        let expected = if valid { Ok(name.to_owned()) } else { Err(E::AccountNameInvalid) };
        assert_eq!(register(&req).map(|r| r.account_name), expected, "{name}");
    }
}

#[test]
fn passwords_follow_the_create_rules() {
    let rows = [
        ("Passw0rd", None, true),
        ("password1", None, true),
        ("password", None, false),
        ("Pass1", None, false),
        (&"Aa1".repeat(11) as &str, None, false),
        ("lighthouse1", None, true),
        ("Lighthouse", None, true),
        ("a13800000000", Some("13800000000"), false),
        ("a13800000000", None, true),
    ];
    for (password, mobile, ok) in rows {
        assert_eq!(
            customers::is_acceptable_password(password, "lighthouse", mobile),
            ok,
            "{password}"
        );
    }
    // Not the account name, nor its reverse.
    assert!(!customers::is_acceptable_password("abc_12345", "abc_12345", None));
    assert!(!customers::is_acceptable_password("54321_cba", "abc_12345", None));
}

#[test]
fn the_form_rules_are_checked_in_order() {
    let with = |f: fn(&mut RegistrationRequest)| {
        let mut r = request();
        f(&mut r);
        r
    };
    let rows: Vec<(RegistrationRequest, E)> = vec![
        (with(|r| r.xaccount_id.clear()), E::XaccountIdRequired),
        (with(|r| r.xaccount_type.clear()), E::XaccountTypeRequired),
        (with(|r| r.is_close_market_ms = Some("yes".into())), E::MarketingFlagInvalid),
        (with(|r| r.password = Some(String::new())), E::PasswordEmpty),
        (with(|r| r.verification_code = Some(String::new())), E::VerificationCodeRequired),
        (with(|r| r.domain_name = Some("op_x1234".into())), E::AccountNameInvalid),
        (with(|r| r.mobile_phone = Some("0086-13800000000".into())), E::MobileInvalid),
        (with(|r| r.mobile_phone = Some("13800000000".into())), E::VerificationCodeRequired),
        (with(|r| r.password = Some("short".into())), E::PasswordWeak),
        // The generated name counts for the name rule of the password too.
        (with(|r| r.password = Some(GENERATED.into())), E::PasswordWeak),
        // Name before password: an invalid name is what the caller hears about.
        (
            with(|r| {
                r.domain_name = Some("1bad".into());
                r.password = Some("x".into());
            }),
            E::AccountNameInvalid,
        ),
    ];
    for (req, expected) in rows {
        assert_eq!(register(&req), Err(expected.clone()), "{expected:?}");
    }
}

#[test]
fn an_empty_mobile_number_is_no_mobile_number_and_needs_no_code() {
    let req = RegistrationRequest { mobile_phone: Some(String::new()), ..request() };
    assert_eq!(register(&req).unwrap().mobile, None);
    let req = RegistrationRequest {
        mobile_phone: Some("13800000000".into()),
        verification_code: Some("123456".into()),
        is_close_market_ms: Some("true".into()),
        ..request()
    };
    let r = register(&req).unwrap();
    assert_eq!(
        (r.mobile.as_deref(), r.verification_code.as_deref()),
        (Some("13800000000"), Some("123456"))
    );
    assert!(!r.marketing_messages);
}

#[test]
fn xaccount_type_must_be_registered_when_the_partner_registered_any() {
    let types = vec!["acme_platform".to_owned()];
    assert!(customers::registration(&request(), &types, GENERATED.into()).is_ok());
    let other = RegistrationRequest { xaccount_type: "other".into(), ..request() };
    assert_eq!(
        customers::registration(&other, &types, GENERATED.into()),
        Err(E::XaccountTypeNotRegistered("other".into()))
    );
    assert!(customers::registration(&other, &[], GENERATED.into()).is_ok());
}

#[test]
fn a_registration_collides_with_a_bound_user_then_a_taken_name_then_a_full_number() {
    let plain = register(&request()).unwrap();
    let mobile = register(&RegistrationRequest {
        mobile_phone: Some("13800000000".into()),
        verification_code: Some("1".into()),
        ..request()
    })
    .unwrap();
    let c = |bound, names, mobiles| RegistrationConflicts {
        xaccount_bound: bound,
        accounts_with_name: names,
        accounts_with_mobile: mobiles,
    };
    assert_eq!(customers::may_register(&plain, c(true, 1, 9)), Err(E::XaccountTaken));
    assert_eq!(customers::may_register(&plain, c(false, 1, 9)), Err(E::AccountNameTaken));
    assert_eq!(customers::may_register(&plain, c(false, 0, 9)), Ok(()));
    assert_eq!(customers::may_register(&mobile, c(false, 0, 5)), Err(E::MobileQuotaExhausted));
    assert_eq!(customers::may_register(&mobile, c(false, 0, 4)), Ok(()));
}

#[test]
fn mobile_numbers_compare_by_their_key_whichever_way_they_are_written() {
    let rows = [
        ("13800000001", Some("0086-13800000001")),
        ("0086-13800000001", Some("0086-13800000001")),
        ("+86 138 0000 0001", Some("0086-13800000001")),
        ("+1-2025550123", Some("0012025550123")),
        ("0086-", None),
        ("not a number", None),
        ("", None),
    ];
    for (number, key) in rows {
        assert_eq!(customers::mobile_key(number).as_deref(), key, "{number}");
    }
}

#[test]
fn the_new_customer_tag_needs_real_name_and_runs_twelve_months_from_association() {
    use partner_domain::{
        Timestamp,
        customers::{Customer, CustomerType, NewCustomerTag, VerifiedStatus},
        time::Month,
    };
    // 2026-01-31T16:30:00Z is already February in UTC+8.
    let joined = Timestamp::from_millis(1_769_877_000_000);
    let customer = |status| Customer {
        verified_status: status,
        customer_type: CustomerType::Individual,
        ..crate::customer_of_p(AssociationType::Reseller, joined)
    };
    for status in [VerifiedStatus::Unverified, VerifiedStatus::InReview, VerifiedStatus::Rejected] {
        assert_eq!(
            customers::new_customer_tag(&customer(status), true, joined),
            None,
            "{status:?}"
        );
    }
    let verified = customer(VerifiedStatus::Verified);
    let tagging = customers::new_customer_tag(&verified, false, joined).unwrap();
    assert_eq!(
        (tagging.effective.to_string(), tagging.expires.to_string()),
        ("2026-02".into(), "2027-02".into())
    );
    assert_eq!(tagging.tag, NewCustomerTag::Undetermined);
    assert_eq!(
        customers::new_customer_tag(&verified, true, joined).unwrap().tag,
        NewCustomerTag::Qualified
    );
    // The last instant of January 2027 (UTC+8) is still within; February 2027 is not.
    let end_of_january = Timestamp::from_millis(1_801_411_200_000 - 1);
    assert_eq!(Month::of(end_of_january).to_string(), "2027-01");
    assert_eq!(
        customers::new_customer_tag(&verified, true, end_of_january).unwrap().tag,
        NewCustomerTag::Qualified
    );
    let february = Timestamp::from_millis(1_801_411_200_000);
    assert_eq!(
        customers::new_customer_tag(&verified, true, february).unwrap().tag,
        NewCustomerTag::NotNew
    );
    assert_eq!(Month { year: 2026, month: 12 }.plus(1), Month { year: 2027, month: 1 });
}
