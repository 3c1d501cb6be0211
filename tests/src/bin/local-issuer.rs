//! The local token issuer.
//!
//! `local-issuer token [ORGANISATION] [TTL_SECONDS]` prints an access token;
//! `local-issuer serve [PORT]` serves the JWKS the local functions verify tokens with.

use customers_tests::issuer;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("token") => {
            let org = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
            let ttl = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(24 * 3600);
            issuer::token(org, ttl).map(|t| println!("{t}"))
        }
        Some("serve") => {
            let port: u16 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(9100);
            match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
                Ok(listener) => {
                    eprintln!("local issuer: JWKS at http://127.0.0.1:{port}/.well-known/jwks.json");
                    issuer::serve_jwks(listener).await
                }
                Err(e) => Err(format!("cannot listen on port {port}: {e}")),
            }
        }
        _ => Err("usage: local-issuer token [ORGANISATION] [TTL_SECONDS] | serve [PORT]".to_string()),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
