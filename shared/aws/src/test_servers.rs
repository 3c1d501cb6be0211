//! Hosts that misbehave on purpose, for the clients' tests: each serves one connection on a port
//! of its own and stays up while the test's runtime runs.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the host does with the one connection it takes.
#[derive(Debug, Clone, Copy)]
pub enum Host {
    /// Takes it and says nothing (no answer, no TLS handshake).
    Silent,
    /// Takes it and hangs up at once.
    HangsUp,
    /// Reads the request and writes these bytes, then keeps the connection open.
    Answers(&'static str),
}

/// A port nobody listens on.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Starts `host` on a port of its own, and gives the port.
pub async fn start(host: Host) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        match host {
            Host::HangsUp => return,
            Host::Silent => {}
            Host::Answers(answer) => {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    port
}
