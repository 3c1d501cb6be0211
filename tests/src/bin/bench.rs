//! `bench`: the figures of `docs/performance.md`, each next to its reference measured in the
//! same run. `infra/local/bench.sh` builds everything, starts what it needs and runs it:
//!
//! ```text
//! bench --bins DIR --zips DIR --out FILE --logs DIR [--samples N] [--scale N] [--cold-runs N] [--sns URL]
//!       [--speed NAMES] [--profile NAME]
//!
//! `--bins` is the target's directory of profiles (`target/<triple>`): a binary is taken from
//! `release/` (or the `--profile` given, e.g. `profiling` under a profiler), or from
//! `release-speed/` when `--speed` names it (as `infra/lib.sh` builds it).
//! ```
//!
//! - **operations**: every function's router in-process over the real DynamoDB adapter, with a
//!   recording interceptor on the SDK client; after each request the same DynamoDB requests are
//!   sent again raw (`bench::calls`), so each operation's latency stands next to its floor, and
//!   its requests are counted next to the minimum the table design allows;
//! - **binaries**: the release Lambda binaries under a stand-in of the Runtime API
//!   (`bench::runtime_api`): cold start (spawn to the first `/next`, spawn to the first answer),
//!   warm latency inside the binary, peak memory under load, next to hello-world binaries built
//!   with the same profile; the zipped packages;
//! - **scale**: the searches on 1,000 and on `--scale` profiles (seeded straight into the table
//!   in batches, from the items of a real create).
//!
//! Figures compare versions on one machine, not latencies promised on AWS: DynamoDB Local on
//! loopback is neither DynamoDB nor a network hop away.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, StreamSpecification, WriteRequest};
use axum::body::Body;
use axum::http::{Method, Request};
use customers_domain::clock::SystemClock;
use customers_domain::credentials::{PasswordHasher, time_spent_verifying};
use customers_domain::values::Password;
use customers_dynamodb::DynamoStore;
use customers_http::{AuthConfig, Settings};
use customers_telemetry::metrics::{MetricsSink, RequestMetrics};
use customers_tests::app::{Gateway, ensure_table, routers};
use customers_tests::bench::calls::{self, Call, Recorder, Request as DbRequest, Tables};
use customers_tests::bench::events;
use customers_tests::bench::runtime_api::{Process, binary};
use customers_tests::bench::stats::{Summary, median, ratio};
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

type Item = HashMap<String, AttributeValue>;

struct Args {
    bins: PathBuf,
    /// Binaries built with the `release-speed` profile.
    speed: Vec<String>,
    /// The profile of the other binaries.
    profile: String,
    zips: PathBuf,
    out: PathBuf,
    logs: PathBuf,
    samples: usize,
    scale: usize,
    cold_runs: usize,
    sns: Option<String>,
    /// Events of the warm runs (default: 2,000 GETs and each function's load).
    load: Option<usize>,
    /// Only these binaries (all when empty).
    only: Vec<String>,
    /// A command that runs the named binary, e.g. under a profiler: `NAME=perf record -g --`.
    wrap: Option<(String, Vec<String>)>,
}

fn args() -> Args {
    let mut a = Args {
        bins: PathBuf::from("target/x86_64-unknown-linux-gnu"),
        speed: Vec::new(),
        profile: "release".to_string(),
        zips: PathBuf::from("target/lambda"),
        out: PathBuf::from(".local/bench/figures.json"),
        logs: PathBuf::from(".local/bench"),
        samples: 1000,
        scale: 100_000,
        cold_runs: 10,
        sns: None,
        only: Vec::new(),
        wrap: None,
        load: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || value.parse::<usize>().unwrap_or_else(|e| panic!("{flag} {value}: {e}"));
        match flag.as_str() {
            "--bins" => a.bins = PathBuf::from(&value),
            "--zips" => a.zips = PathBuf::from(&value),
            "--out" => a.out = PathBuf::from(&value),
            "--logs" => a.logs = PathBuf::from(&value),
            "--samples" => a.samples = number(),
            "--scale" => a.scale = number(),
            "--cold-runs" => a.cold_runs = number(),
            "--sns" => a.sns = Some(value.clone()).filter(|v| !v.is_empty()),
            "--load" => a.load = Some(number()),
            "--profile" => a.profile = value.clone(),
            "--speed" => a.speed = value.split(',').map(str::to_string).collect(),
            "--only" => a.only = value.split(',').map(str::to_string).collect(),
            "--wrap" => {
                let (name, command) = value.split_once('=').unwrap_or_else(|| panic!("--wrap NAME=COMMAND"));
                a.wrap = Some((
                    name.to_string(),
                    command.split_whitespace().map(str::to_string).collect(),
                ));
            }
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// The cargo profile a binary was built with.
fn profile_of<'a>(a: &'a Args, name: &str) -> &'a str {
    if a.speed.iter().any(|s| s == name) {
        "release-speed"
    } else {
        &a.profile
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_default();
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .unwrap_or_default();
    json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "memory_kib": total.parse::<u64>().unwrap_or(0),
        "kernel": std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim(),
    })
}

// ---------------------------------------------------------------------------------------------
// In-process: a request, and its DynamoDB requests replayed raw.

/// Every function's router over one table, on the recording client.
struct Harness {
    gateway: Gateway,
    /// The token issuer's keys, for the binaries.
    gateway_jwks: String,
    client: Client,
    recorder: Recorder,
    tables: Tables,
    token: String,
}

struct Sample {
    body: Value,
    handler: Duration,
    raw: Duration,
    /// Of `raw`, the pause the replay made in the handler's longest wait (its hash).
    paused: Duration,
    /// Time the hashing thread spent verifying passwords while the handler ran.
    verifying: Duration,
    calls: Vec<Call>,
    read_units: f64,
    write_units: f64,
    replay_failures: u32,
}

