//! The rules of real-name authentication: the forms of the three submissions, who may submit,
//! and how submissions and reviews move a customer's verification.

use partner_domain::{
    Timestamp,
    customers::{CustomerId, CustomerType, VerifiedStatus},
    partners::{Partner, PartnerId, PartnerKind},
    realname::{
        self, Application, BankCardRequest, Decision, EnterpriseRequest, IndividualRequest,
        LegalPersonRequest, Method, OrganisationCertificate, PersonalCertificate, Purpose,
        RealNameError as E, ReviewFilter, ReviewStatus, Submission, Verification,
    },
};

fn files(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("id/page-{i}.jpg")).collect()
}

fn certificate() -> IndividualRequest {
    IndividualRequest {
        customer_id: "c1".into(),
        identify_type: 0,
        verified_type: Some(3),
        verified_file_url: files(3),
        name: "Li Lei".into(),
        verified_number: "E12345678".into(),
        xaccount_type: "acme_platform".into(),
        ..IndividualRequest::default()
    }
}

fn bank_card() -> IndividualRequest {
    IndividualRequest {
        identify_type: 4,
        verified_type: None,
        verified_file_url: files(1),
        bank_card_info: Some(BankCardRequest {
            bank_account: Some("6222-0000-1234".into()),
            areacode: Some("0086".into()),
            mobile: Some("13800000000".into()),
            verification_code: Some("012345".into()),
        }),
        ..certificate()
    }
}

fn enterprise() -> EnterpriseRequest {
    EnterpriseRequest {
        customer_id: "c1".into(),
        identify_type: 1,
        certificate_type: Some(0),
        verified_file_url: files(1),
        corp_name: "Lighthouse Games Ltd.".into(),
        verified_number: "91110000000000000X".into(),
        reg_country: Some("CN".into()),
        xaccount_type: "acme_platform".into(),
        ..EnterpriseRequest::default()
    }
}

fn person() -> LegalPersonRequest {
    LegalPersonRequest {
        name: "Han Meimei".into(),
        id_number: "110101199001011234".into(),
        certifier_role: Some("legalPerson".into()),
    }
}

const REGISTERED: &[String] = &[];

#[test]
fn a_personal_certificate_takes_its_three_images_and_waits_for_review() {
    let app = realname::individual_application(&certificate(), REGISTERED).unwrap();
    assert_eq!(app.method, Method::PersonalCertificate(PersonalCertificate::Passport));
    assert_eq!((app.purpose, app.method.identify_type()), (Purpose::Authentication, 0));
    assert!(!app.method.is_decided_at_once());
    assert_eq!(app.bank_card, None);
    for code in [3, 5, 6, 9, 10] {
        let req = IndividualRequest { verified_type: Some(code), ..certificate() };
        let app = realname::individual_application(&req, REGISTERED).unwrap();
        assert_eq!(app.method.certificate_code(), Some(code));
    }
    // `change_type` -1 is the first authentication, as absent is.
    let req = IndividualRequest { change_type: Some(-1), ..certificate() };
    assert!(realname::individual_application(&req, REGISTERED).is_ok());
}

#[test]
fn a_bank_card_takes_one_face_photo_and_is_decided_at_once() {
    let app = realname::individual_application(&bank_card(), REGISTERED).unwrap();
    assert_eq!(app.method, Method::BankCard);
    assert!(app.method.is_decided_at_once());
    let card = app.bank_card.unwrap();
    assert_eq!((card.mobile.as_str(), card.verification_code.as_str()), ("13800000000", "012345"));
    assert_eq!(card.account_tail(), "1234");
}

