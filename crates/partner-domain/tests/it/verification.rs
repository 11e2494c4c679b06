//! The rules of SMS verification codes: the send request, the send limits, checking a code.

use partner_domain::{
    Timestamp,
    customers::CustomerId,
    partners::PartnerId,
    verification::{self, Language, Scene, SendRequest, VerificationCode, VerificationError as E},
};

fn send(mobile: &str) -> SendRequest {
    SendRequest { receiver_type: 1, mobile_phone: mobile.into(), ..SendRequest::default() }
}

#[test]
fn a_send_request_follows_the_model_rules_in_order() {
    let ok = verification::code_request(&send("13800000000")).unwrap();
    assert_eq!(
        (ok.scene, ok.language, ok.valid_minutes, ok.customer),
        (Scene::Registration, Language::ZhCn, 10, None)
    );
    let cases: Vec<(SendRequest, Result<(), E>)> = vec![
        (SendRequest { receiver_type: 2, ..send("13800000000") }, Err(E::ReceiverTypeUnsupported)),
        // The receiver type is checked before the number.
        (SendRequest { receiver_type: 0, ..send("x") }, Err(E::ReceiverTypeUnsupported)),
        (SendRequest { timeout: Some(0), ..send("13800000000") }, Err(E::TimeoutOutOfRange)),
        (SendRequest { timeout: Some(3001), ..send("13800000000") }, Err(E::TimeoutOutOfRange)),
        (send("12800000000"), Err(E::MobileMalformed)),
        (send("1380000000"), Err(E::MobileMalformed)),
        (send("0086-13800000000"), Err(E::MobileMalformed)),
        (
            SendRequest { lang: Some("fr".into()), ..send("13800000000") },
            Err(E::LanguageUnsupported),
        ),
        (SendRequest { scene: Some(1), ..send("13800000000") }, Err(E::SceneUnsupported)),
        (SendRequest { scene: Some(18), ..send("13800000000") }, Err(E::CustomerRequiredForScene)),
        (
            SendRequest {
                scene: Some(18),
                customer_id: Some(String::new()),
                ..send("13800000000")
            },
            Err(E::CustomerRequiredForScene),
        ),
        (
            SendRequest { scene: Some(18), customer_id: Some("c1".into()), ..send("13900000000") },
            Ok(()),
        ),
        (SendRequest { lang: Some("en-us".into()), ..send("19912345678") }, Ok(())),
    ];
    for (req, expected) in cases {
        assert_eq!(verification::code_request(&req).map(|_| ()), expected, "{req:?}");
    }
    let bank =
        SendRequest { scene: Some(18), customer_id: Some("c1".into()), ..send("13900000000") };
    assert_eq!(verification::code_request(&bank).unwrap().customer, Some(CustomerId("c1".into())));
}

#[test]
fn a_code_is_valid_ten_minutes_by_default_and_five_when_more_than_sixty_are_asked() {
    let rows = [(None, Ok(10)), (Some(1), Ok(1)), (Some(30), Ok(30)), (Some(60), Ok(60))];
    let more = [(Some(61), Ok(5)), (Some(3000), Ok(5)), (Some(-1), Err(E::TimeoutOutOfRange))];
    for (timeout, expected) in rows.into_iter().chain(more) {
        assert_eq!(verification::validity_minutes(timeout), expected, "{timeout:?}");
    }
}

#[test]
fn a_number_gets_fifteen_messages_an_hour_and_sixty_a_day() {
    assert_eq!(verification::may_send(14, 59), Ok(()));
    assert_eq!(verification::may_send(15, 15), Err(E::SendLimitReached));
    assert_eq!(verification::may_send(0, 60), Err(E::SendLimitReached));
}

fn code(failed: u32, used: bool) -> VerificationCode {
    VerificationCode {
        id: "v1".into(),
        partner: PartnerId("p".into()),
        mobile: "13800000000".into(),
        scene: Scene::Registration,
        customer: None,
        language: Language::ZhCn,
        code: "123456".into(),
        sent_at: Timestamp::from_millis(0),
        expires_at: Timestamp::from_millis(600_000),
        failed_attempts: failed,
        used_at: used.then_some(Timestamp::from_millis(1)),
    }
}

#[test]
fn a_code_is_checked_for_its_lock_then_its_expiry_then_its_digits() {
    let before = Timestamp::from_millis(599_999);
    let at_expiry = Timestamp::from_millis(600_000);
    let rows = [
        (Some(code(0, false)), "123456", before, Ok(())),
        (Some(code(0, false)), "654321", before, Err(E::CodeWrong)),
        // Expiry is exclusive: at the instant, the code is gone.
        (Some(code(0, false)), "123456", at_expiry, Err(E::CodeExpired)),
        (Some(code(2, false)), "123456", before, Ok(())),
        // After three wrong checks even the right code fails, and before its expiry is looked at.
        (Some(code(3, false)), "123456", before, Err(E::TooManyFailedAttempts)),
        (Some(code(3, false)), "123456", at_expiry, Err(E::TooManyFailedAttempts)),
        (Some(code(0, true)), "123456", before, Err(E::CodeWrong)),
        (None, "123456", before, Err(E::CodeWrong)),
    ];
    for (latest, given, now, expected) in rows {
        assert_eq!(verification::check_code(latest.as_ref(), given, now), expected, "{latest:?}");
    }
}

#[test]
fn only_a_wrong_guess_at_a_live_code_counts_as_a_failed_attempt() {
    assert!(verification::is_failed_attempt(Some(&code(0, false)), &E::CodeWrong));
    assert!(!verification::is_failed_attempt(Some(&code(0, true)), &E::CodeWrong));
    assert!(!verification::is_failed_attempt(None, &E::CodeWrong));
    assert!(!verification::is_failed_attempt(Some(&code(0, false)), &E::CodeExpired));
}

#[test]
fn the_message_says_the_code_and_its_validity_in_its_language() {
    let zh = code(0, false);
    assert!(zh.message().contains("123456") && zh.message().contains("10分钟"));
    let en = VerificationCode { language: Language::EnUs, ..code(0, false) };
    assert!(en.message().contains("valid for 10 minutes"), "{}", en.message());
}