impl Harness {
    /// A request that must succeed, and its calls replayed; with `pause`, the replay runs it
    /// where the handler waited longest between its calls.
    async fn ok_pausing(
        &self,
        method: &Method,
        path: &str,
        body: Option<&Value>,
        pause: Option<&(dyn Fn() + Sync)>,
    ) -> Sample {
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("authorization", format!("Bearer {}", self.token))
            .header("et-client-name", "bench");
        if body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        let request = builder
            .body(Body::from(body.map(Value::to_string).unwrap_or_default()))
            .unwrap_or_else(|e| panic!("request: {e}"));
        let router = self.gateway.function_for(path);
        self.recorder.start();
        let verifying = time_spent_verifying();
        let start = Instant::now();
        let response = router.oneshot(request).await.unwrap_or_else(|e| match e {});
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let handler = start.elapsed();
        let verifying = time_spent_verifying().saturating_sub(verifying);
        let recorded = self.recorder.take();
        let replayed = calls::replay(&self.client, &recorded, &self.tables, true, pause).await;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path} answered {status}: {body}");
        Sample {
            body,
            handler,
            raw: replayed.elapsed,
            paused: replayed.paused,
            verifying,
            calls: recorded,
            read_units: replayed.read_units,
            write_units: replayed.write_units,
            replay_failures: replayed.failed,
        }
    }

    /// A request that must succeed.
    async fn ok(&self, method: &Method, path: &str, body: Option<&Value>) -> Sample {
        self.ok_pausing(method, path, body, None).await
    }
}

/// One operation's figures.
#[derive(Default)]
struct Measured {
    handler: Vec<Duration>,
    raw: Vec<Duration>,
    requests: BTreeMap<&'static str, u64>,
    attempts: u64,
    read_units: f64,
    write_units: f64,
    replay_failures: u32,
    /// The calls of each sample, kept for replays later.
    calls: Vec<Vec<Call>>,
    /// Time inside Argon2 during each sample, for the operations that hash.
    hashing: Vec<Duration>,
    /// Time in the handler's DynamoDB calls during each sample, for the operations that hash.
    in_calls: Vec<Duration>,
    /// The replay's own hash during each sample, for the operations that hash.
    paused: Vec<Duration>,
}

impl Measured {
    fn add(&mut self, s: &Sample, keep_calls: bool) {
        self.handler.push(s.handler);
        self.raw.push(s.raw);
        for (name, n) in calls::counts(&s.calls) {
            *self.requests.entry(name).or_insert(0) += u64::from(n);
        }
        self.attempts += s.calls.iter().map(|c| u64::from(c.attempts)).sum::<u64>();
        self.read_units += s.read_units;
        self.write_units += s.write_units;
        self.replay_failures += s.replay_failures;
        if !s.paused.is_zero() {
            self.paused.push(s.paused);
        }
        if keep_calls {
            self.calls.push(s.calls.clone());
        }
    }

    fn json(&self, name: &str, label: &str, minimum: &str, minimum_requests: f64) -> Value {
        let n = self.handler.len().max(1) as f64;
        let handler = Summary::of(&self.handler);
        let raw = Summary::of(&self.raw);
        let per_op: BTreeMap<&str, f64> = self.requests.iter().map(|(k, v)| (*k, *v as f64 / n)).collect();
        let total: f64 = per_op.values().sum();
        // Each request less its own time inside Argon2: the handler's own work beside its calls.
        let without_hash = (!self.hashing.is_empty()).then(|| {
            let less_hash = each_less(&self.handler, &self.hashing);
            let rest = Summary::of(&less_hash);
            // What is left of each request less its hash and its calls: the handler's own work.
            let own = each_less(&less_hash, &self.in_calls);
            // The replay less its own hash: the raw calls alone.
            let calls_alone = Summary::of(&each_less(&self.raw, &self.paused));
            json!({
                "handler": rest,
                "hash": Summary::of(&self.hashing),
                "raw_calls": calls_alone,
                "raw_hash": Summary::of(&self.paused),
                "ratio_p50": ratio(rest.p50_ms, calls_alone.p50_ms),
                "calls_in_handler": Summary::of(&self.in_calls),
                "own_work": Summary::of(&own),
            })
        });
        json!({
            "name": name,
            "label": label,
            "samples": self.handler.len(),
            "handler": handler,
            "raw": raw,
            "ratio_p50": ratio(handler.p50_ms, raw.p50_ms),
            "ratio_p99": ratio(handler.p99_ms, raw.p99_ms),
            "requests": {
                "per_operation": total,
                "by_kind": per_op,
                "attempts_per_operation": self.attempts as f64 / n,
                "minimum": minimum_requests,
                "minimum_is": minimum,
            },
            "capacity": {
                "read_units": self.read_units / n,
                "write_units": self.write_units / n,
            },
            "replay_failures": self.replay_failures,
            "without_hash": without_hash,
        })
    }
}