#[test]
fn the_individual_form_rules_are_checked_in_order() {
    let with = |base: fn() -> IndividualRequest, f: fn(&mut IndividualRequest)| {
        let mut r = base();
        f(&mut r);
        r
    };
    let card = |f: fn(&mut BankCardRequest)| {
        let mut r = bank_card();
        f(r.bank_card_info.as_mut().unwrap());
        r
    };
    let rows: Vec<(IndividualRequest, E)> = vec![
        (with(certificate, |r| r.customer_id.clear()), E::CustomerIdRequired),
        // The customer before anything else, the method before the rest of the form.
        (
            with(certificate, |r| {
                r.customer_id.clear();
                r.identify_type = 1;
            }),
            E::CustomerIdRequired,
        ),
        (
            with(certificate, |r| r.identify_type = 1),
            E::IdentifyTypeUnsupported("0 (certificate) or 4 (bank card)"),
        ),
        (
            with(certificate, |r| r.change_type = Some(1)),
            E::ChangeTypeUnsupported("-1 (first authentication)"),
        ),
        (with(certificate, |r| r.xaccount_type.clear()), E::XaccountTypeRequired),
        (with(certificate, |r| r.name.clear()), E::NameRequired),
        (with(certificate, |r| r.verified_number.clear()), E::VerifiedNumberRequired),
        (with(certificate, |r| r.verified_type = None), E::VerifiedTypeRequired),
        (with(certificate, |r| r.verified_type = Some(4)), E::VerifiedTypeUnsupported),
        // The certificate before its files.
        (
            with(certificate, |r| {
                r.verified_type = Some(1);
                r.verified_file_url.clear();
            }),
            E::VerifiedTypeUnsupported,
        ),
        (with(bank_card, |r| r.bank_card_info = None), E::BankCardInfoRequired),
        (card(|c| c.bank_account = None), E::BankAccountMalformed),
        (card(|c| c.bank_account = Some("-6222".into())), E::BankAccountMalformed),
        (card(|c| c.bank_account = Some("6222 0000".into())), E::BankAccountMalformed),
        (card(|c| c.areacode = Some("0044".into())), E::AreacodeUnsupported),
        (card(|c| c.areacode = None), E::AreacodeUnsupported),
        (card(|c| c.mobile = Some("0086-13800000000".into())), E::MobileMalformed),
        (card(|c| c.verification_code = Some(String::new())), E::VerificationCodeRequired),
        (with(certificate, |r| r.verified_file_url.clear()), E::FileCountOutOfRange),
        (with(certificate, |r| r.verified_file_url = files(5)), E::FileCountOutOfRange),
        (
            with(certificate, |r| r.verified_file_url[1] = "/abs/page.jpg".into()),
            E::FilePathInvalid("/abs/page.jpg".into()),
        ),
        (
            with(certificate, |r| r.verified_file_url[0] = "id/page.tiff".into()),
            E::FileFormatUnsupported("id/page.tiff".into()),
        ),
        (
            with(certificate, |r| r.verified_file_url = files(2)),
            E::FileCountMismatch { expected: 3, given: 2 },
        ),
        (
            with(bank_card, |r| r.verified_file_url = files(3)),
            E::FileCountMismatch { expected: 1, given: 3 },
        ),
    ];
    for (req, expected) in rows {
        assert_eq!(realname::individual_application(&req, REGISTERED), Err(expected.clone()));
    }
}

#[test]
fn xaccount_type_must_be_registered_when_the_partner_registered_any() {
    let registered = vec!["acme_platform".to_owned()];
    assert!(realname::individual_application(&certificate(), &registered).is_ok());
    let req = IndividualRequest { xaccount_type: "other".into(), ..certificate() };
    assert_eq!(
        realname::individual_application(&req, &registered),
        Err(E::XaccountTypeNotRegistered("other".into()))
    );
    assert!(realname::individual_application(&req, REGISTERED).is_ok());
}

#[test]
fn attachments_are_download_paths_of_the_image_and_pdf_formats() {
    let rows = [
        ("abc023.jpg", true, true),
        ("test/abc023.JPG", true, true),
        ("a/b/c.Jpeg", true, true),
        ("scan.pdf", true, true),
        ("x.bmp", true, true),
        ("x.png", true, true),
        ("x.gif", true, true),
        ("x.tiff", true, false),
        ("noextension", true, false),
        (".jpg", true, false),
        ("/abc.jpg", false, true),
        ("../abc.jpg", false, true),
        ("a/../b.jpg", false, true),
        ("./a.jpg", false, true),
        ("a//b.jpg", false, true),
        ("https://bucket.obs.example/download/a.jpg", false, true),
        ("c:a.jpg", false, true),
        ("a\\b.jpg", false, true),
        ("a\nb.jpg", false, true),
        ("", false, false),
    ];
    for (path, relative, format) in rows {
        assert_eq!(realname::is_download_path(path), relative, "{path:?}");
        assert_eq!(realname::has_supported_format(path), format, "{path:?}");
    }
}

