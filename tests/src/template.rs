//! The deploy template with the table's properties taken from `infra/table.json`, so that the
//! deployed table and the local one come from one definition.

pub const TEMPLATE: &str = include_str!("../../infra/template.json");

pub fn rendered() -> Result<String, String> {
    let mut template: serde_json::Value =
        serde_json::from_str(TEMPLATE).map_err(|e| format!("infra/template.json: {e}"))?;
    let table: serde_json::Value =
        serde_json::from_str(customers_dynamodb::table::DEFINITION).map_err(|e| format!("infra/table.json: {e}"))?;
    let slot = template
        .pointer_mut("/Resources/CustomersTable/Properties")
        .ok_or("the template has no CustomersTable")?;
    *slot = table;
    serde_json::to_string_pretty(&template)
        .map(|mut t| {
            t.push('\n');
            t
        })
        .map_err(|e| e.to_string())
}