fn print_op(v: &Value) {
    println!(
        "{:<26} n={:<5} handler p50 {:>7.3} ms p99 {:>7.3} ms | raw p50 {:>7.3} ms p99 {:>7.3} ms | {:>5.2}x | requests {:.2} (minimum {}) | RRU {:.2} WRU {:.2}",
        v["name"].as_str().unwrap_or(""),
        v["samples"],
        v["handler"]["p50_ms"].as_f64().unwrap_or(0.0),
        v["handler"]["p99_ms"].as_f64().unwrap_or(0.0),
        v["raw"]["p50_ms"].as_f64().unwrap_or(0.0),
        v["raw"]["p99_ms"].as_f64().unwrap_or(0.0),
        v["ratio_p50"].as_f64().unwrap_or(0.0),
        v["requests"]["per_operation"].as_f64().unwrap_or(0.0),
        v["requests"]["minimum"],
        v["capacity"]["read_units"].as_f64().unwrap_or(0.0),
        v["capacity"]["write_units"].as_f64().unwrap_or(0.0),
    );
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn number_of(body: &Value) -> i64 {
    body["customerNumber"]
        .as_i64()
        .unwrap_or_else(|| panic!("no customerNumber in {body}"))
}

/// What the binaries phase needs from the operations phase.
struct Fixtures {
    numbers: Vec<i64>,
    temporary: Vec<i64>,
    accounts: Vec<String>,
    sign_in: (String, String),
    get_calls: Vec<Vec<Call>>,
    profile_items: Vec<Item>,
}

fn create_body(org: i64, i: usize) -> Value {
    json!({
        "firstName": format!("Person{i}"),
        "surname": format!("Bench{}", i % 10),
        "email": format!("p{i}@bench.example.org"),
        "countryCode": "+47",
        "telephoneNumberNoCountryCode": format!("9{:07}", i),
        "dateOfBirth": "1990-05-17",
        "languagePreference": "NO",
        "createdBy": "bench",
        "createdByChannel": "bench",
        "organisationId": org
    })
}

async fn operations(h: &Harness, org: i64, n: usize) -> (Vec<Value>, Value, Fixtures) {
    let mut out = Vec::new();
    let post = Method::POST;
    let get = Method::GET;
    let warmup = 20.min(n);

    // create
    let mut m = Measured::default();
    let mut numbers = Vec::with_capacity(n);
    for i in 0..n + warmup {
        let s = h.ok(&post, "/profiles", Some(&create_body(org, i))).await;
        numbers.push(number_of(&s.body));
        if i >= warmup {
            m.add(&s, false);
        }
    }
    out.push(m.json(
        "create",
        "POST /profiles",
        "1 TransactWriteItems, plus 1 UpdateItem per block of 100 numbers",
        1.01,
    ));
    print_op(out.last().unwrap_or(&Value::Null));

    // get
    let mut m = Measured::default();
    for i in 0..n + warmup {
        let s = h
            .ok(&get, &format!("/profiles/{}", numbers[i % numbers.len()]), None)
            .await;
        if i >= warmup {
            m.add(&s, true);
        }
    }
    let get_calls = m.calls.clone();
    out.push(m.json("get", "GET /profiles/{n}", "1 GetItem", 1.0));
    print_op(out.last().unwrap_or(&Value::Null));

    // full update
    let mut m = Measured::default();
    for i in 0..n + warmup {
        let k = i % numbers.len();
        let mut body = create_body(org, k);
        body["firstName"] = json!(format!("Changed{i}"));
        body["changedBy"] = json!("bench");
        body["changedByChannel"] = json!("bench");
        let s = h
            .ok(&Method::PUT, &format!("/profiles/{}", numbers[k]), Some(&body))
            .await;
        if i >= warmup {
            m.add(&s, false);
        }
    }
    out.push(m.json(
        "full update",
        "PUT /profiles/{n}",
        "1 GetItem + 1 TransactWriteItems",
        2.0,
    ));
    print_op(out.last().unwrap_or(&Value::Null));

    // find by email
    let mut m = Measured::default();
    for i in 0..n + warmup {
        let s = h
            .ok(
                &get,
                &format!("/profiles?email=p{}@bench.example.org", i % numbers.len()),
                None,
            )
            .await;
        assert_eq!(s.body.as_array().map(Vec::len), Some(1), "find by email: {}", s.body);
        if i >= warmup {
            m.add(&s, false);
        }
    }
    out.push(m.json("find by email", "GET /profiles?email=", "1 Query + 1 BatchGetItem", 2.0));
    print_op(out.last().unwrap_or(&Value::Null));

    // find by surname: each surname is shared by a tenth of the profiles (100 of 1,000)
    let few = (n / 5).max(20);
    let mut shared = 0;
    let mut m = Measured::default();
    for i in 0..few + warmup {
        let s = h.ok(&get, &format!("/profiles?surname=Bench{}", i % 10), None).await;
        shared = s.body.as_array().map(Vec::len).unwrap_or(0);
        assert!(shared > 0, "find by surname found nothing: {}", s.body);
        if i >= warmup {
            m.add(&s, false);
        }
    }
    out.push(m.json(
        "find by surname",
        &format!("GET /profiles?surname= ({shared} match)"),
        "1 Query + 1 BatchGetItem",
        2.0,
    ));
    print_op(out.last().unwrap_or(&Value::Null));

    // paged search
    let mut m = Measured::default();
    for i in 0..few + warmup {
        let s = h
            .ok(
                &get,
                &format!("/profiles-search?surname=Bench{}&page=1&perPage=20", i % 10),
                None,
            )
            .await;
        if i >= warmup {
            m.add(&s, false);
        }
    }
    out.push(m.json(
        "paged search",
        "GET /profiles-search?surname= (page 2, 20 a page)",
        "1 Query + 1 BatchGetItem (the page)",
        2.0,
    ));
    print_op(out.last().unwrap_or(&Value::Null));

    // bulk of 1,000
    let bulk_numbers: Vec<i64> = numbers.iter().copied().cycle().take(1000.min(numbers.len())).collect();
    let bulk_body = json!({ "customerNumbers": bulk_numbers });
    let minimum_batches = bulk_numbers.len().div_ceil(100) as f64;
    let mut m = Measured::default();
    for i in 0..(n / 20).max(10) + 3 {
        let s = h.ok(&post, "/profiles/bulk", Some(&bulk_body)).await;
        if i >= 3 {
            m.add(&s, false);
        }
    }
    out.push(m.json(
        "bulk of 1,000",
        &format!("POST /profiles/bulk ({} numbers)", bulk_numbers.len()),
        "1 BatchGetItem per 100 numbers",
        minimum_batches,
    ));
    print_op(out.last().unwrap_or(&Value::Null));

    // get by account id
    let with_accounts = numbers.len().min(100);
    let mut accounts = Vec::new();
    for number in numbers.iter().take(with_accounts) {
        let id = format!("acct-{number}");
        h.ok(
            &post,
            &format!("/profiles/{number}/customer-accounts"),
            Some(&json!({ "accountId": id, "alias": "Card" })),
        )
        .await;
        accounts.push(id);
    }
    let mut m = Measured::default();
    for i in 0..n + warmup {
        let s = h
            .ok(
                &get,
                &format!("/profiles/customer-accounts/{}", accounts[i % accounts.len()]),
                None,
            )
            .await;
        if i >= warmup {
            m.add(&s, false);
        }
    }
    out.push(m.json(
        "get by account id",
        "GET /profiles/customer-accounts/{id}",
        "1 GetItem (the account's guard) + 1 GetItem (the profile)",
        2.0,
    ));
    print_op(out.last().unwrap_or(&Value::Null));

    // temporary create
    let mut m = Measured::default();
    let mut temporary = Vec::new();
    for i in 0..n + warmup {
        let body = json!({
            "createdBy": "bench", "createdByChannel": "bench", "expirationDate": in_days(2),
            "email": format!("t{i}@bench.example.org"), "firstName": "Temp", "surname": "Buyer"
        });
        let s = h.ok(&post, "/profiles/temporary", Some(&body)).await;
        temporary.push(number_of(&s.body));
        if i >= warmup {
            m.add(&s, false);
        }
    }
    out.push(m.json(
        "temporary create",
        "POST /profiles/temporary",
        "1 TransactWriteItems, plus 1 UpdateItem per block of 100 numbers",
        1.01,
    ));
    print_op(out.last().unwrap_or(&Value::Null));

    // verify credentials
    let (email, password) = ("signin@bench.example.org".to_string(), "abcD1234".to_string());
    let mut body = create_body(org, n + warmup + 1);
    body["email"] = json!(email);
    body["password"] = json!(password);
    h.ok(&post, "/profiles", Some(&body)).await;
    let verify_body = json!({ "email": email, "password": password, "lastSignInFrom": "app" });
    // The operation's floor is its calls and its one Argon2id verification: the replay makes
    // the verification (as the handler runs it, on this thread) where the handler waited for
    // its own, between its reads and its writes, so the calls after it follow a hash in both.
    let hasher = PasswordHasher::default();
    let secret = Password::parse("password", &password).unwrap_or_else(|e| panic!("{e:?}"));
    let hash = hasher.hash(&secret).unwrap_or_else(|e| panic!("{e}"));
    let verify_alone = || assert!(hasher.verify(&secret, &hash));
    let mut hashing = Vec::new();
    let mut m = Measured::default();
    let verifies = (n / 10).max(20);
    for i in 0..verifies + 3 {
        let s = h
            .ok_pausing(
                &post,
                "/profiles/verify-credentials",
                Some(&verify_body),
                Some(&verify_alone),
            )
            .await;
        if i >= 3 {
            m.add(&s, false);
            // The handler's own hash, timed by the hashing thread while it ran (not the replay's).
            m.hashing.push(s.verifying);
            // The time the handler spent waiting on its calls (calls made at once count once).
            m.in_calls.push(calls::time_in_calls(&s.calls));
            hashing.push(s.paused);
        }
    }
    out.push(m.json(
        "verify credentials",
        "POST /profiles/verify-credentials",
        "1 UpdateItem (count the attempt) with 1 GetItem (email guard) then 1 GetItem (profile and hash); 1 DeleteItem (clear the attempts) with 1 TransactWriteItems (record the sign-in); the raw figures include one Argon2id verification between them",
        5.0,
    ));
    print_op(out.last().unwrap_or(&Value::Null));
    if let Some(w) = out.last().map(|v| &v["without_hash"]) {
        println!("  less each request's own time inside Argon2: {w}");
    }

    let hashing = json!({ "argon2id_verify": Summary::of(&hashing), "parameters": "19 MiB, 2 passes, 1 lane" });
    println!("Argon2id verification alone: {hashing}");

    // Profile items, for the stream events of change-events.
    let mut profile_items = Vec::new();
    for call in get_calls.iter().take(100).flatten() {
        if let DbRequest::GetItem(i) = &call.request {
            let r = h
                .client
                .get_item()
                .set_table_name(i.table_name.clone())
                .set_key(i.key.clone())
                .send()
                .await
                .unwrap_or_else(|e| panic!("GetItem: {e:?}"));
            profile_items.extend(r.item);
        }
    }
    let fixtures = Fixtures {
        numbers,
        temporary,
        accounts,
        sign_in: (email, password),
        get_calls,
        profile_items,
    };
    (out, hashing, fixtures)
}

// ---------------------------------------------------------------------------------------------
// The binaries under the Runtime-API stand-in.

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Http,
    Stream,
    Hello,
}

