//! The routing table: every operation of the API, its method and path, and the Lambda that
//! serves it. The functions' routers are built from it, and tests check the local emulator's
//! router, the deploy template and the OpenAPI document against it.

/// An HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }

    pub fn method(self) -> http::Method {
        match self {
            Verb::Get => http::Method::GET,
            Verb::Post => http::Method::POST,
            Verb::Put => http::Method::PUT,
            Verb::Patch => http::Method::PATCH,
            Verb::Delete => http::Method::DELETE,
        }
    }
}

/// The HTTP Lambdas, one per resource group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Function {
    Profiles,
    TemporaryProfiles,
    Credentials,
    CustomerAccounts,
    Preferences,
}

impl Function {
    pub const ALL: [Function; 5] = [
        Function::Profiles,
        Function::TemporaryProfiles,
        Function::Credentials,
        Function::CustomerAccounts,
        Function::Preferences,
    ];

    /// The function's (and its binary's) name.
    pub fn name(self) -> &'static str {
        match self {
            Function::Profiles => "profiles",
            Function::TemporaryProfiles => "temporary-profiles",
            Function::Credentials => "credentials",
            Function::CustomerAccounts => "customer-accounts",
            Function::Preferences => "preferences",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The OpenAPI operationId.
    pub id: &'static str,
    pub verb: Verb,
    /// As in the OpenAPI document: `{name}` for a path parameter.
    pub path: &'static str,
    pub function: Function,
}

const fn op(id: &'static str, verb: Verb, path: &'static str, function: Function) -> Operation {
    Operation {
        id,
        verb,
        path,
        function,
    }
}

use Function::{Credentials, CustomerAccounts, Preferences, Profiles, TemporaryProfiles};
use Verb::{Delete, Get, Patch, Post, Put};

pub const OPERATIONS: &[Operation] = &[
    op("createCustomer", Post, "/profiles", Profiles),
    op("findCustomersByParameters", Get, "/profiles", Profiles),
    op("searchCustomers", Get, "/profiles-search", Profiles),
    op("findCustomersInBulk", Post, "/profiles/bulk", Profiles),
    op(
        "findCustomerByCustomerRef",
        Get,
        "/profiles/customer-ref/{customerRef}",
        Profiles,
    ),
    op(
        "findCustomerByCustomerNumber",
        Get,
        "/profiles/{customerNumber}",
        Profiles,
    ),
    op("updateCustomer", Put, "/profiles/{customerNumber}", Profiles),
    op(
        "deactivateCustomer",
        Post,
        "/profiles/{customerNumber}/deactivate",
        Profiles,
    ),
    op("restoreCustomer", Post, "/profiles/{customerNumber}/restore", Profiles),
    op("connectCustomer", Post, "/profiles/{customerNumber}/connect", Profiles),
    op(
        "getPostalAddresses",
        Get,
        "/profiles/{customerNumber}/postal-addresses",
        Profiles,
    ),
    op(
        "addPostalAddress",
        Post,
        "/profiles/{customerNumber}/postal-addresses",
        Profiles,
    ),
    op(
        "updatePostalAddress",
        Put,
        "/profiles/{customerNumber}/postal-addresses/{addressId}",
        Profiles,
    ),
    op(
        "deletePostalAddress",
        Delete,
        "/profiles/{customerNumber}/postal-addresses/{addressId}",
        Profiles,
    ),
    op("getEcards", Get, "/profiles/{customerNumber}/ecards", Profiles),
    op("addEcard", Post, "/profiles/{customerNumber}/ecards", Profiles),
    op(
        "updateEcard",
        Put,
        "/profiles/{customerNumber}/ecards/{ecardId}",
        Profiles,
    ),
    op(
        "deleteEcard",
        Delete,
        "/profiles/{customerNumber}/ecards/{ecardId}",
        Profiles,
    ),
    op("getNotes", Get, "/profiles/{customerNumber}/notes", Profiles),
    op("addNote", Post, "/profiles/{customerNumber}/notes", Profiles),
    op(
        "deleteNote",
        Delete,
        "/profiles/{customerNumber}/notes/{noteId}",
        Profiles,
    ),
    op("createTemporaryProfile", Post, "/profiles/temporary", TemporaryProfiles),
    op(
        "getTemporaryProfile",
        Get,
        "/profiles/temporary/{customerNumber}",
        TemporaryProfiles,
    ),
    op(
        "updateTemporaryProfileByCustomerNumber",
        Put,
        "/profiles/temporary/{customerNumber}",
        TemporaryProfiles,
    ),
    op(
        "deleteTemporaryProfile",
        Delete,
        "/profiles/temporary/{customerNumber}",
        TemporaryProfiles,
    ),
    op(
        "convertTemporaryProfile",
        Post,
        "/profiles/temporary/{customerNumber}/convert",
        TemporaryProfiles,
    ),
    op("verifyCredentials", Post, "/profiles/verify-credentials", Credentials),
    op("generatePassword", Post, "/profiles/generate-password", Credentials),
    op("setPassword", Put, "/profiles/{customerNumber}/password", Credentials),
    op(
        "changePassword",
        Post,
        "/profiles/{customerNumber}/change-password",
        Credentials,
    ),
    op(
        "getCustomerAccountsCustomerNumber",
        Get,
        "/profiles/{customerNumber}/customer-accounts",
        CustomerAccounts,
    ),
    op(
        "createCustomerAccount",
        Post,
        "/profiles/{customerNumber}/customer-accounts",
        CustomerAccounts,
    ),
    op(
        "patchCustomerAccount",
        Patch,
        "/profiles/{customerNumber}/customer-accounts/{accountId}",
        CustomerAccounts,
    ),
    op(
        "deleteCustomerAccount",
        Delete,
        "/profiles/{customerNumber}/customer-accounts/{accountId}",
        CustomerAccounts,
    ),
    op(
        "getProfileByCustomerAccountId",
        Get,
        "/profiles/customer-accounts/{accountId}",
        CustomerAccounts,
    ),
    op("listPreferences", Get, "/preferences", Preferences),
    op("addPreference", Post, "/preferences", Preferences),
    op("findPreferenceById", Get, "/preferences/{preferenceId}", Preferences),
    op("updatePreference", Put, "/preferences/{preferenceId}", Preferences),
    op("deletePreference", Delete, "/preferences/{preferenceId}", Preferences),
    op(
        "getCustomerPreferences",
        Get,
        "/profiles/{customerNumber}/preferences",
        Preferences,
    ),
    op(
        "addCustomerPreference",
        Post,
        "/profiles/{customerNumber}/preferences",
        Preferences,
    ),
    op(
        "replaceCustomerPreferences",
        Put,
        "/profiles/{customerNumber}/preferences",
        Preferences,
    ),
    op(
        "removeCustomerPreference",
        Delete,
        "/profiles/{customerNumber}/preferences/{preferenceId}",
        Preferences,
    ),
];

/// The operation with this id.
pub fn operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}