#[test]
fn an_organisation_takes_its_certificate_and_the_legal_persons_id_when_named() {
    let app = realname::enterprise_application(&enterprise(), REGISTERED).unwrap();
    assert_eq!(app.method, Method::Organisation(Some(OrganisationCertificate::BusinessLicence)));
    assert_eq!(
        (app.purpose, app.name.as_str()),
        (Purpose::Authentication, "Lighthouse Games Ltd.")
    );
    let with_person = EnterpriseRequest {
        enterprise_person: Some(person()),
        verified_file_url: files(3),
        certificate_type: None,
        reg_country: Some(String::new()),
        ..enterprise()
    };
    let app = realname::enterprise_application(&with_person, REGISTERED).unwrap();
    assert_eq!(app.method, Method::Organisation(None));
    let organisation = app.organisation.unwrap();
    // "" is kept as given: the change's model sets an empty value with it.
    assert_eq!(organisation.reg_country.as_deref(), Some(""));
    assert_eq!(organisation.legal_person.unwrap().certifier_role.as_deref(), Some("legalPerson"));
    for code in [0, 1, 2, 3, 4, 99] {
        let req = EnterpriseRequest { certificate_type: Some(code), ..enterprise() };
        let app = realname::enterprise_application(&req, REGISTERED).unwrap();
        assert_eq!(app.method.certificate_code(), Some(code));
    }
    let change = EnterpriseRequest { change_type: Some(1), ..enterprise() };
    let app = realname::enterprise_change_application(&change, REGISTERED).unwrap();
    assert_eq!(app.purpose, Purpose::ChangeToEnterprise);
}

#[test]
fn the_enterprise_form_rules_are_checked_in_order() {
    let with = |f: fn(&mut EnterpriseRequest)| {
        let mut r = enterprise();
        f(&mut r);
        r
    };
    let rows: Vec<(EnterpriseRequest, E)> = vec![
        (with(|r| r.customer_id.clear()), E::CustomerIdRequired),
        (with(|r| r.identify_type = 0), E::IdentifyTypeUnsupported("1 (organisation certificate)")),
        (with(|r| r.xaccount_type.clear()), E::XaccountTypeRequired),
        (with(|r| r.certificate_type = Some(5)), E::CertificateTypeUnsupported),
        (with(|r| r.corp_name.clear()), E::CorpNameInvalid),
        (with(|r| r.corp_name = "12345 678".into()), E::CorpNameInvalid),
        (with(|r| r.corp_name = "*** --- ###".into()), E::CorpNameInvalid),
        (with(|r| r.corp_name = "a".repeat(256)), E::CorpNameInvalid),
        // The name before the number.
        (
            with(|r| {
                r.corp_name = "123".into();
                r.verified_number.clear();
            }),
            E::CorpNameInvalid,
        ),
        (with(|r| r.verified_number.clear()), E::VerifiedNumberRequired),
        (with(|r| r.reg_country = Some("cn".into())), E::RegCountryMalformed),
        (with(|r| r.reg_country = Some("CHN".into())), E::RegCountryMalformed),
        (
            with(|r| {
                r.enterprise_person = Some(LegalPersonRequest { name: String::new(), ..person() })
            }),
            E::LegalNameRequired,
        ),
        (
            with(|r| {
                r.enterprise_person =
                    Some(LegalPersonRequest { id_number: String::new(), ..person() })
            }),
            E::LegalIdNumberRequired,
        ),
        (
            with(|r| {
                r.enterprise_person =
                    Some(LegalPersonRequest { certifier_role: Some("agent".into()), ..person() })
            }),
            E::CertifierRoleUnsupported,
        ),
        (with(|r| r.verified_file_url = files(5)), E::FileCountOutOfRange),
        (
            with(|r| r.verified_file_url = vec!["licence.doc".into()]),
            E::FileFormatUnsupported("licence.doc".into()),
        ),
        // A legal person adds its ID's two sides to the certificate.
        (
            with(|r| r.enterprise_person = Some(person())),
            E::FileCountMismatch { expected: 3, given: 1 },
        ),
        (with(|r| r.verified_file_url = files(2)), E::FileCountMismatch { expected: 1, given: 2 }),
    ];
    for (req, expected) in rows {
        assert_eq!(realname::enterprise_application(&req, REGISTERED), Err(expected.clone()));
    }
    // Names of every script count as letters.
    let chinese =
        EnterpriseRequest { corp_name: "灯塔游戏有限公司".into(), ..enterprise() };
    assert!(realname::enterprise_application(&chinese, REGISTERED).is_ok());
}