struct Binary {
    name: &'static str,
    kind: Kind,
    env: Vec<(String, String)>,
}

struct Context<'a> {
    args: &'a Args,
    harness: &'a Harness,
    fixtures: &'a Fixtures,
    token: String,
    org: i64,
}

/// The event each binary answers first (its cold start) and the load it runs warm.
fn first_event(b: &Binary, c: &Context) -> Value {
    let f = c.fixtures;
    let http = |method: &str, path: &str, body: Option<&Value>| events::http_request(method, path, body, &c.token);
    match b.name {
        "profiles" => http("GET", &format!("/profiles/{}", f.numbers[0]), None),
        "temporary-profiles" => http("GET", &format!("/profiles/temporary/{}", f.temporary[0]), None),
        "customer-accounts" => http("GET", &format!("/profiles/customer-accounts/{}", f.accounts[0]), None),
        "preferences" => http("GET", "/preferences", None),
        "credentials" => http(
            "POST",
            "/profiles/verify-credentials",
            Some(&json!({ "email": f.sign_in.0, "password": f.sign_in.1 })),
        ),
        // A record of an item that is no profile: decoded and skipped, nothing published.
        "change-events" => {
            let counter: Item = HashMap::from([
                ("pk".to_string(), AttributeValue::S("COUNTER#CUSTOMER_NUMBER".into())),
                ("sk".to_string(), AttributeValue::S("COUNTER".into())),
                ("next".to_string(), AttributeValue::N("1000000100".into())),
            ]);
            events::stream_batch(&[counter], &c.harness.tables.main)
        }
        "hello-lambda-http" => http("GET", "/", None),
        _ => json!({ "hello": "bench" }),
    }
}

/// The `i`th event of the load run warm.
fn load_event(b: &Binary, c: &Context, i: usize) -> Value {
    let f = c.fixtures;
    let http = |method: &str, path: &str, body: Option<&Value>| events::http_request(method, path, body, &c.token);
    match b.name {
        "profiles" => match i % 10 {
            0 => http("POST", "/profiles", Some(&load_create_body(c.org, i))),
            1 => http("GET", &format!("/profiles?surname=Bench{}", i % 7), None),
            2 => http(
                "GET",
                &format!("/profiles?email=p{}@bench.example.org", i % f.numbers.len()),
                None,
            ),
            _ => http("GET", &format!("/profiles/{}", f.numbers[i % f.numbers.len()]), None),
        },
        "temporary-profiles" => match i % 2 {
            0 => http(
                "POST",
                "/profiles/temporary",
                Some(&json!({"createdBy": "bench", "createdByChannel": "bench", "expirationDate": in_days(2)})),
            ),
            _ => http(
                "GET",
                &format!("/profiles/temporary/{}", f.temporary[i % f.temporary.len()]),
                None,
            ),
        },
        "customer-accounts" => http(
            "GET",
            &format!("/profiles/customer-accounts/{}", f.accounts[i % f.accounts.len()]),
            None,
        ),
        "preferences" => match i % 2 {
            0 => http("GET", "/preferences", None),
            _ => http(
                "GET",
                &format!("/profiles/{}/preferences", f.numbers[i % f.numbers.len()]),
                None,
            ),
        },
        "credentials" => first_event(b, c),
        "change-events" => {
            let from = (i * 10) % f.profile_items.len().max(1);
            let batch: Vec<Item> = f.profile_items.iter().cycle().skip(from).take(10).cloned().collect();
            events::stream_batch(&batch, &c.harness.tables.main)
        }
        _ => first_event(b, c),
    }
}