/// The operations one function serves.
pub fn served_by(function: Function) -> impl Iterator<Item = &'static Operation> {
    OPERATIONS.iter().filter(move |o| o.function == function)
}

/// The most segments a template has (a test holds every template to it); a longer path fits
/// none.
const MOST_SEGMENTS: usize = 8;

/// A path cut at its slashes, trailing slashes dropped: "/profiles/42" is "", "profiles", "42".
#[derive(Debug, Clone, Copy)]
struct Segments<'a> {
    parts: [&'a str; MOST_SEGMENTS],
    len: usize,
}

impl<'a> Segments<'a> {
    /// `None` for a path of more than [`MOST_SEGMENTS`] segments.
    fn of(path: &'a str) -> Option<Self> {
        let mut parts = [""; MOST_SEGMENTS];
        let mut len = 0;
        for part in path.trim_end_matches('/').split('/') {
            *parts.get_mut(len)? = part;
            len += 1;
        }
        Some(Self { parts, len })
    }

    fn iter(&self) -> impl Iterator<Item = &&'a str> {
        self.parts.iter().take(self.len)
    }
}

/// Every operation's template, cut once: routing runs on every request, and cutting each
/// template again for each one was a fifth of a request's own work (docs/performance.md).
static TEMPLATES: std::sync::LazyLock<Vec<(&'static str, Option<Segments<'static>>)>> =
    std::sync::LazyLock::new(|| OPERATIONS.iter().map(|o| (o.path, Segments::of(o.path))).collect());

/// How well a concrete path fits a template: `None` when it does not, else the number of
/// literal segments (a literal beats a parameter, as routers rank them).
fn fit(template: &Segments<'_>, path: &Segments<'_>) -> Option<usize> {
    if template.len != path.len {
        return None;
    }
    let mut literal = 0;
    for (t, p) in template.iter().zip(path.iter()) {
        if t.starts_with('{') {
            if p.is_empty() {
                return None;
            }
        } else if t == p {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

/// The path template a concrete path belongs to (any method), as a router would pick it.
pub fn template_of(path: &str) -> Option<&'static str> {
    let path = Segments::of(path)?;
    TEMPLATES
        .iter()
        .filter_map(|(template, segments)| fit(segments.as_ref()?, &path).map(|score| (score, *template)))
        .max_by_key(|(score, _)| *score)
        .map(|(_, template)| template)
}

/// The operation a method and concrete path name (its operationId names it in metrics).
pub fn operation_at(method: &http::Method, path: &str) -> Option<&'static Operation> {
    operation_of(method, template_of(path)?)
}

/// The operation a method and a path template name.
pub fn operation_of(method: &http::Method, template: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|o| o.path == template && o.verb.method() == method)
}

