//! The OpenAPI document made exact. The shapes' derived schemas say only the members' types;
//! [`tighten`] writes into them what the parsers accept — required members, lengths, patterns,
//! codes, formats, ranges and the rules between members — from the same definitions the parsers
//! use ([`requests::REQUESTS`], [`parameters::PARAMETERS`]), and which error statuses each
//! operation can answer. Anything in the document the tables do not describe is reported, so a
//! new member cannot slip in undescribed.

pub mod accepts;
pub mod examples;
pub mod links;
pub mod parameters;
pub mod requests;
mod responses;

pub use accepts::{Accepts, CUSTOM_FORMATS};
use requests::{Joint, REQUESTS, RequestShape};
use serde_json::{Map, Value, json};

/// Annotations of a derived member schema that are kept when its constraints are rewritten.
const KEPT: [&str; 5] = ["description", "example", "examples", "deprecated", "writeOnly"];

/// Tightens the document in place; the problems name what the tables do not describe.
pub fn tighten(doc: &mut Value) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for shape in REQUESTS {
            match schemas.get_mut(shape.schema) {
                Some(schema) => problems.extend(tighten_shape(shape, schema)),
                None => problems.push(format!("{}: not in the document", shape.schema)),
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item.iter_mut() {
                problems.extend(parameters_of(path, method, operation));
                body_of(operation);
                responses::add(method, operation);
            }
        }
    }
    links::add(doc);
    problems
}

fn kept_annotations(old: &Value, new: &mut Value) {
    for key in KEPT {
        if let (Some(v), Some(target)) = (old.get(key), new.as_object_mut()) {
            target.insert(key.to_string(), v.clone());
        }
    }
    // A value of the service's own format says in its description what the format means.
    let format = new
        .get("format")
        .or_else(|| new.pointer("/anyOf/0/format"))
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some((format, meaning)) = format.and_then(|f| accepts::format_meaning(&f).map(|m| (f, m))) {
        let said = new.get("description").and_then(Value::as_str).unwrap_or_default();
        let described = format!("{said} Format `{format}`: {meaning}.").trim().to_string();
        new["description"] = json!(described);
    }
}

fn not_null() -> Value {
    json!({ "not": { "type": "null" } })
}

fn joint(rule: &Joint) -> (Option<Value>, Vec<Value>) {
    match rule {
        Joint::Together(a, b) => {
            let given = |m: &str| json!({ "properties": { m: not_null() }, "required": [m] });
            let pair = |x: &str, y: &str| json!({ "if": given(x), "then": given(y) });
            (None, vec![pair(a, b), pair(b, a)])
        }
        Joint::AnyOf(members) => {
            let any: Vec<Value> = members
                .iter()
                .map(|m| json!({ "properties": { *m: not_null() }, "required": [m] }))
                .collect();
            (None, vec![json!({ "anyOf": any })])
        }
        Joint::AnyNonEmpty(lists) => {
            let any: Vec<Value> = lists
                .iter()
                .map(|m| json!({ "properties": { *m: { "type": "array", "minItems": 1 } }, "required": [m] }))
                .collect();
            (None, vec![json!({ "anyOf": any })])
        }
        Joint::NorwegianPostCode => (
            None,
            vec![json!({
                // The country is NOR when given as NOR in any case, or left out.
                "if": { "properties": { "countryCode": { "pattern": "^[Nn][Oo][Rr]$" } } },
                "then": { "properties": { "postCode": { "pattern": "^[0-9]{4}$" } } },
            })],
        ),
        Joint::Closed => (Some(json!(false)), vec![]),
    }
}