/// A create of the `profiles` load: one in five with a mobile number of one of five other
/// countries, as a Norwegian operator meets them, so the numbering plans the function loads
/// (and the memory they keep) are those of such a load.
fn load_create_body(org: i64, i: usize) -> Value {
    let mut body = create_body(org, 1_000_000 + i);
    let n = i % 1_000_000;
    let foreign = match (i / 10) % 25 {
        0 => Some(("+46", format!("70{:07}", n))),
        5 => Some(("+45", format!("3212{:04}", n % 10_000))),
        10 => Some(("+44", format!("7400{:06}", n))),
        15 => Some(("+49", format!("151{:08}", n))),
        20 => Some(("+1", format!("2012{:06}", n))),
        _ => None,
    };
    if let Some((code, national)) = foreign {
        body["countryCode"] = json!(code);
        body["telephoneNumberNoCountryCode"] = json!(national);
    }
    body
}

fn load_size(b: &Binary) -> usize {
    match b.name {
        "credentials" => 100,
        "change-events" => 50,
        _ => 2000,
    }
}

fn answered_ok(b: &Binary, answer: &[u8]) -> bool {
    match b.kind {
        Kind::Http => (200..300).contains(&events::status_of(answer)),
        Kind::Hello if b.name == "hello-lambda-http" => events::status_of(answer) == 200,
        _ => true,
    }
}

