//! Every failed sign-in does the same work as a wrong password: one Argon2id verification.
//! Counted, not timed (times belong to the benchmark); alone in its test binary so no other
//! test's verifications are counted; its tests take turns for the same reason.

use customers_domain::credentials::{MAX_ATTEMPTS, verifications_performed};
use customers_tests::app::{TestApp, TestResponse, email};
use futures::future::join_all;
use serde_json::json;

/// The tests of this binary run one at a time: the verification counter is the process's.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Twenty answers of a race of wrong passwords: five verified (403), the rest refused unverified
/// (429 with `Retry-After`), and five Argon2 verifications since `before`.
fn assert_only_the_counted_were_verified(answers: &[TestResponse], before: u64) {
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    let max = usize::try_from(MAX_ATTEMPTS).unwrap_or(0);
    assert_eq!(statuses.iter().filter(|s| **s == 403).count(), max, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        answers.len() - max,
        "{statuses:?}"
    );
    assert!(
        answers
            .iter()
            .filter(|r| r.status.as_u16() == 429)
            .all(|r| r.header("retry-after").is_some())
    );
    assert_eq!(
        verifications_performed() - before,
        u64::from(MAX_ATTEMPTS),
        "verified only the counted ones"
    );
}

#[tokio::test]
async fn unknown_emails_and_unusable_profiles_cost_one_verification_like_a_wrong_password() {
    let _turn = ONE_AT_A_TIME.lock().await;
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

/// Twenty wrong passwords for one email at once, as from many Lambda instances: the attempt is
/// counted with a conditional update before any verification, so exactly five are verified (and
/// answer 403) and fifteen are refused unverified (429 with `Retry-After`); the right password
/// then is refused too, without a verification, until the window ends on the functions' clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_get_at_most_five_verifications_per_window() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = TestApp::profiles().await;
    let address = email("parallel-guesses");
    let mut body = app.new_profile(Some(&address));
    body["password"] = json!("rightPass1");
    app.create(body).await;
    let before = verifications_performed();
    let answers = join_all((0..20).map(|i| {
        let app = &app;
        let address = address.clone();
        async move {
            app.post(
                "/profiles/verify-credentials",
                json!({"email": address, "password": format!("guess-{i}-x")}),
            )
            .await
        }
    }))
    .await;
    assert_only_the_counted_were_verified(&answers, before);
    let right = json!({"email": address, "password": "rightPass1"});
    let refused = app.post("/profiles/verify-credentials", right.clone()).await;
    assert_eq!(refused.status.as_u16(), 429, "{}", refused.text);
    assert_eq!(verifications_performed() - before, u64::from(MAX_ATTEMPTS));
    app.clock.advance(chrono::Duration::minutes(
        customers_domain::credentials::ATTEMPT_WINDOW_MINUTES,
    ));
    let ok = app.post("/profiles/verify-credentials", right).await;
    assert_eq!(ok.status.as_u16(), 200, "a new window: {}", ok.text);
}

/// The same race on `change-password`: twenty wrong old passwords for one profile at once are
/// counted per profile before any verification, so exactly five are verified (403) and fifteen
/// refused unverified (429 with `Retry-After`); the right old password is refused until the
/// window ends on the functions' clock, and then changes the password, which then signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_old_passwords_get_at_most_five_verifications_per_window() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = TestApp::profiles().await;
    let address = email("parallel-changes");
    let mut body = app.new_profile(Some(&address));
    body["password"] = json!("rightPass1");
    let n = app.create(body).await["customerNumber"].as_i64().unwrap_or(0);
    let path = format!("/profiles/{n}/change-password");
    let before = verifications_performed();
    let answers = join_all((0..20).map(|i| {
        let (app, path) = (&app, &path);
        async move {
            app.post(
                path,
                json!({"oldPassword": format!("guess-{i}-x"), "newPassword": format!("taken-{i}-Y9")}),
            )
            .await
        }
    }))
    .await;
    assert_only_the_counted_were_verified(&answers, before);
    let right = json!({"oldPassword": "rightPass1", "newPassword": "changed-Pass2"});
    let refused = app.post(&path, right.clone()).await;
    assert_eq!(refused.status.as_u16(), 429, "{}", refused.text);
    assert_eq!(verifications_performed() - before, u64::from(MAX_ATTEMPTS));
    app.clock.advance(chrono::Duration::minutes(
        customers_domain::credentials::ATTEMPT_WINDOW_MINUTES,
    ));
    let changed = app.post(&path, right).await;
    assert_eq!(changed.status.as_u16(), 204, "a new window: {}", changed.text);
    let signed_in = app
        .post(
            "/profiles/verify-credentials",
            json!({"email": address, "password": "changed-Pass2"}),
        )
        .await;
    assert_eq!(signed_in.status.as_u16(), 200, "{}", signed_in.text);
}
