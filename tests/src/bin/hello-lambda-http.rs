//! The smallest `lambda_http` function (API Gateway events in, an HTTP answer out), built with
//! the same profile as the functions: what the HTTP layer alone adds to hello-world.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_request: Request| async {
        Response::builder()
            .status(200)
            .header("content-type", "text/plain")
            .body(Body::from("hello world"))
            .map_err(Error::from)
    }))
    .await
}
