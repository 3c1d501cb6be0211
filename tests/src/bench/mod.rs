//! The benchmark behind `infra/local/bench.sh` (`src/bin/bench.rs` runs it): the handlers next
//! to the DynamoDB requests they make, replayed raw; the function binaries under a stand-in of
//! the Lambda Runtime API next to hello-world binaries; package sizes; memory; scale.

pub mod calls;
pub mod events;
pub mod runtime_api;
pub mod stats;