async fn binaries(c: &Context<'_>) -> Value {
    let a = c.args;
    let dynamodb = customers_tests::dynamodb_endpoint();
    let jwks = c.harness.gateway_jwks.clone();
    let common: Vec<(String, String)> = [
        ("TABLE_NAME", c.harness.tables.main.as_str()),
        ("DYNAMODB_ENDPOINT", dynamodb.as_str()),
        ("JWT_JWKS_URL", jwks.as_str()),
        ("JWT_ISSUER", customers_tests::issuer::ISSUER),
        ("JWT_AUDIENCE", customers_tests::issuer::AUDIENCE),
        ("STAGE", "bench"),
        ("CUSTOMER_NUMBER_BLOCK", "100"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // change-events reads the table and its stream too, to replay the failure queue.
    let mut stream_env: Vec<(String, String)> = [
        ("STAGE", "bench"),
        ("TABLE_NAME", c.harness.tables.main.as_str()),
        ("DYNAMODB_ENDPOINT", dynamodb.as_str()),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Some(sns) = &a.sns {
        stream_env.push(("SNS_ENDPOINT".into(), sns.clone()));
        stream_env.push(("FAILURE_QUEUE_URL".into(), format!("{sns}/123456789012/bench-failed")));
    } else {
        stream_env.push(("SNS_ENDPOINT".into(), "http://127.0.0.1:9".into()));
        stream_env.push((
            "FAILURE_QUEUE_URL".into(),
            "http://127.0.0.1:9/123456789012/bench-failed".into(),
        ));
    }
    let list = vec![
        Binary {
            name: "hello-lambda",
            kind: Kind::Hello,
            env: vec![],
        },
        Binary {
            name: "hello-lambda-http",
            kind: Kind::Hello,
            env: vec![],
        },
        Binary {
            name: "profiles",
            kind: Kind::Http,
            env: common.clone(),
        },
        Binary {
            name: "temporary-profiles",
            kind: Kind::Http,
            env: common.clone(),
        },
        Binary {
            name: "customer-accounts",
            kind: Kind::Http,
            env: common.clone(),
        },
        Binary {
            name: "preferences",
            kind: Kind::Http,
            env: common.clone(),
        },
        Binary {
            name: "credentials",
            kind: Kind::Http,
            env: common.clone(),
        },
        Binary {
            name: "change-events",
            kind: Kind::Stream,
            env: stream_env,
        },
    ];
    let list: Vec<Binary> = list
        .into_iter()
        .filter(|b| a.only.is_empty() || a.only.iter().any(|o| o == b.name))
        .collect();
    let log_of = |b: &Binary| a.logs.join(format!("{}.log", b.name));
    let log_bytes = |b: &Binary| std::fs::metadata(log_of(b)).map(|m| m.len()).unwrap_or(0);
    let limit = Duration::from_secs(60);
    let wrapper_of = |b: &Binary| -> Vec<String> {
        match &a.wrap {
            Some((name, command)) if name == b.name => command.clone(),
            _ => Vec::new(),
        }
    };

    // Cold starts, round robin over the binaries, so that whatever else the machine does
    // weighs on all of them alike. A first round is not counted: it reads each binary from disk
    // into the page cache, which the binaries would pay by their size and not by their code.
    let mut cold: Vec<(Vec<Duration>, Vec<Duration>)> = list.iter().map(|_| (Vec::new(), Vec::new())).collect();
    for round in 0..=a.cold_runs {
        for (b, (to_next, to_answer)) in list.iter().zip(cold.iter_mut()) {
            let event = first_event(b, c);
            let p = Process::spawn(
                b.name,
                &wrapper_of(b),
                &binary(&a.bins.join(profile_of(a, b.name)), b.name),
                &b.env,
                &log_of(b),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            let invocation = p.invoke(&event, limit).await.unwrap_or_else(|e| panic!("{e}"));
            assert!(
                invocation.answer.ok && answered_ok(b, &invocation.answer.body),
                "{}: first answer {}",
                b.name,
                String::from_utf8_lossy(&invocation.answer.body)
            );
            if round == 0 {
                continue;
            }
            let first_next = p.api.first_next().unwrap_or(invocation.delivered);
            to_next.push(first_next.saturating_duration_since(p.spawned));
            to_answer.push(invocation.answer.at.saturating_duration_since(p.spawned));
        }
    }

    let mut results = Vec::new();
    let mut warm = Value::Null;
    for (b, (to_next, to_answer)) in list.iter().zip(cold) {
        let path = binary(&a.bins.join(profile_of(a, b.name)), b.name);
        let wrapper = wrapper_of(b);
        let zip = a.zips.join(b.name).join("bootstrap.zip");
        let size = |p: &PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let event = first_event(b, c);

        // Warm: one instance, the first event, then the load.
        let mut p = Process::spawn(b.name, &wrapper, &path, &b.env, &log_of(b))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        p.invoke(&event, limit).await.unwrap_or_else(|e| panic!("{e}"));
        let mut inside = Vec::new();
        let mut raw = Vec::new();
        let mut failed = 0;
        let warm_gets = b.name == "profiles" || b.kind == Kind::Hello;
        let logged_before = log_bytes(b);
        // The issue's warm figure: GET /profiles/{n} inside the binary, next to its GetItem replayed.
        if warm_gets {
            for i in 0..a.load.unwrap_or(2000) {
                let e = if b.name == "profiles" {
                    events::http_request(
                        "GET",
                        &format!("/profiles/{}", c.fixtures.numbers[i % c.fixtures.numbers.len()]),
                        None,
                        &c.token,
                    )
                } else {
                    event.clone()
                };
                let inv = p.invoke(&e, limit).await.unwrap_or_else(|e| panic!("{e}"));
                if !(inv.answer.ok && answered_ok(b, &inv.answer.body)) {
                    failed += 1;
                }
                inside.push(inv.inside());
                if b.name == "profiles" {
                    let calls = &c.fixtures.get_calls[i % c.fixtures.get_calls.len()];
                    raw.push(
                        calls::replay(&c.harness.client, calls, &c.harness.tables, false, None)
                            .await
                            .elapsed,
                    );
                }
            }
        }
        let peak_after_warm = p.peak_kib();
        let log_bytes_per_get = (log_bytes(b) - logged_before) as f64 / inside.len().max(1) as f64;
        let mut load = Vec::new();
        if b.kind != Kind::Hello {
            for i in 0..a.load.unwrap_or_else(|| load_size(b)) {
                let inv = p
                    .invoke(&load_event(b, c, i), limit)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                if !(inv.answer.ok && answered_ok(b, &inv.answer.body)) {
                    failed += 1;
                    if failed < 3 {
                        eprintln!(
                            "{}: event {i} answered {}",
                            b.name,
                            String::from_utf8_lossy(&inv.answer.body)
                        );
                    }
                }
                load.push(inv.inside());
            }
        }
        let peak = p.peak_kib();
        let log_bytes_per_load = (log_bytes(b) - logged_before) as f64 / (inside.len() + load.len()).max(1) as f64;
        let alive = p.alive();
        drop(p);

        let entry = json!({
            "name": b.name,
            "kind": match b.kind { Kind::Http => "http", Kind::Stream => "stream", Kind::Hello => "reference" },
            "binary_bytes": size(&path),
            "zip_bytes": size(&zip),
            "cold_start": {
                "runs": to_next.len(),
                "to_first_next_ms": median(&to_next),
                "to_first_answer_ms": median(&to_answer),
                "first_event": event.get("rawPath").cloned().unwrap_or(json!("(stream batch or plain event)")),
            },
            "warm_get": if warm_gets { json!({"inside": Summary::of(&inside), "raw": Summary::of(&raw)}) } else { Value::Null },
            "load": { "events": load.len(), "inside": Summary::of(&load) },
            "failed_answers": failed,
            "log_bytes_per_warm_event": log_bytes_per_get,
            "log_bytes_per_event": log_bytes_per_load,
            "peak_kib_after_warm": peak_after_warm,
            "peak_kib_under_load": peak,
            "alive_after_load": alive,
        });
        println!(
            "{:<20} binary {:>6.2} MB zip {:>5.2} MB | spawn→/next {:>6.2} ms, →answer {:>7.2} ms | peak {:>6.1} MB (after GETs {:>5.1} MB) | failed {}",
            b.name,
            size(&path) as f64 / 1e6,
            size(&zip) as f64 / 1e6,
            median(&to_next),
            median(&to_answer),
            peak as f64 / 1024.0,
            peak_after_warm as f64 / 1024.0,
            failed
        );
        if b.name == "profiles" {
            warm = json!({
                "operation": "GET /profiles/{n} inside the binary",
                "events": inside.len(),
                "inside": Summary::of(&inside),
                "raw_get_item": Summary::of(&raw),
                "ratio_p50": ratio(Summary::of(&inside).p50_ms, Summary::of(&raw).p50_ms),
            });
            println!("  warm GET inside the binary: {warm}");
        }
        results.push(entry);
    }
    json!({ "binaries": results, "warm_get_through_runtime": warm })
}

// ---------------------------------------------------------------------------------------------
// Scale: the searches on 1,000 and on many profiles.

/// Replaces the template's number, email and surname in every attribute.
fn substitute(v: &AttributeValue, swaps: &[(String, String)]) -> AttributeValue {
    match v {
        AttributeValue::S(s) => {
            if uuid::Uuid::parse_str(s).is_ok() {
                return AttributeValue::S(uuid::Uuid::new_v4().to_string());
            }
            let mut out = s.clone();
            for (from, to) in swaps {
                if out.contains(from.as_str()) {
                    out = out.replace(from.as_str(), to);
                }
            }
            AttributeValue::S(out)
        }
        AttributeValue::N(n) => AttributeValue::N(
            swaps
                .iter()
                .find(|(from, _)| from == n)
                .map(|(_, to)| to.clone())
                .unwrap_or_else(|| n.clone()),
        ),
        AttributeValue::M(m) => AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), substitute(v, swaps))).collect()),
        AttributeValue::L(l) => AttributeValue::L(l.iter().map(|v| substitute(v, swaps)).collect()),
        other => other.clone(),
    }
}

struct Template {
    items: Vec<Item>,
    number: String,
    email: String,
    surname: String,
}

async fn template(h: &Harness, org: i64) -> Template {
    let email = "seedaddress@bench.example.org".to_string();
    let surname = "Fillertemplate".to_string();
    let mut body = create_body(org, 0);
    body["email"] = json!(email);
    body["surname"] = json!(surname);
    body["firstName"] = json!("Filler");
    if let Some(o) = body.as_object_mut() {
        o.remove("countryCode");
        o.remove("telephoneNumberNoCountryCode");
    }
    let s = h.ok(&Method::POST, "/profiles", Some(&body)).await;
    let mut items = Vec::new();
    for call in &s.calls {
        if let DbRequest::TransactWriteItems(t) = &call.request {
            for w in t.transact_items.iter().flatten() {
                if let Some(p) = &w.put {
                    items.push(p.item.clone());
                }
            }
        }
    }
    assert!(!items.is_empty(), "the create wrote no items");
    Template {
        items,
        number: number_of(&s.body).to_string(),
        email,
        surname,
    }
}

