//! The gateway's answers before any operation runs: unknown APIs, authentication, flow
//! control, and parameters that do not parse.

use axum::{body::Body, http::Request};

use crate::support::{ACME, TestApp, sdk_date_now, signed, signed_with};

const BALANCES: &str = "/v2/accounts/partner-accounts/balances";
const SUB_CUSTOMERS: &str = "/v2/partners/sub-customers/query";

#[tokio::test]
async fn unknown_paths_and_methods_are_apigw_0101_with_a_request_id() {
    let app = TestApp::new(false).await;
    for (method, uri) in [("GET", "/v2/nothing/here"), ("DELETE", BALANCES), ("GET", SUB_CUSTOMERS)]
    {
        let req = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
        let (status, request_id, body) = app.send(req).await;
        assert_eq!(
            (status, body["error_code"].as_str()),
            (404, Some("APIGW.0101")),
            "{method} {uri}"
        );
        assert_eq!(request_id.map(|r| r.len()), Some(32));
    }
}

#[tokio::test]
async fn authentication_failures_are_apig_0301() {
    let app = TestApp::new(false).await;
    let now = sdk_date_now();
    let unsigned = Request::builder().uri(BALANCES).body(Body::empty()).unwrap();
    let wrong_sk = signed("GET", BALANCES, "", (ACME.0, "not-the-secret-key", ACME.2), &now);
    let unknown_ak = signed("GET", BALANCES, "", ("NOSUCHAK000000000001", ACME.1, ACME.2), &now);
    let stale = signed("GET", BALANCES, "", ACME, "20200101T000000Z");
    let other_domain = signed("GET", BALANCES, "", (ACME.0, ACME.1, "someone-else"), &now);
    // A signature that leaves the date out could be replayed forever.
    let undated =
        signed_with("GET", BALANCES, "", ACME, &now, &["content-type", "host", "x-domain-id"]);
    let mut tampered = signed("POST", SUB_CUSTOMERS, r#"{"limit":10}"#, ACME, &now);
    *tampered.body_mut() = Body::from(r#"{"limit":11}"#);
    // An unsigned declared body hash does not stand in for the body.
    let mut declared = signed("POST", SUB_CUSTOMERS, r#"{"limit":10}"#, ACME, &now);
    let original_hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(br#"{"limit":10}"#))
    };
    declared.headers_mut().insert("x-sdk-content-sha256", original_hash.parse().unwrap());
    *declared.body_mut() = Body::from(r#"{"limit":11}"#);
    let cases = [
        (unsigned, "Authorization header is missing"),
        (wrong_sk, "verify aksk signature fail"),
        (unknown_ak, "Get secretKey failed,ak:NOSUCHAK000000000001,err:ak not exist"),
        (stale, "verify aksk signature fail"),
        (other_domain, "X-Domain-Id"),
        (undated, "verify aksk signature fail"),
        (tampered, "verify aksk signature fail"),
        (declared, "verify aksk signature fail"),
    ];
    for (req, message) in cases {
        let (status, request_id, body) = app.send(req).await;
        assert_eq!((status, body["error_code"].as_str()), (401, Some("APIG.0301")), "{message}");
        let error_msg = body["error_msg"].as_str().unwrap();
        assert!(error_msg.starts_with("Incorrect IAM authentication information: "), "{error_msg}");
        assert!(error_msg.contains(message), "{error_msg}");
        assert_eq!(body["request_id"].as_str(), request_id.as_deref());
    }
    let (status, _, body) = app.send(signed("GET", BALANCES, "", ACME, &now)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["account_balances"][0]["amount"].to_string(),
        "12.50",
        "amounts keep two decimals"
    );
}

#[tokio::test]
async fn a_key_is_locked_after_more_than_five_failures() {
    let app = TestApp::new(false).await;
    let now = sdk_date_now();
    for _ in 0..6 {
        let (status, _, _) =
            app.send(signed("GET", BALANCES, "", (ACME.0, "wrong-secret", ACME.2), &now)).await;
        assert_eq!(status, 401);
    }
    let (status, _, body) = app.send(signed("GET", BALANCES, "", ACME, &now)).await;
    assert_eq!(status, 401);
    assert!(
        body["error_msg"]
            .as_str()
            .unwrap()
            .contains("AK access failed to reach the limit,forbidden")
    );
}

#[tokio::test]
async fn bodies_that_do_not_parse_are_cbc_0100() {
    let app = TestApp::new(false).await;
    let now = sdk_date_now();
    for (body, field) in [
        ("{not json", ""),
        (r#"{"limit": "ten"}"#, "limit"),
        (r#"{"limit": 10.5}"#, "limit"),
        (r#"{"limit": 101}"#, "limit"),
        (r#"{"associated_on_begin": ""}"#, "associated_on_begin"),
        (r#"{"account_name": "x"} trailing"#, ""),
    ] {
        let (status, _, reply) = app.send(signed("POST", SUB_CUSTOMERS, body, ACME, &now)).await;
        assert_eq!((status, reply["error_code"].as_str()), (400, Some("CBC.0100")), "{body}");
        assert!(reply["error_msg"].as_str().unwrap().contains(field), "{reply}");
    }
}

#[tokio::test]
async fn flow_control_answers_429_apig_0308_past_the_quota() {
    let app = TestApp::new(true).await;
    let now = sdk_date_now();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let (status, _, body) = app.send(signed("POST", SUB_CUSTOMERS, "{}", ACME, &now)).await;
        if status == 429 {
            assert_eq!(body["error_code"], "APIG.0308");
            assert!(body["error_msg"].as_str().unwrap().contains("limit:10,time:1 second"));
        }
        statuses.push(status);
    }
    // Twelve calls inside one second (they take milliseconds): the quota is 10 per second.
    // The window boundary can fall between two calls, so count rather than compare positions.
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!((1..=2).contains(&refused), "{statuses:?}");
    assert_eq!(statuses[0], 200);
}