#[test]
fn a_change_needs_change_type_1_before_anything_else() {
    let rows = [
        (None, Err(E::ChangeTypeRequired)),
        (Some(2), Err(E::ChangeTypeUnsupported("1 (individual to enterprise)"))),
        (Some(-1), Err(E::ChangeTypeUnsupported("1 (individual to enterprise)"))),
    ];
    for (change_type, expected) in rows {
        let req = EnterpriseRequest { change_type, customer_id: String::new(), ..enterprise() };
        assert_eq!(
            realname::enterprise_change_application(&req, REGISTERED).map(|a| a.purpose),
            expected
        );
    }
}

fn state(status: VerifiedStatus, customer_type: CustomerType) -> Verification {
    Verification { status, customer_type, real_name: None }
}

#[test]
fn only_a_partner_with_attachment_upload_on_submits() {
    let partner = Partner {
        id: PartnerId("acme".into()),
        name: "acme".into(),
        kind: PartnerKind::Distributor,
        parent: None,
        email: None,
        mobile_phone: None,
        associated_on: AT,
        xaccount_types: vec![],
        realname_attachments: true,
    };
    assert_eq!(realname::may_upload_attachments(&partner), Ok(()));
    let closed = Partner { realname_attachments: false, ..partner };
    assert_eq!(realname::may_upload_attachments(&closed), Err(E::AttachmentUploadDisabled));
}

#[test]
fn who_may_submit_depends_on_the_customers_state_then_on_the_count() {
    use CustomerType::{Enterprise, Individual, Unset};
    use VerifiedStatus::{InReview, Rejected, Unverified, Verified};
    let first = Purpose::Authentication;
    let change = Purpose::ChangeToEnterprise;
    let rows = [
        (state(Unverified, Unset), first, 0, Ok(())),
        (state(Rejected, Unset), first, 4, Ok(())),
        (state(Rejected, Unset), first, 5, Err(E::SubmissionLimitReached)),
        (state(InReview, Unset), first, 0, Err(E::AlreadyVerifiedOrInReview)),
        (state(Verified, Individual), first, 0, Err(E::AlreadyVerifiedOrInReview)),
        // The state is the refusal even past the count.
        (state(Verified, Enterprise), first, 9, Err(E::AlreadyVerifiedOrInReview)),
        (state(Verified, Individual), change, 0, Ok(())),
        (state(Verified, Individual), change, 5, Err(E::SubmissionLimitReached)),
        (state(Verified, Enterprise), change, 0, Err(E::NotAVerifiedIndividual)),
        (state(InReview, Individual), change, 0, Err(E::NotAVerifiedIndividual)),
        (state(Unverified, Unset), change, 0, Err(E::NotAVerifiedIndividual)),
        (state(Rejected, Unset), change, 0, Err(E::NotAVerifiedIndividual)),
    ];
    for (current, purpose, n, expected) in rows {
        assert_eq!(
            realname::may_submit(&current, purpose, n),
            expected,
            "{current:?} {purpose:?} {n}"
        );
    }
}

const AT: Timestamp = Timestamp::from_millis(1_000);

fn submitted(app: Application) -> Submission {
    Submission::of(app, "s1".into(), PartnerId("acme".into()), AT)
}

#[test]
fn a_bank_card_verifies_at_once_and_a_certificate_waits_in_review() {
    let unverified = state(VerifiedStatus::Unverified, CustomerType::Unset);
    let app = realname::individual_application(&bank_card(), REGISTERED).unwrap();
    assert_eq!(
        realname::after_submission(&unverified, &app),
        Verification {
            status: VerifiedStatus::Verified,
            customer_type: CustomerType::Individual,
            real_name: Some("Li Lei".into()),
        }
    );
    let s = submitted(app);
    assert_eq!((s.status, s.decided_at, &s.decided_by), (ReviewStatus::Approved, Some(AT), &None));
    assert_eq!(s.bank_account_tail.as_deref(), Some("1234"));
    assert_eq!(s.review_result().status, ReviewStatus::Approved);

    let app = realname::individual_application(&certificate(), REGISTERED).unwrap();
    assert_eq!(
        realname::after_submission(&unverified, &app),
        state(VerifiedStatus::InReview, CustomerType::Unset)
    );
    let s = submitted(app);
    assert_eq!((s.status, s.decided_at), (ReviewStatus::Pending, None));
}