/// Writes fillers `from..to` (each a copy of the template's items) in batches of 25.
async fn seed(client: &Client, table: &str, t: &Template, from: usize, to: usize) -> Duration {
    // Bulk loading may wait on a busy DynamoDB Local far longer than a function would.
    let config = client
        .config()
        .to_builder()
        .timeout_config(aws_sdk_dynamodb::config::timeout::TimeoutConfig::disabled())
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::standard().with_max_attempts(10))
        .build();
    let client = &Client::from_conf(config);
    let start = Instant::now();
    let requests: Vec<WriteRequest> = (from..to)
        .flat_map(|i| {
            let number = (3_000_000_000_u64 + i as u64).to_string();
            let k = i % 1000;
            let swaps = vec![
                (t.number.clone(), number),
                (t.email.clone(), format!("seed{i}@bench.example.org")),
                (t.surname.clone(), format!("Filler{k:04}")),
                (t.surname.to_lowercase(), format!("filler{k:04}")),
                (t.surname.to_uppercase(), format!("FILLER{k:04}")),
            ];
            t.items
                .iter()
                .map(|item| {
                    let copy: Item = item.iter().map(|(k, v)| (k.clone(), substitute(v, &swaps))).collect();
                    WriteRequest::builder()
                        .put_request(
                            PutRequest::builder()
                                .set_item(Some(copy))
                                .build()
                                .unwrap_or_else(|e| panic!("{e}")),
                        )
                        .build()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let batches: Vec<Vec<WriteRequest>> = requests.chunks(25).map(<[WriteRequest]>::to_vec).collect();
    futures::stream::iter(batches)
        .map(|batch| async move {
            let mut pending = batch;
            while !pending.is_empty() {
                let out = client
                    .batch_write_item()
                    .request_items(table, pending)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("BatchWriteItem: {e:?}"));
                pending = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(table))
                    .unwrap_or_default();
            }
        })
        .buffer_unordered(8)
        .enumerate()
        .for_each(|(i, ())| async move {
            if i > 0 && i % 400 == 0 {
                let items = i * 25;
                eprintln!(
                    "  {table}: {} of {} profiles seeded, {:.0} items/s",
                    items / t.items.len(),
                    to - from,
                    items as f64 / start.elapsed().as_secs_f64()
                );
            }
        })
        .await;
    start.elapsed()
}

/// The three searches on both tables, request by request in turn (which table goes first
/// alternates), so that both see the same machine.
async fn searches(small: &Harness, large: &Harness, n: usize) -> Vec<(String, [Summary; 4])> {
    let get = Method::GET;
    let mut out = Vec::new();
    let path = |name: &str, i: usize| match name {
        "find by email" => format!("/profiles?email=probe{}@bench.example.org", i % 10),
        "find by surname" => "/profiles?surname=Probe".to_string(),
        _ => "/profiles-search?surname=Probe&page=0&perPage=20".to_string(),
    };
    for name in ["find by email", "find by surname", "paged search"] {
        let mut times: [Vec<Duration>; 4] = Default::default();
        for i in 0..n + 20 {
            let order: [(usize, &Harness); 2] = if i % 2 == 0 {
                [(0, small), (1, large)]
            } else {
                [(1, large), (0, small)]
            };
            for (k, h) in order {
                let s = h.ok(&get, &path(name, i), None).await;
                if i >= 20 {
                    times[2 * k].push(s.handler);
                    times[2 * k + 1].push(s.raw);
                }
            }
        }
        out.push((name.to_string(), times.map(|t| Summary::of(&t))));
    }
    out
}

/// A table of `profiles` profiles of `org`: 10 probes made through the handler, the rest seeded.
async fn scale_table(base: &Harness, settings: &Settings, org: i64, label: &str, profiles: usize) -> (Harness, Value) {
    let table = format!("{}-{label}", base.tables.main);
    let twin = format!("{table}-twin");
    ensure_table(&base.client, &table, true).await;
    ensure_table(&base.client, &twin, true).await;
    // DynamoDB Local writes a stream record for every item, which makes it take seeded items
    // about 4 times more slowly; searches never read the stream, so these tables go without.
    for name in [&table, &twin] {
        base.client
            .update_table()
            .table_name(name.as_str())
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(false)
                    .build()
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("UpdateTable {name}: {e:?}"));
    }
    let store = Arc::new(DynamoStore::new(base.client.clone(), table.clone()));
    let h = Harness {
        gateway: Gateway::new(routers(store, settings.clone()).unwrap_or_else(|e| panic!("{e}"))),
        gateway_jwks: base.gateway_jwks.clone(),
        client: base.client.clone(),
        recorder: base.recorder.clone(),
        tables: Tables {
            main: table.clone(),
            twin,
        },
        token: base.token.clone(),
    };
    for i in 0..10 {
        let mut body = create_body(org, i);
        body["surname"] = json!("Probe");
        body["email"] = json!(format!("probe{i}@bench.example.org"));
        h.ok(&Method::POST, "/profiles", Some(&body)).await;
    }
    let t = template(&h, org).await;
    let took = seed(&h.client, &table, &t, 0, profiles - 11).await;
    // The seeded copies are real profiles: found by their own surname and email.
    let check = h.ok(&Method::GET, "/profiles?surname=Filler0005", None).await;
    assert!(
        check.body.as_array().is_some_and(|a| !a.is_empty()),
        "a seeded profile: {}",
        check.body
    );
    let check = h
        .ok(
            &Method::GET,
            &format!("/profiles?email=seed{}@bench.example.org", profiles - 12),
            None,
        )
        .await;
    assert_eq!(
        check.body.as_array().map(Vec::len),
        Some(1),
        "a seeded profile: {}",
        check.body
    );
    let described = h
        .client
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeTable: {e:?}"));
    let (items, bytes) = described
        .table
        .map(|t| (t.item_count.unwrap_or(0), t.table_size_bytes.unwrap_or(0)))
        .unwrap_or((0, 0));
    println!(
        "{label} table: {profiles} profiles ({} seeded in {:.1} s), {items} items, {bytes} bytes",
        profiles - 11,
        took.as_secs_f64()
    );
    let facts = json!({"profiles": profiles, "items": items, "bytes": bytes, "seconds_to_seed": took.as_secs_f64()});
    (h, facts)
}

