//! Every failed sign-in does the same work as a wrong password: one Argon2id verification.
//! Counted, not timed (times belong to the benchmark); alone in its test binary so no other
//! test's verifications are counted.

use customers_domain::credentials::verifications_performed;
use customers_tests::app::{TestApp, email};
use serde_json::json;

#[tokio::test]
async fn unknown_emails_and_unusable_profiles_cost_one_verification_like_a_wrong_password() {
    let app = TestApp::profiles().await;
    let known = email("known");
    let mut body = app.new_profile(Some(&known));
    body["password"] = json!("abcD123");
    app.create(body).await;
    let passwordless = email("nopassword");
    app.create(app.new_profile(Some(&passwordless))).await;
    let attempts = [
        (known.as_str(), "wrongPass1"),
        (email("unknown").as_str(), "wrongPass1"),
        (passwordless.as_str(), "abcD123"),
    ]
    .map(|(e, p)| (e.to_string(), p.to_string()));
    for (address, password) in attempts {
        let before = verifications_performed();
        let r = app
            .post(
                "/profiles/verify-credentials",
                json!({"email": address, "password": password}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 403, "{}", r.text);
        assert_eq!(
            verifications_performed() - before,
            1,
            "{address}: exactly one Argon2 verification"
        );
    }
    let before = verifications_performed();
    let ok = app
        .post(
            "/profiles/verify-credentials",
            json!({"email": known, "password": "abcD123"}),
        )
        .await;
    assert_eq!(ok.status.as_u16(), 200);
    assert_eq!(verifications_performed() - before, 1);
}