fn tighten_shape(shape: &RequestShape, schema: &mut Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(object) = schema.as_object_mut() else {
        return vec![format!("{}: not an object schema", shape.schema)];
    };
    let properties = object.entry("properties").or_insert_with(|| Value::Object(Map::new()));
    if let Some(properties) = properties.as_object_mut() {
        for (name, member_schema) in properties.iter_mut() {
            let Some(member) = shape.members.iter().find(|m| m.name == name) else {
                problems.push(format!("{}.{name}: not described", shape.schema));
                continue;
            };
            let mut new = if member.required {
                member.accepts.schema()
            } else {
                member.accepts.nullable_schema()
            };
            kept_annotations(member_schema, &mut new);
            *member_schema = new;
        }
        for member in shape.members {
            if !properties.contains_key(member.name) {
                problems.push(format!(
                    "{}.{}: described but not in the shape",
                    shape.schema, member.name
                ));
            }
        }
    }
    let required: Vec<&str> = shape.members.iter().filter(|m| m.required).map(|m| m.name).collect();
    if required.is_empty() {
        object.remove("required");
    } else {
        object.insert("required".into(), json!(required));
    }
    let mut all_of = Vec::new();
    for rule in shape.joints {
        let (additional, more) = joint(rule);
        if let Some(a) = additional {
            object.insert("additionalProperties".into(), a);
        }
        all_of.extend(more);
    }
    if !all_of.is_empty() {
        object.insert("allOf".into(), Value::Array(all_of));
    }
    match examples::example(shape.schema) {
        Some(example) => {
            object.insert("examples".into(), json!([example]));
        }
        None => problems.push(format!("{}: no example", shape.schema)),
    }
    problems
}

fn parameters_of(path: &str, method: &str, operation: &mut Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(list) = operation.get_mut("parameters").and_then(Value::as_array_mut) else {
        return problems;
    };
    for parameter in list.iter_mut() {
        let place = parameter
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match parameters::find(&place, &name) {
            Some(described) => {
                let mut schema = described.value.schema();
                if let Some(old) = parameter.get("schema") {
                    kept_annotations(old, &mut schema);
                }
                parameter["schema"] = schema;
                if let Some(example) = examples::parameter_example(&place, &name) {
                    parameter["example"] = example;
                }
            }
            None => problems.push(format!(
                "{} {path}: {place} parameter {name} not described",
                method.to_uppercase()
            )),
        }
    }
    problems
}

/// A body the operation reads is required: without one the request is refused.
fn body_of(operation: &mut Value) {
    let Some(body) = operation.get_mut("requestBody").and_then(Value::as_object_mut) else {
        return;
    };
    body.insert("required".into(), json!(true));
    // The only body that is a list: a profile's whole set of chosen preferences.
    if let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema")
                && schema.get("type") == Some(&json!("array"))
            {
                schema["maxItems"] = json!(customers_domain::preferences::choices::MAX_CHOSEN);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_get_their_rule_and_keep_their_description() {
        let mut doc = json!({
            "components": { "schemas": { "NoteRequest": {
                "type": "object",
                "properties": {
                    "text": { "type": ["string", "null"], "description": "Note content." },
                    "createdBy": { "type": ["string", "null"] },
                    "colour": { "type": "string" },
                }
            } } },
            "paths": {},
        });
        let problems = tighten(&mut doc);
        let note = &doc["components"]["schemas"]["NoteRequest"];
        assert_eq!(note["required"], json!(["text", "createdBy"]));
        assert_eq!(note["properties"]["text"]["type"], json!("string"));
        assert_eq!(note["properties"]["text"]["maxLength"], json!(2000));
        assert_eq!(note["properties"]["text"]["description"], json!("Note content."));
        assert!(
            problems.iter().any(|p| p == "NoteRequest.colour: not described"),
            "{problems:?}"
        );
    }

    #[test]
    fn undescribed_parameters_are_reported() {
        let mut doc = json!({
            "paths": { "/x/{customerNumber}": { "get": { "parameters": [
                { "in": "path", "name": "customerNumber", "required": true, "schema": { "type": "integer" } },
                { "in": "query", "name": "colour", "schema": { "type": "string" } },
            ], "responses": {} } } }
        });
        let problems = tighten(&mut doc);
        let number = &doc["paths"]["/x/{customerNumber}"]["get"]["parameters"][0]["schema"];
        assert_eq!(number["minimum"], json!(1));
        assert_eq!(
            problems,
            vec!["GET /x/{customerNumber}: query parameter colour not described".to_string()]
        );
    }
}