#[test]
fn approval_verifies_under_the_submitted_name_and_rejection_depends_on_the_purpose() {
    let in_review = state(VerifiedStatus::InReview, CustomerType::Unset);
    let pending = submitted(realname::enterprise_application(&enterprise(), REGISTERED).unwrap());
    let approved = realname::decide(&pending, &in_review, &Decision::Approve, "ops", AT).unwrap();
    assert_eq!(
        approved.verification,
        Verification {
            status: VerifiedStatus::Verified,
            customer_type: CustomerType::Enterprise,
            real_name: Some("Lighthouse Games Ltd.".into()),
        }
    );
    assert_eq!(approved.submission.status, ReviewStatus::Approved);
    assert_eq!(approved.submission.decided_by.as_deref(), Some("ops"));
    assert_eq!(approved.submission.review_result().opinion, None);

    let reject = Decision::reject("the licence is unreadable").unwrap();
    let rejected = realname::decide(&pending, &in_review, &reject, "ops", AT).unwrap();
    assert_eq!(rejected.verification, state(VerifiedStatus::Rejected, CustomerType::Unset));
    let result = rejected.submission.review_result();
    assert_eq!(result.status, ReviewStatus::Rejected);
    assert_eq!(result.opinion.as_deref(), Some("the licence is unreadable"));

    // A rejected change leaves the verified individual it was, name and all.
    let changing = Verification {
        status: VerifiedStatus::InReview,
        customer_type: CustomerType::Individual,
        real_name: Some("Li Lei".into()),
    };
    let change = EnterpriseRequest { change_type: Some(1), ..enterprise() };
    let pending = submitted(realname::enterprise_change_application(&change, REGISTERED).unwrap());
    let rejected = realname::decide(&pending, &changing, &reject, "ops", AT).unwrap();
    assert_eq!(
        rejected.verification,
        Verification { status: VerifiedStatus::Verified, ..changing.clone() }
    );
    let approved = realname::decide(&pending, &changing, &Decision::Approve, "ops", AT).unwrap();
    assert_eq!(approved.verification.customer_type, CustomerType::Enterprise);
    assert_eq!(approved.verification.real_name.as_deref(), Some("Lighthouse Games Ltd."));

    // Only a pending submission is decided.
    assert_eq!(
        realname::decide(&approved.submission, &changing, &Decision::Approve, "ops", AT),
        Err(E::ReviewNotPending)
    );
}

#[test]
fn a_rejection_needs_an_opinion_of_at_most_256_characters() {
    assert_eq!(Decision::reject(""), Err(E::OpinionInvalid));
    assert_eq!(Decision::reject("   "), Err(E::OpinionInvalid));
    assert_eq!(Decision::reject(&"x".repeat(257)), Err(E::OpinionInvalid));
    assert_eq!(Decision::reject(&"意".repeat(256)), Ok(Decision::Reject("意".repeat(256))));
}

#[test]
fn the_review_queue_filters_by_status_and_customer() {
    let s = submitted(realname::individual_application(&certificate(), REGISTERED).unwrap());
    let filter = |status, customer: Option<&str>| ReviewFilter {
        status,
        customer: customer.map(|c| CustomerId(c.into())),
    };
    assert!(filter(ReviewStatus::Pending, None).matches(&s));
    assert!(filter(ReviewStatus::Pending, Some("c1")).matches(&s));
    assert!(!filter(ReviewStatus::Pending, Some("c2")).matches(&s));
    assert!(!filter(ReviewStatus::Approved, None).matches(&s));
}

#[test]
fn codes_and_names_round_trip() {
    for status in ReviewStatus::ALL {
        assert_eq!(ReviewStatus::from_code(status.code()), Some(status));
        assert_eq!(ReviewStatus::from_name(status.name()), Some(status));
    }
    for purpose in [Purpose::Authentication, Purpose::ChangeToEnterprise] {
        assert_eq!(Purpose::from_code(purpose.code()), Some(purpose));
    }
    let methods = [
        Method::BankCard,
        Method::Organisation(None),
        Method::Organisation(Some(OrganisationCertificate::Other)),
        Method::PersonalCertificate(PersonalCertificate::TaiwanResidencePermit),
    ];
    for method in methods {
        assert_eq!(Method::from_codes(method.code(), method.certificate_code()), Some(method));
    }
    assert_eq!(Method::from_codes("bank_card", Some(3)), None);
    assert_eq!(Method::from_codes("personal_certificate", None), None);
}
