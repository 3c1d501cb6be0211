//! OpenAPI links from each create to the operations on what it created, so a client (and the
//! fuzzer's stateful phase) can follow a new profile's number, or a new item's id, into the
//! operations that take it. Each operation under the created resource's path whose path
//! parameters the link fills is a target.

use serde_json::{Map, Value, json};

/// A create, where what it creates lives, and where each path parameter's value comes from.
struct Creates {
    path: &'static str,
    under: &'static str,
    parameters: &'static [(&'static str, &'static str)],
}

const CUSTOMER: (&str, &str) = ("customerNumber", "$response.body#/customerNumber");
const SAME_CUSTOMER: (&str, &str) = ("customerNumber", "$request.path.customerNumber");

const CREATES: &[Creates] = &[
    Creates {
        path: "/profiles",
        under: "/profiles/{customerNumber}",
        parameters: &[CUSTOMER],
    },
    Creates {
        path: "/profiles",
        under: "/profiles/customer-ref/{customerRef}",
        parameters: &[("customerRef", "$response.body#/customerRef")],
    },
    Creates {
        path: "/profiles/temporary",
        under: "/profiles/temporary/{customerNumber}",
        parameters: &[CUSTOMER],
    },
    Creates {
        path: "/profiles/{customerNumber}/postal-addresses",
        under: "/profiles/{customerNumber}/postal-addresses/{addressId}",
        parameters: &[SAME_CUSTOMER, ("addressId", "$response.body#/id")],
    },
    Creates {
        path: "/profiles/{customerNumber}/ecards",
        under: "/profiles/{customerNumber}/ecards/{ecardId}",
        parameters: &[SAME_CUSTOMER, ("ecardId", "$response.body#/id")],
    },
    Creates {
        path: "/profiles/{customerNumber}/notes",
        under: "/profiles/{customerNumber}/notes/{noteId}",
        parameters: &[SAME_CUSTOMER, ("noteId", "$response.body#/id")],
    },
    Creates {
        path: "/profiles/{customerNumber}/customer-accounts",
        under: "/profiles/{customerNumber}/customer-accounts/{accountId}",
        parameters: &[SAME_CUSTOMER, ("accountId", "$response.body#/customerAccountId")],
    },
    Creates {
        path: "/profiles/{customerNumber}/customer-accounts",
        under: "/profiles/customer-accounts/{accountId}",
        parameters: &[("accountId", "$response.body#/customerAccountId")],
    },
    Creates {
        path: "/profiles/{customerNumber}/preferences",
        under: "/profiles/{customerNumber}/preferences/{preferenceId}",
        parameters: &[SAME_CUSTOMER, ("preferenceId", "$response.body#/preferenceId")],
    },
    Creates {
        path: "/preferences",
        under: "/preferences/{preferenceId}",
        parameters: &[("preferenceId", "$response.body#/id")],
    },
];

/// The names of `path`'s parameters, in order.
pub fn path_parameters(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
        .collect()
}

/// Adds the links to each create's 201 answer.
pub(super) fn add(doc: &mut Value) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    // (create's path, link name, link)
    let mut found: Vec<(&str, String, Value)> = Vec::new();
    for creates in CREATES {
        let filled: Vec<&str> = creates.parameters.iter().map(|(name, _)| *name).collect();
        for (path, item) in paths {
            if !path.starts_with(creates.under) {
                continue;
            }
            let needed = path_parameters(path);
            if needed.iter().any(|p| !filled.contains(p)) {
                continue;
            }
            for operation in item.as_object().into_iter().flat_map(Map::values) {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let parameters: Map<String, Value> = creates
                    .parameters
                    .iter()
                    .filter(|(name, _)| needed.contains(name))
                    .map(|(name, expression)| ((*name).to_string(), json!(expression)))
                    .collect();
                found.push((
                    creates.path,
                    id.to_string(),
                    json!({ "operationId": id, "parameters": parameters }),
                ));
            }
        }
    }
    for (path, name, link) in found {
        if let Some(links) = doc
            .pointer_mut(&format!(
                "/paths/{}/post/responses/201",
                path.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object_mut)
            .map(|created| created.entry("links").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
        {
            links.insert(name, link);
        }
    }
}
