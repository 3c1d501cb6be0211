//! Reading the deploy template, `infra/template.json`, for the tests that keep it in step with the
//! code: which routes go to which function, what each function's role may do, and the table.

use serde_json::Value;

/// The template as committed; it is deployed exactly as it is.
pub const TEMPLATE: &str = customers_dynamodb::table::TEMPLATE;

pub fn template() -> Value {
    serde_json::from_str(TEMPLATE).unwrap_or_else(|e| panic!("infra/template.json: {e}"))
}

fn resources(t: &Value) -> impl Iterator<Item = (&String, &Value)> {
    t["Resources"].as_object().into_iter().flatten()
}

/// The logical id of the `AWS::Lambda::Function` whose package is `<function>.zip`.
pub fn function_resource(t: &Value, function: &str) -> Option<String> {
    let key = format!("${{CodePrefix}}/{function}.zip");
    resources(t)
        .find(|(_, r)| r["Type"] == "AWS::Lambda::Function" && r["Properties"]["Code"]["S3Key"]["Fn::Sub"] == key)
        .map(|(id, _)| id.clone())
}

/// The function (binary) name of a function resource, read from its package key.
fn function_name(t: &Value, resource: &str) -> Option<String> {
    t["Resources"][resource]["Properties"]["Code"]["S3Key"]["Fn::Sub"]
        .as_str()?
        .strip_prefix("${CodePrefix}/")?
        .strip_suffix(".zip")
        .map(str::to_string)
}

/// Every function the template deploys, by binary name.
pub fn functions(t: &Value) -> Vec<String> {
    resources(t)
        .filter(|(_, r)| r["Type"] == "AWS::Lambda::Function")
        .filter_map(|(id, _)| function_name(t, id))
        .collect()
}

/// A route of the HTTP API: its method and path, the function it invokes and its authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The route's logical id in the template.
    pub id: String,
    pub method: String,
    pub path: String,
    pub function: String,
    /// `JWT`, or `NONE` when the route is open.
    pub authorization: String,
    /// The logical id of the authorizer it names, if any.
    pub authorizer: Option<String>,
}

pub fn routes(t: &Value) -> Vec<Route> {
    resources(t)
        .filter(|(_, r)| r["Type"] == "AWS::ApiGatewayV2::Route")
        .map(|(id, r)| {
            let p = &r["Properties"];
            let key = p["RouteKey"].as_str().unwrap_or_default();
            let (method, path) = key.split_once(' ').unwrap_or((key, ""));
            let integration = p["Target"]["Fn::Sub"]
                .as_str()
                .and_then(|s| s.strip_prefix("integrations/${"))
                .and_then(|s| s.strip_suffix('}'))
                .unwrap_or_else(|| panic!("{id}: the target is not an integration of this template"));
            let function = t["Resources"][integration]["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]
                .as_str()
                .and_then(|f| function_name(t, f))
                .unwrap_or_else(|| panic!("{id}: {integration} does not invoke a function of this template"));
            Route {
                id: id.clone(),
                method: method.to_string(),
                path: path.to_string(),
                function,
                authorization: p["AuthorizationType"].as_str().unwrap_or("NONE").to_string(),
                authorizer: p["AuthorizerId"]["Ref"].as_str().map(str::to_string),
            }
        })
        .collect()
}

/// The policy statements of a function's role.
pub fn role_statements(t: &Value, function: &str) -> Vec<Value> {
    let Some(resource) = function_resource(t, function) else {
        return Vec::new();
    };
    let role = t["Resources"][&resource]["Properties"]["Role"]["Fn::GetAtt"][0]
        .as_str()
        .unwrap_or_default();
    t["Resources"][role]["Properties"]["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// The statements of a function's role whose resource is the table itself.
pub fn table_statements(t: &Value, function: &str) -> Vec<Value> {
    let table = serde_json::json!({ "Fn::GetAtt": ["CustomersTable", "Arn"] });
    role_statements(t, function)
        .into_iter()
        .filter(|s| s["Resource"] == table)
        .collect()
}

/// The actions a function may take on the table (`dynamodb:GetItem`, `dynamodb:Query`, …), as
/// IAM names them. They are kept in one statement per function.
pub fn table_actions(t: &Value, function: &str) -> Vec<String> {
    table_statements(t, function)
        .iter()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}
