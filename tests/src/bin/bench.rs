//! `bench [N]`: measures the profiles function in-process (router, domain, real DynamoDB Local
//! at `DYNAMODB_ENDPOINT`) and prints latency percentiles per operation and the peak memory of
//! the process. Run it with `infra/local/bench.sh`, which starts its own DynamoDB Local and builds
//! in release mode. The figures are for comparing versions on one machine, not for promising
//! latencies on AWS (a network hop to DynamoDB costs more than a loopback one).

use axum::http::{Method, StatusCode};
use customers_tests::app::TestApp;
use serde_json::json;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn report(name: &str, samples: Vec<Duration>) {
    report_latency(name, samples);
    println!(
        "{:<34} resident now {} KiB, peak {} KiB",
        "",
        status_kib("VmRSS:"),
        status_kib("VmHWM:")
    );
}

fn report_latency(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let total: Duration = samples.iter().sum();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<34} n={:<5} p50={:>7.2}ms p95={:>7.2}ms p99={:>7.2}ms max={:>7.2}ms  {:>7.0}/s sequential",
        samples.len(),
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 95.0)),
        ms(percentile(&samples, 99.0)),
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
        samples.len() as f64 / total.as_secs_f64().max(1e-9)
    );
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

async fn timed<F, Fut>(n: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = StatusCode>,
{
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        let status = f(i).await;
        samples.push(start.elapsed());
        assert!(status.is_success(), "request {i} answered {status}");
    }
    samples
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let app = TestApp::profiles().await;
    let run = uuid::Uuid::new_v4().simple().to_string();
    println!(
        "profiles function, in-process, DynamoDB Local at {}; {n} requests per operation",
        customers_tests::dynamodb_endpoint()
    );
    let rss_start = peak_rss_kib();

    let mut numbers = Vec::with_capacity(n);
    let creates = {
        let mut samples = Vec::with_capacity(n);
        for i in 0..n {
            let mut body = app.new_profile(Some(&format!("bench{i}.{run}@example.org")));
            body["surname"] = json!(format!("Bench{run}"));
            body["firstName"] = json!(format!("Person{i}"));
            let start = Instant::now();
            let r = app.post("/profiles", body).await;
            samples.push(start.elapsed());
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            numbers.push(r.body["customerNumber"].as_i64().unwrap_or(0));
        }
        samples
    };
    report("POST /profiles (no password)", creates);

    let with_password = timed(n.min(100), |i| {
        let mut body = app.new_profile(Some(&format!("pw{i}.{run}@example.org")));
        body["password"] = json!("abcD123");
        let app = &app;
        async move { app.post("/profiles", body).await.status }
    })
    .await;
    report("POST /profiles (Argon2id password)", with_password);

    let gets = timed(n, |i| {
        let path = format!("/profiles/{}", numbers[i % numbers.len()]);
        let app = &app;
        async move { app.get(&path).await.status }
    })
    .await;
    report("GET /profiles/{n}", gets);

    let puts = timed(n, |i| {
        let path = format!("/profiles/{}", numbers[i % numbers.len()]);
        let body = json!({"firstName": format!("Changed{i}"), "surname": format!("Bench{run}"), "changedBy": "bench", "changedByChannel": "bench",
            "email": format!("bench{}.{run}@example.org", i % numbers.len())});
        let app = &app;
        async move { app.put(&path, body).await.status }
    })
    .await;
    report("PUT /profiles/{n}", puts);

    let by_email = timed(n, |i| {
        let path = format!("/profiles?email=bench{}.{run}@example.org", i % numbers.len());
        let app = &app;
        async move { app.get(&path).await.status }
    })
    .await;
    report("GET /profiles?email=", by_email);

    let by_surname = timed(20, |_| {
        let path = format!("/profiles?surname=Bench{run}&maxResultSet=100");
        let app = &app;
        async move { app.get(&path).await.status }
    })
    .await;
    report(&format!("GET /profiles?surname= ({n} share it)"), by_surname);

    let bulk_body = json!({"customerNumbers": numbers.iter().take(100).collect::<Vec<_>>()});
    let bulk = timed(50, |_| {
        let body = bulk_body.clone();
        let app = &app;
        async move { app.call(Method::POST, "/profiles/bulk", Some(body), &[]).await.status }
    })
    .await;
    report("POST /profiles/bulk (100 numbers)", bulk);

    println!(
        "peak resident memory of this process: {} KiB (at start {} KiB)",
        peak_rss_kib(),
        rss_start
    );
}
