//! The table, from its one definition: the properties of `CustomersTable` in the deploy template
//! `infra/template.json`. AWS creates the deployed table from them; local set-up and tests create
//! the local one from them here, so the two cannot differ in keys, stream or TTL.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, StreamSpecification,
    StreamViewType, TimeToLiveSpecification,
};
use serde::Deserialize;

/// The deploy template, compiled in so that a binary needs no file at run time.
pub const TEMPLATE: &str = include_str!("../../../infra/template.json");

/// Where the table's properties are in [`TEMPLATE`].
pub const PROPERTIES_POINTER: &str = "/Resources/CustomersTable/Properties";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDefinition {
    pub attribute_definitions: Vec<AttributeDef>,
    pub key_schema: Vec<KeyDef>,
    pub billing_mode: String,
    pub stream_specification: Option<StreamDef>,
    pub time_to_live_specification: Option<TtlDef>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDef {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyDef {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDef {
    pub stream_view_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TtlDef {
    pub attribute_name: String,
    pub enabled: bool,
}

/// The table's definition as the template gives it. Properties local tables do without
/// (name, encryption, recovery, deletion protection) are left out.
pub fn definition() -> Result<TableDefinition, String> {
    let template: serde_json::Value =
        serde_json::from_str(TEMPLATE).map_err(|e| format!("infra/template.json: {e}"))?;
    let properties = template
        .pointer(PROPERTIES_POINTER)
        .ok_or_else(|| format!("infra/template.json has no {PROPERTIES_POINTER}"))?;
    TableDefinition::deserialize(properties).map_err(|e| format!("infra/template.json {PROPERTIES_POINTER}: {e}"))
}

/// Creates the table (if absent) with its stream and TTL, and waits until it is active.
pub async fn ensure_table(client: &Client, name: &str) -> Result<(), String> {
    ensure_table_with_ttl(client, name, true).await
}

/// As [`ensure_table`]; `ttl: false` leaves TTL off, so that expired items stay in the table
/// (tests use it to show that reads hide expired profiles without waiting for TTL).
pub async fn ensure_table_with_ttl(client: &Client, name: &str, ttl: bool) -> Result<(), String> {
    let def = definition()?;
    let exists = client.describe_table().table_name(name).send().await.is_ok();
    if !exists {
        let mut create = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::from(def.billing_mode.as_str()));
        for a in &def.attribute_definitions {
            create = create.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(&a.attribute_name)
                    .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                    .build()
                    .map_err(|e| e.to_string())?,
            );
        }
        for k in &def.key_schema {
            create = create.key_schema(
                KeySchemaElement::builder()
                    .attribute_name(&k.attribute_name)
                    .key_type(KeyType::from(k.key_type.as_str()))
                    .build()
                    .map_err(|e| e.to_string())?,
            );
        }
        if let Some(stream) = &def.stream_specification {
            create = create.stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(stream.stream_view_type.as_str()))
                    .build()
                    .map_err(|e| e.to_string())?,
            );
        }
        create.send().await.map_err(|e| {
            format!(
                "CreateTable {name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(&e)
            )
        })?;
    }
    for _ in 0..100 {
        let status = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .ok()
            .and_then(|d| d.table)
            .and_then(|t| t.table_status);
        if status.as_ref().is_some_and(|s| s.as_str() == "ACTIVE") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    if let Some(ttl) = def.time_to_live_specification.as_ref().filter(|_| ttl) {
        let current = client
            .describe_time_to_live()
            .table_name(name)
            .send()
            .await
            .ok()
            .and_then(|d| d.time_to_live_description)
            .and_then(|d| d.time_to_live_status);
        let enabled = current.as_ref().is_some_and(|s| s.as_str() == "ENABLED");
        if ttl.enabled && !enabled {
            client
                .update_time_to_live()
                .table_name(name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(&ttl.attribute_name)
                        .enabled(true)
                        .build()
                        .map_err(|e| e.to_string())?,
                )
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "UpdateTimeToLive {name}: {}",
                        aws_sdk_dynamodb::error::DisplayErrorContext(&e)
                    )
                })?;
        }
    }
    Ok(())
}
