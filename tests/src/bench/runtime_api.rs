//! A stand-in for the Lambda Runtime API, enough for `lambda_runtime` to run a function binary
//! here as Lambda runs it: the binary polls `GET /2018-06-01/runtime/invocation/next` for an
//! event and posts its answer to `.../invocation/{id}/response` (or `.../error`); a failed start
//! is posted to `/2018-06-01/runtime/init/error`.
//!
//! One stand-in serves one process: a fresh listener per spawn, so a request of a process that
//! has been killed can never take an event meant for the next one.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// How an invocation ended.
#[derive(Debug)]
pub struct Answer {
    pub at: Instant,
    /// `false` when the function posted to `.../error`.
    pub ok: bool,
    pub body: Bytes,
}

/// One event's round trip through the function.
#[derive(Debug)]
pub struct Invocation {
    /// When the stand-in handed the event over (the answer to `/next`).
    pub delivered: Instant,
    pub answer: Answer,
}

impl Invocation {
    /// The time the event spent inside the function binary.
    pub fn inside(&self) -> Duration {
        self.answer.at.saturating_duration_since(self.delivered)
    }
}

struct Pending {
    id: String,
    body: Vec<u8>,
    delivered: oneshot::Sender<Instant>,
    answer: oneshot::Sender<Answer>,
}

struct Shared {
    queue: tokio::sync::Mutex<mpsc::UnboundedReceiver<Pending>>,
    waiting: Mutex<HashMap<String, oneshot::Sender<Answer>>>,
    first_next: Mutex<Option<Instant>>,
    init_error: Mutex<Option<String>>,
}

fn locked<T, R>(m: &Mutex<T>, f: impl FnOnce(&mut T) -> R) -> R {
    match m.lock() {
        Ok(mut g) => f(&mut g),
        Err(p) => f(&mut p.into_inner()),
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    locked(&shared.first_next, |t| {
        if t.is_none() {
            *t = Some(Instant::now());
        }
    });
    let pending = shared.queue.lock().await.recv().await;
    let Some(p) = pending else {
        return StatusCode::GONE.into_response();
    };
    locked(&shared.waiting, |w| w.insert(p.id.clone(), p.answer));
    let deadline = chrono::Utc::now().timestamp_millis() + 10_000;
    let mut headers = HeaderMap::new();
    let header = |v: String| HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("invalid"));
    headers.insert("lambda-runtime-aws-request-id", header(p.id));
    headers.insert("lambda-runtime-deadline-ms", header(deadline.to_string()));
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:eu-north-1:123456789012:function:bench"),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        HeaderValue::from_static("Root=1-00000000-000000000000000000000000;Sampled=0"),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let _ = p.delivered.send(Instant::now());
    (StatusCode::OK, headers, p.body).into_response()
}

