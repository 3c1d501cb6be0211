//! List answers of full, large profiles stay within Lambda's 6 MB answer: a bulk lookup of
//! 1,000 numbers and a search of up to 1,000 stop before the profile that would pass the
//! budget and say so (and where a bulk lookup resumes); a page of /profiles-search that would
//! pass it is answered as a smaller page starting at the same profile.

use axum::http::StatusCode;
use customers_contract::bounded::{RESPONSE_BUDGET, in_lambda_answer};
use customers_tests::app::{TestApp, TestResponse};
use futures::StreamExt;
use serde_json::{Value, json};

/// A character of four bytes in UTF-8.
const WIDE: &str = "\u{1D11E}";
const PROFILES: usize = 100;

/// A surname of letters no other test uses.
fn surname() -> String {
    let letters: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .bytes()
        .take(12)
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    format!("Stor{letters}")
}

/// Profiles as large as a list answer shows them: ten postal addresses and fifty chosen
/// preferences, every text at its longest in four-byte characters (about 60 KB each in an
/// answer). Answers their numbers in ascending order.
async fn large_profiles(app: &TestApp, surname: &str) -> Vec<i64> {
    let mut preferences = Vec::new();
    for i in 0..50 {
        let code = format!("P{i}-{}", uuid::Uuid::new_v4().simple());
        let r = app.post("/preferences", json!({"preferenceCode": code})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        preferences.push(json!({"preferenceId": r.body["id"], "preferenceValue": WIDE.repeat(200)}));
    }
    let preferences = Value::Array(preferences);
    let address = json!({"addressLine1": WIDE.repeat(100), "addressLine2": WIDE.repeat(100),
        "town": WIDE.repeat(100), "postCode": "0150"});
    let mut body = app.new_profile(None);
    body["surname"] = json!(surname);
    body["postalAddresses"] = json!(vec![address; 10]);
    let mut numbers: Vec<i64> = futures::stream::iter(0..PROFILES)
        .map(|_| {
            let body = body.clone();
            async move { app.create(body).await["customerNumber"].as_i64().unwrap_or(0) }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    // One at a time: each choice is checked against the same catalogue items in its
    // transaction, and parallel transactions on the same items cancel each other.
    for n in &numbers {
        let r = app
            .put(&format!("/profiles/{n}/preferences"), preferences.clone())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    numbers.sort_unstable();
    numbers
}

fn numbers_in(r: &TestResponse) -> Vec<i64> {
    r.body
        .as_array()
        .or_else(|| r.body["items"].as_array())
        .into_iter()
        .flatten()
        .map(|c| c["customerNumber"].as_i64().unwrap_or(0))
        .collect()
}

fn assert_within_budget(r: &TestResponse) {
    assert_eq!(r.status, StatusCode::OK, "{}", &r.text[..r.text.len().min(500)]);
    let size = in_lambda_answer(r.text.as_bytes());
    assert!(size <= RESPONSE_BUDGET, "{size} bytes");
}

#[tokio::test]
async fn bulk_search_and_pages_of_large_profiles_stay_within_the_answer_budget() {
    let (app, table) = TestApp::with_fresh_table().await;
    let surname = surname();
    let numbers = large_profiles(&app, &surname).await;
    let one = app.get(&format!("/profiles/{}", numbers[0])).await;
    assert!(
        one.text.len() > RESPONSE_BUDGET / 90,
        "a profile takes {} bytes",
        one.text.len()
    );

    // A bulk lookup of 1,000 numbers: the 100 profiles, then 900 that do not exist.
    let mut asked: Vec<i64> = numbers.clone();
    asked.extend((0..900).map(|i| 1_999_000_000 + i));
    let first = app.post("/profiles/bulk", json!({"customerNumbers": asked})).await;
    assert_within_budget(&first);
    let answered = numbers_in(&first);
    assert!(
        answered.len() > 40 && answered.len() < PROFILES,
        "{} answered",
        answered.len()
    );
    assert_eq!(first.header("result-truncated"), Some("true"));
    let resume: usize = first
        .header("bulk-resume-index")
        .and_then(|i| i.parse().ok())
        .unwrap_or(0);
    assert_eq!(
        resume,
        answered.len(),
        "the answer covers the list up to where it resumes"
    );
    let rest = app
        .post("/profiles/bulk", json!({"customerNumbers": asked[resume..]}))
        .await;
    assert_within_budget(&rest);
    assert_eq!(rest.header("result-truncated"), None);
    eprintln!(
        "a profile: {} bytes; bulk of 1,000: {} profiles in {} bytes, resumed at {}",
        one.text.len(),
        answered.len(),
        in_lambda_answer(first.text.as_bytes()),
        resume
    );
    let all: Vec<i64> = answered.into_iter().chain(numbers_in(&rest)).collect();
    assert_eq!(all, numbers, "every profile once, in the order asked");

    // A search of up to 1,000: stops early and says so.
    let found = app.get(&format!("/profiles?surname={surname}&maxResultSet=1000")).await;
    assert_within_budget(&found);
    assert_eq!(found.header("result-truncated"), Some("true"));
    let matched = numbers_in(&found);
    assert!(matched.len() > 40 && matched.len() < PROFILES);
    assert_eq!(matched, numbers[..matched.len()].to_vec());

    // A page of 100 does not fit: a page of 50 starting at the same profile does.
    let page = app
        .get(&format!("/profiles-search?surname={surname}&page=0&perPage=100"))
        .await;
    assert_within_budget(&page);
    assert_eq!(
        (
            &page.body["page"],
            &page.body["perPage"],
            &page.body["totalItems"],
            &page.body["totalPages"]
        ),
        (&json!(0), &json!(50), &json!(PROFILES), &json!(2))
    );
    let next = app
        .get(&format!("/profiles-search?surname={surname}&page=1&perPage=50"))
        .await;
    assert_within_budget(&next);
    let paged: Vec<i64> = numbers_in(&page).into_iter().chain(numbers_in(&next)).collect();
    assert_eq!(paged, numbers);
    app.drop_table(&table).await;
}

#[tokio::test]
async fn small_answers_carry_no_truncation_headers() {
    let app = TestApp::profiles().await;
    let n = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let r = app.post("/profiles/bulk", json!({"customerNumbers": [n]})).await;
    assert_eq!(numbers_in(&r), vec![n]);
    assert_eq!(
        (r.header("result-truncated"), r.header("bulk-resume-index")),
        (None, None)
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
}