async fn scale(base: &Harness, settings: Settings, org: i64, size: usize, n: usize) -> Value {
    let small_size = 1000;
    let (small, small_facts) = scale_table(base, &settings, org, "small", small_size).await;
    let (large, large_facts) = scale_table(base, &settings, org, "large", size).await;
    let rows: Vec<Value> = searches(&small, &large, n)
        .await
        .into_iter()
        .map(|(name, [s_h, s_r, l_h, l_r])| {
            println!(
                "{name:<16} {small_size} profiles p50 {:.3} ms, {size} profiles p50 {:.3} ms: {:.2}x (raw {:.2}x)",
                s_h.p50_ms,
                l_h.p50_ms,
                ratio(l_h.p50_ms, s_h.p50_ms),
                ratio(l_r.p50_ms, s_r.p50_ms)
            );
            json!({
                "name": name,
                "small": {"profiles": small_size, "handler": s_h, "raw": s_r},
                "large": {"profiles": size, "handler": l_h, "raw": l_r},
                "ratio_p50": ratio(l_h.p50_ms, s_h.p50_ms),
                "raw_ratio_p50": ratio(l_r.p50_ms, s_r.p50_ms),
            })
        })
        .collect();
    json!({
        "searched": "10 profiles share the surname Probe; every other profile has one of 1,000 other surnames",
        "rows": rows,
        "small_table": small_facts,
        "large_table": large_facts,
    })
}

// ---------------------------------------------------------------------------------------------

fn save(out: &std::path::Path, figures: &Value) {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(out, serde_json::to_string_pretty(figures).unwrap_or_default() + "\n")
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

/// The in-process handlers' request lines, each written to `requests.log` in one write as a
/// function writes it to its standard output, so that the terminal shows the table alone.
struct RequestLines(std::sync::Mutex<std::fs::File>);

impl RequestLines {
    fn open(logs: &std::path::Path) -> Self {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(logs.join("requests.log"))
            .unwrap_or_else(|e| panic!("{e}"));
        Self(std::sync::Mutex::new(file))
    }
}

impl MetricsSink for RequestLines {
    fn emit(&self, metrics: &RequestMetrics) {
        use std::io::Write;
        if let Ok(mut file) = self.0.lock() {
            let _ = file.write_all(&metrics.line());
        }
    }
}

/// Each duration less its counterpart, pair by pair.
fn each_less(times: &[Duration], less: &[Duration]) -> Vec<Duration> {
    times.iter().zip(less).map(|(t, l)| t.saturating_sub(*l)).collect()
}

fn telemetry(logs: &std::path::Path) {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(logs.join("handlers.log"))
        .unwrap_or_else(|e| panic!("{e}"));
    // The functions' own log format and filter, written to a file instead of stdout.
    let _ = tracing_subscriber::util::SubscriberInitExt::try_init(customers_telemetry::subscriber(
        std::sync::Mutex::new(file),
    ));
}

#[tokio::main]
async fn main() {
    let a = args();
    std::fs::create_dir_all(&a.logs).unwrap_or_else(|e| panic!("{e}"));
    telemetry(&a.logs);
    let started = Instant::now();
    let load_at_start = load_average();
    let base = customers_tests::app::dynamodb_client().await;
    let recorder = Recorder::default();
    let client = calls::recording_client(&base, &recorder);
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let tables = Tables {
        main: format!("bench-{run}"),
        twin: format!("bench-{run}-twin"),
    };
    ensure_table(&client, &tables.main, true).await;
    ensure_table(&client, &tables.twin, true).await;
    let jwks = customers_tests::issuer::spawn_jwks()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let auth = AuthConfig {
        jwks_url: jwks.clone(),
        issuer: customers_tests::issuer::ISSUER.to_string(),
        audience: customers_tests::issuer::AUDIENCE.to_string(),
    };
    let settings = Settings::new(auth, Arc::new(SystemClock), 100)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_metrics(Arc::new(RequestLines::open(&a.logs)));
    let store = Arc::new(DynamoStore::new(client.clone(), tables.main.clone()));
    let org = customers_tests::app::unique_org();
    let token = customers_tests::issuer::token(org, 24 * 3600).unwrap_or_else(|e| panic!("{e}"));
    let h = Harness {
        gateway: Gateway::new(routers(store, settings.clone()).unwrap_or_else(|e| panic!("{e}"))),
        gateway_jwks: jwks,
        client,
        recorder,
        tables,
        token: token.clone(),
    };
    println!(
        "== operations: every router in-process, DynamoDB Local at {}, {} samples",
        customers_tests::dynamodb_endpoint(),
        a.samples
    );
    let (ops, hashing, fixtures) = operations(&h, org, a.samples).await;
    let mut figures = json!({
        "taken_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "machine": machine(),
        "dynamodb_local": "2.6.1 (in memory, on the same machine)",
        "samples": a.samples,
        "operations": ops,
        "hashing": hashing,
    });
    save(&a.out, &figures);
    println!(
        "== binaries under the Runtime-API stand-in ({} cold starts each)",
        a.cold_runs
    );
    let context = Context {
        args: &a,
        harness: &h,
        fixtures: &fixtures,
        token,
        org,
    };
    let bins = binaries(&context).await;
    figures["binaries"] = bins["binaries"].clone();
    figures["warm_get_through_runtime"] = bins["warm_get_through_runtime"].clone();
    save(&a.out, &figures);
    if a.scale == 0 {
        println!("(no scale phase) figures written to {}", a.out.display());
        return;
    }
    println!("== scale: 1,000 and {} profiles", a.scale);
    let scale_org = customers_tests::app::unique_org();
    let scale_harness = Harness {
        token: customers_tests::issuer::token(scale_org, 24 * 3600).unwrap_or_else(|e| panic!("{e}")),
        gateway: h.gateway.clone(),
        gateway_jwks: h.gateway_jwks.clone(),
        client: h.client.clone(),
        recorder: h.recorder.clone(),
        tables: h.tables.clone(),
    };
    let scaled = scale(&scale_harness, settings, scale_org, a.scale, (a.samples / 5).max(50)).await;
    figures["scale"] = scaled;
    figures["load_average"] = json!({"start": load_at_start, "end": load_average()});
    figures["seconds"] = json!(started.elapsed().as_secs());
    save(&a.out, &figures);
    println!(
        "figures written to {} in {} s",
        a.out.display(),
        started.elapsed().as_secs()
    );
}