/// The function that serves a concrete path (its template's).
pub fn function_for(path: &str) -> Option<Function> {
    let template = template_of(path)?;
    OPERATIONS.iter().find(|o| o.path == template).map(|o| o.function)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_routes_are_unique_and_each_path_has_one_function() {
        let ids: HashSet<&str> = OPERATIONS.iter().map(|o| o.id).collect();
        assert_eq!(ids.len(), OPERATIONS.len());
        let routes: HashSet<(Verb, &str)> = OPERATIONS.iter().map(|o| (o.verb, o.path)).collect();
        assert_eq!(routes.len(), OPERATIONS.len());
        for o in OPERATIONS {
            assert!(
                OPERATIONS
                    .iter()
                    .filter(|x| x.path == o.path)
                    .all(|x| x.function == o.function),
                "{} is served by more than one function",
                o.path
            );
        }
    }

    /// The first matcher, segment by segment on the strings: the reference the cut templates
    /// must agree with.
    fn fit_by_strings(template: &str, path: &str) -> Option<usize> {
        let mut t = template.trim_end_matches('/').split('/');
        let mut p = path.trim_end_matches('/').split('/');
        let mut literal = 0;
        loop {
            match (t.next(), p.next()) {
                (None, None) => return Some(literal),
                (Some(t), Some(p)) => {
                    if t.starts_with('{') {
                        if p.is_empty() {
                            return None;
                        }
                    } else if t == p {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    fn template_by_strings(path: &str) -> Option<&'static str> {
        OPERATIONS
            .iter()
            .filter_map(|o| fit_by_strings(o.path, path).map(|score| (score, o.path)))
            .max_by_key(|(score, _)| *score)
            .map(|(_, template)| template)
    }

    #[test]
    fn every_template_is_cut_within_the_most_segments() {
        for (template, segments) in TEMPLATES.iter() {
            assert!(segments.is_some(), "{template} has more than {MOST_SEGMENTS} segments");
        }
    }

    /// A segment of a path: one of the templates' own literals, a number, an empty segment or
    /// anything else.
    fn segment() -> impl Strategy<Value = String> {
        let literals: Vec<String> = OPERATIONS
            .iter()
            .flat_map(|o| o.path.split('/'))
            .filter(|s| !s.starts_with('{'))
            .map(str::to_string)
            .collect();
        prop_oneof![
            4 => proptest::sample::select(literals),
            2 => "[0-9]{1,10}",
            1 => Just(String::new()),
            1 => "[a-zA-Z{}%-]{1,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn the_cut_templates_route_every_path_as_the_strings_did(
            parts in proptest::collection::vec(segment(), 0..11),
            trailing in 0usize..3,
        ) {
            let path = format!("{}{}", parts.join("/"), "/".repeat(trailing));
            prop_assert_eq!(template_of(&path), template_by_strings(&path), "{}", path);
            let rooted = format!("/{path}");
            prop_assert_eq!(template_of(&rooted), template_by_strings(&rooted), "{}", rooted);
        }
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        assert_eq!(template_of("/profiles/temporary"), Some("/profiles/temporary"));
        assert_eq!(template_of("/profiles/42"), Some("/profiles/{customerNumber}"));
        assert_eq!(template_of("/profiles/bulk"), Some("/profiles/bulk"));
        assert_eq!(
            function_for("/profiles/42/customer-accounts/a-1"),
            Some(Function::CustomerAccounts)
        );
        assert_eq!(
            function_for("/profiles/customer-accounts/a-1"),
            Some(Function::CustomerAccounts)
        );
        assert_eq!(
            function_for("/profiles/temporary/7/convert"),
            Some(Function::TemporaryProfiles)
        );
        assert_eq!(function_for("/profiles/7/password"), Some(Function::Credentials));
        assert_eq!(template_of("/nothing"), None);
        assert_eq!(
            operation_at(&http::Method::PUT, "/profiles/42/").map(|o| o.id),
            Some("updateCustomer")
        );
        assert_eq!(operation_at(&http::Method::PATCH, "/profiles/42"), None);
        assert_eq!(template_of("/profiles/7/nothing"), None);
    }
}
