//! The DynamoDB actions each port needs: a function's IAM policy is the union over the ports
//! it wires (transactions are authorised by the item actions they contain).

use customers_domain::ports::Port;
use std::collections::BTreeSet;

pub fn actions(port: Port) -> &'static [&'static str] {
    match port {
        Port::ProfileReads => &["dynamodb:GetItem"],
        Port::ProfileBatches => &["dynamodb:BatchGetItem"],
        Port::ProfileSearch => &["dynamodb:Query", "dynamodb:BatchGetItem"],
        Port::ProfileWrites => &[
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:ConditionCheckItem",
        ],
        Port::CustomerNumbers => &["dynamodb:UpdateItem"],
        Port::IdempotencyRecords => &["dynamodb:GetItem"],
        Port::PreferenceCatalogue => &[
            "dynamodb:Query",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
        ],
        Port::SignInAttempts => &["dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        Port::PasswordHashes => &["dynamodb:GetItem"],
    }
}

/// Every action the ports need, each once.
pub fn actions_for(ports: &[Port]) -> BTreeSet<&'static str> {
    ports.iter().flat_map(|p| actions(*p).iter().copied()).collect()
}
