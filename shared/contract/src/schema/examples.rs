//! An example of each request body, written into the document beside the shape it illustrates.
//! The create example is the contract's own (the body of the documentation's curl example); the
//! others carry on with the same customer, Ola Nordmann, so a reader sees one story. Each is
//! checked against the tightened schema and sent by the fuzzer's examples phase, so an example
//! the server would refuse cannot stay in the document.

use serde_json::{Value, json};

/// The example body of the request shape `schema`, when it has one.
pub fn example(schema: &str) -> Option<Value> {
    let example = match schema {
        // The contract's documentation, verbatim.
        "CustomerPostRequest" => json!({
            "firstName": "Ola", "surname": "Nordmann", "email": "ola@nordmann.org",
            "languagePreference": "NO", "createdBy": "test", "createdByChannel": "test",
            "organisationId": 1, "password": "abcD123",
        }),
        "CustomerPutRequest" => json!({
            "firstName": "Ola", "surname": "Nordmann", "email": "ola@nordmann.org",
            "countryCode": "+47", "telephoneNumberNoCountryCode": "91234567",
            "dateOfBirth": "1990-05-17", "languagePreference": "NO",
            "changedBy": "test", "changedByChannel": "test",
        }),
        "ProfilesBulkRequest" => json!({
            "customerNumbers": [1000000001, 1000000002], "includePreferences": true,
        }),
        "TemporaryCustomerPostRequest" => json!({
            "firstName": "Ola", "expirationDate": "2099-12-31T23:00:00Z",
            "createdBy": "test", "createdByChannel": "app",
        }),
        "TemporaryCustomerPutRequest" => json!({
            "firstName": "Ola", "surname": "Nordmann", "expirationDate": "2099-12-31T23:00:00Z",
            "changedBy": "test", "changedByChannel": "app",
        }),
        "ConvertTemporaryCustomerRequest" => json!({
            "firstName": "Ola", "surname": "Nordmann", "email": "ola.converted@nordmann.org",
            "password": "abcD123", "changedBy": "test", "changedByChannel": "app",
        }),
        "DeactivateCustomerRequest" => json!({
            "expirationDate": "2099-12-31T23:00:00Z", "changedBy": "test", "changedByChannel": "crm",
        }),
        "RestoreCustomerRequest" => json!({ "changedBy": "test", "changedByChannel": "crm" }),
        "CustomerConnectRequest" => json!({
            "customerNumberToConnect": 1000000002, "changedBy": "test", "changedByChannel": "crm",
        }),
        "PostalAddressRequest" => json!({
            "addressLine1": "Storgata 1", "postCode": "0155", "town": "Oslo",
            "countryCode": "NOR", "typeOfAddress": "P",
        }),
        "EcardOwnershipRequest" => json!({
            "ecardNumber": 12345678, "ecardOperator": "ENTUR", "ecardNumber16digits": "1234567812345678",
            "ecardName": "Travel card", "startOfOwnership": "2026-01-01T00:00:00Z",
        }),
        "NoteRequest" => json!({ "text": "Prefers contact by email.", "createdBy": "test" }),
        "CustomerAccountRequest" => json!({
            "accountId": "account-ola-1", "alias": "Travel", "isDefault": true,
        }),
        "CustomerAccountPatchRequest" => json!({ "alias": "Commute" }),
        "PreferenceRequest" => json!({
            "preferenceCode": "NEWSLETTER", "preferenceType": "CONSENT",
            "preferenceDescription": "Receives the monthly newsletter", "isActive": true,
        }),
        "CustomerPreferenceRequest" => json!({ "preferenceId": 1, "preferenceValue": "monthly" }),
        "VerifyCredentialsRequest" => json!({
            "email": "ola@nordmann.org", "password": "abcD123", "lastSignInFrom": "app",
        }),
        "NewPasswordRequest" => json!({ "newPassword": "abcD1234" }),
        "ChangePasswordRequest" => json!({ "oldPassword": "abcD123", "newPassword": "abcD1234" }),
        "GeneratePasswordRequest" => json!({ "email": "ola@nordmann.org", "organisationId": 1 }),
        _ => return None,
    };
    Some(example)
}

/// The example of a path or query parameter, when it has one: the same customer again. Headers
/// have none: their values belong to each request.
pub fn parameter_example(place: &str, name: &str) -> Option<Value> {
    let example = match (place, name) {
        ("path", "customerNumber") => json!(1000000001),
        ("path", "preferenceId" | "ecardId" | "noteId" | "addressId") => json!(1),
        ("path", "accountId") => json!("account-ola-1"),
        ("path" | "query", "customerRef") => json!("ola-nordmann-1"),
        ("query", "firstName") => json!("Ola"),
        ("query", "surname") => json!("Nordmann"),
        ("query", "email") => json!("ola@nordmann.org"),
        ("query", "countryCode") => json!("+47"),
        ("query", "telephoneNumber") => json!("+4791234567"),
        ("query", "telephoneNumberNoCountryCode") => json!("91234567"),
        ("query", "landlineNumber") => json!("+4722123456"),
        ("query", "dateOfBirth") => json!("1990-05-17"),
        ("query", "postCode") => json!("0155"),
        ("query", "organisationId") => json!(1),
        _ => return None,
    };
    Some(example)
}
