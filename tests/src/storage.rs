//! What the table holds for one profile, read straight from DynamoDB: the profile item, its
//! unique guards and its search entries, found by the organisation in their keys and the owner
//! they name. Tests assert that these move together (one expiry on all, nothing left behind).

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap};

pub type Item = HashMap<String, AttributeValue>;

/// Every item that belongs to one profile.
#[derive(Debug)]
pub struct ProfileItems {
    pub items: Vec<Item>,
}

fn text<'a>(item: &'a Item, name: &str) -> &'a str {
    match item.get(name) {
        Some(AttributeValue::S(s)) => s,
        _ => "",
    }
}

/// `PROFILE`, `UNIQUE#EMAIL`, `SEARCH#SURNAME`, …: what an item is, from its partition key.
pub fn kind_of(item: &Item) -> String {
    let pk = text(item, "pk");
    let mut parts = pk.split('#');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("CUSTOMER"), _, _) => "PROFILE".to_string(),
        (Some(prefix), Some(_org), Some(kind)) => format!("{prefix}#{kind}"),
        _ => format!("unknown:{pk}"),
    }
}

pub fn expires_at(item: &Item) -> Option<i64> {
    match item.get("expiresAt") {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

impl ProfileItems {
    /// A test-only scan: items whose key names the organisation and whose owner is `number`.
    pub async fn read(client: &aws_sdk_dynamodb::Client, table: &str, org: i64, number: i64) -> Self {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = client
                .scan()
                .table_name(table)
                .filter_expression(
                    "contains(pk, :org) AND customerNumber = :n AND #kind IN (:profile, :unique, :search)",
                )
                .expression_attribute_names("#kind", "kind")
                .expression_attribute_values(":org", AttributeValue::S(format!("#{org}#")))
                .expression_attribute_values(":n", AttributeValue::N(number.to_string()))
                .expression_attribute_values(":profile", AttributeValue::S("PROFILE".into()))
                .expression_attribute_values(":unique", AttributeValue::S("UNIQUE".into()))
                .expression_attribute_values(":search", AttributeValue::S("SEARCH".into()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap_or_else(|e| panic!("scan: {e}"));
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Self { items },
            }
        }
    }

    /// How many items of each kind.
    pub fn kinds(&self) -> BTreeMap<String, usize> {
        let mut kinds = BTreeMap::new();
        for item in &self.items {
            *kinds.entry(kind_of(item)).or_insert(0) += 1;
        }
        kinds
    }

    /// The profile is stored whole: exactly one profile item, exactly the `expected` kinds
    /// (one item each), and every item carries the same expiry (`None`: none carries one).
    pub fn assert_whole(&self, expected: &[&str], expiry: Option<i64>) {
        assert!(!self.items.is_empty(), "no items stored");
        let wanted: BTreeMap<String, usize> = expected.iter().map(|k| (k.to_string(), 1)).collect();
        assert_eq!(self.kinds(), wanted, "the profile's items");
        for item in &self.items {
            assert_eq!(
                expires_at(item),
                expiry,
                "expiry of {} {}",
                text(item, "pk"),
                text(item, "sk")
            );
        }
    }

    pub fn assert_gone(&self) {
        assert!(self.items.is_empty(), "items left behind: {:?}", self.kinds());
    }
}