fn answered(shared: &Shared, id: &str, ok: bool, body: Bytes) -> StatusCode {
    let at = Instant::now();
    match locked(&shared.waiting, |w| w.remove(id)) {
        Some(sender) => {
            let _ = sender.send(Answer { at, ok, body });
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    answered(&shared, &id, true, body)
}

async fn error(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    answered(&shared, &id, false, body)
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    locked(&shared.init_error, |e| {
        *e = Some(String::from_utf8_lossy(&body).into_owned())
    });
    StatusCode::ACCEPTED
}

/// The stand-in, listening on a loopback port of its own.
pub struct RuntimeApi {
    address: String,
    shared: Arc<Shared>,
    sender: mpsc::UnboundedSender<Pending>,
    server: tokio::task::JoinHandle<()>,
    ids: AtomicU64,
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl RuntimeApi {
    pub async fn start() -> Result<Self, String> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            queue: tokio::sync::Mutex::new(receiver),
            waiting: Mutex::new(HashMap::new()),
            first_next: Mutex::new(None),
            init_error: Mutex::new(None),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?.to_string();
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("runtime API stand-in stopped: {e}");
            }
        });
        Ok(Self {
            address,
            shared,
            sender,
            server,
            ids: AtomicU64::new(0),
        })
    }

    /// `host:port`, as `AWS_LAMBDA_RUNTIME_API` takes it.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// When the process first asked for an event.
    pub fn first_next(&self) -> Option<Instant> {
        locked(&self.shared.first_next, |t| *t)
    }

    pub fn init_error(&self) -> Option<String> {
        locked(&self.shared.init_error, |e| e.clone())
    }

    /// Hands `event` to the function and waits for its answer (at most `limit`).
    pub async fn invoke(&self, event: Vec<u8>, limit: Duration) -> Result<Invocation, String> {
        let id = format!("bench-{}", self.ids.fetch_add(1, Ordering::Relaxed));
        let (delivered_tx, delivered_rx) = oneshot::channel();
        let (answer_tx, answer_rx) = oneshot::channel();
        self.sender
            .send(Pending {
                id,
                body: event,
                delivered: delivered_tx,
                answer: answer_tx,
            })
            .map_err(|_| "the stand-in has stopped".to_string())?;
        let waited = async {
            let delivered = delivered_rx
                .await
                .map_err(|_| "the event was never delivered".to_string())?;
            let answer = answer_rx
                .await
                .map_err(|_| "the event was never answered".to_string())?;
            Ok::<_, String>(Invocation { delivered, answer })
        };
        match tokio::time::timeout(limit, waited).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "no answer within {limit:?}{}",
                self.init_error()
                    .map(|e| format!("; init error: {e}"))
                    .unwrap_or_default()
            )),
        }
    }
}

/// A function binary running under its own stand-in.
pub struct Process {
    pub name: String,
    pub api: RuntimeApi,
    child: Child,
    /// Just before the process was spawned.
    pub spawned: Instant,
}

impl Drop for Process {
    /// SIGTERM first (a profiler the binary runs under writes its data then), SIGKILL after 5 s.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        for _ in 0..500 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The environment Lambda gives every function, plus `extra`.
pub fn lambda_env(name: &str, api: &str, extra: &[(String, String)]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("AWS_LAMBDA_RUNTIME_API", api),
        ("AWS_LAMBDA_FUNCTION_NAME", name),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench"),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "bench"),
        ("AWS_REGION", "eu-north-1"),
        ("AWS_DEFAULT_REGION", "eu-north-1"),
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        ("AWS_SESSION_TOKEN", "local"),
        ("LANG", "en_US.UTF-8"),
        ("TZ", ":UTC"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    env.extend(extra.iter().cloned());
    env
}

impl Process {
    /// Starts `binary` under a new stand-in, with only the environment Lambda would give it;
    /// its output is appended to `log`.
    /// With a `wrapper` (a profiler's command line), the binary runs under it.
    pub async fn spawn(
        name: &str,
        wrapper: &[String],
        binary: &FsPath,
        extra_env: &[(String, String)],
        log: &FsPath,
    ) -> Result<Self, String> {
        let api = RuntimeApi::start().await?;
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(binary);
                c
            }
            None => Command::new(binary),
        };
        command
            .env_clear()
            .envs(lambda_env(name, api.address(), extra_env))
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        let spawned = Instant::now();
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        Ok(Self {
            name: name.to_string(),
            api,
            child,
            spawned,
        })
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Peak resident memory so far, in KiB.
    pub fn peak_kib(&self) -> u64 {
        super::stats::status_kib(&self.pid(), "VmHWM:")
    }

    pub async fn invoke(&self, event: &serde_json::Value, limit: Duration) -> Result<Invocation, String> {
        self.api
            .invoke(event.to_string().into_bytes(), limit)
            .await
            .map_err(|e| format!("{}: {e}", self.name))
    }
}

/// Where a binary built for Lambda is: `<dir>/<name>`.
pub fn binary(dir: &FsPath, name: &str) -> PathBuf {
    dir.join(name)
}
