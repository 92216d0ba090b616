//! The problem answers most operations share, named once for the OpenAPI
//! document: a handler lists `TokenAuth, JsonBody` among its responses
//! instead of repeating the same lines. Answers particular to one operation
//! (which field a 422 names, what a 404 could not find) stay on the handler.

use std::collections::BTreeMap;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

const PROBLEM_JSON: &str = "application/problem+json";

/// A response whose body is the shared `Problem` schema.
fn problem(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    ResponseBuilder::new().description(description).content(PROBLEM_JSON, content).build().into()
}

/// Declares a unit type whose `IntoResponses` yields the given problem answers.
macro_rules! problem_set {
    ($(#[$doc:meta])* $name:ident { $($status:literal => $description:literal),+ $(,)? }) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([$(($status.to_string(), problem($description))),+])
            }
        }
    };
}

problem_set!(
    /// API token or dashboard session, holding the scope the operation names under `security`.
    TokenAuth {
        "401" => "No or invalid credentials",
        "403" => "Lacks the scope named under `security` (a viewer's session has no write scopes), or \
                 two-factor sign-in is required and not yet set up",
    }
);

problem_set!(
    /// Dashboard session only; any member.
    SessionAuth { "401" => "No session", "403" => "Not a dashboard session" }
);

problem_set!(
    /// Dashboard session of an owner or editor.
    EditorSession { "401" => "No session", "403" => "Not a dashboard session, or a viewer" }
);

problem_set!(
    /// Dashboard session of an owner.
    OwnerSession { "401" => "No session", "403" => "Not a dashboard session, or not an owner" }
);

problem_set!(
    /// A JSON request body.
    JsonBody {
        "400" => "Malformed JSON, or not sent as JSON (`Content-Type: application/json`)",
        "413" => "Body too large",
    }
);

problem_set!(
    /// Operations that honour an `Idempotency-Key` header.
    Idempotent { "409" => "Idempotency-Key reused with another body, or its first request still running" }
);

problem_set!(
    /// Lists that take `page` and `per_page`.
    BadPage { "422" => "Bad pagination parameters (`page`, `per_page`); `errors` names the parameter" }
);

problem_set!(
    /// Operations on one object of the caller's organisation.
    NotFound { "404" => "Not found (another organisation's objects answer the same)" }
);
