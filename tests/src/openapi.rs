//! The service's OpenAPI document, assembled from every function's own description.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Server};

/// Where the document is kept in the repository (kept in step by a test).
pub const PATH: &str = "docs/openapi.json";

pub fn document() -> Document {
    let mut doc = profiles::openapi::ProfilesApi::openapi();
    doc.merge(temporary_profiles::openapi::TemporaryProfilesApi::openapi());
    doc.merge(credentials::openapi::CredentialsApi::openapi());
    doc.merge(customer_accounts::openapi::CustomerAccountsApi::openapi());
    doc.merge(preferences::openapi::PreferencesApi::openapi());
    doc.info.title = "Customers API (profiles)".to_string();
    doc.info.version = "2.0.0".to_string();
    doc.info.description = Some(
        "Customer profiles for public-transport sales, after Entur's Customers API v2. Every operation \
         requires a bearer JWT whose `https://entur.io/organisationID` claim names the caller's \
         organisation, and the `ET-Client-Name` header. `X-Correlation-Id` is taken from the request \
         or generated, and returned on every response. Errors answer with ErrorResponse."
            .to_string(),
    );
    doc.info.license = None;
    doc.info.contact = None;
    doc.servers = Some(vec![
        Server::new("https://api.entur.io/customers/v2"),
        Server::new("http://127.0.0.1:9000"),
    ]);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "jwt",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    add_common_parts(&mut doc);
    doc
}

/// Headers, security and error answers that every operation shares.
fn add_common_parts(doc: &mut Document) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{
        Ref, RefOr, Required, ResponseBuilder, content::ContentBuilder, security::SecurityRequirement,
    };
    let client_name = ParameterBuilder::new()
        .name("ET-Client-Name")
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(
            "Entur Client Header. It is required that all consumers identify themselves by using this header. \
             The structure of ET-Client-Name should be: <company>-<application>.",
        ))
        .schema(Some(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .min_length(Some(1)),
        ))
        .build();
    let correlation = ParameterBuilder::new()
        .name("X-Correlation-Id")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Correlation id. Generated when absent; returned on every response.",
        ))
        .schema(Some(
            utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String),
        ))
        .build();
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorResponse")))
                        .build(),
                )
                .build(),
        )
    };
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let params = op.parameters.get_or_insert_with(Vec::new);
            params.push(client_name.clone());
            params.push(correlation.clone());
            op.security = Some(vec![SecurityRequirement::new("jwt", Vec::<String>::new())]);
            let responses = &mut op.responses.responses;
            for (code, description) in [
                ("400", "Invalid request: ErrorResponse lists each rejected field"),
                ("401", "Missing or invalid access token"),
                ("403", "The token's organisation may not do this"),
                ("404", "No such resource in the caller's organisation"),
                ("413", "Body too large"),
                ("415", "Unsupported content type"),
                ("500", "Unexpected fault"),
                ("503", "The database is unavailable; nothing was changed"),
            ] {
                responses.entry(code.to_string()).or_insert_with(|| error(description));
            }
        }
    }
}

/// The document made exact by the parsers' own definitions, and what they left undescribed.
pub fn tightened() -> (serde_json::Value, Vec<String>) {
    let mut value = serde_json::to_value(document()).unwrap_or_default();
    let problems = customers_contract::schema::tighten(&mut value);
    (value, problems)
}

/// The document as committed: pretty JSON with a final newline.
pub fn rendered() -> String {
    let mut text = serde_json::to_string_pretty(&tightened().0).unwrap_or_default();
    text.push('\n');
    text
}
