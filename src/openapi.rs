//! The OpenAPI document, generated from the handlers.

use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{Modify, OpenApi};

use crate::error::{FieldError, Problem};
use crate::organisations::dto::OrganisationSort;
use crate::types::CountryCode;

/// The whole API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bayanihan API",
        description = "Learning cloud and community of practice for trade unions. \
            Conventions (errors, pagination, caching) are in docs/API.md.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        crate::health::live,
        crate::health::ready,
        crate::health::metrics,
        crate::organisations::handlers::list_organisations,
        crate::organisations::handlers::get_organisation,
        crate::organisations::handlers::list_organisation_children,
        crate::organisations::handlers::create_organisation,
        crate::organisations::handlers::update_organisation,
        crate::organisations::handlers::delete_organisation,
        crate::organisations::handlers::create_membership,
        crate::organisations::handlers::get_membership,
        crate::organisations::handlers::list_memberships,
        crate::organisations::handlers::update_membership,
        crate::organisations::handlers::delete_membership,
        crate::accounts::handlers::register,
        crate::accounts::handlers::verify_email,
        crate::accounts::handlers::resend_verification,
        crate::accounts::handlers::login,
        crate::accounts::handlers::refresh,
        crate::accounts::handlers::logout,
        crate::accounts::handlers::logout_all,
        crate::accounts::handlers::forgot_password,
        crate::accounts::handlers::reset_password,
        crate::accounts::handlers::get_me,
        crate::accounts::handlers::update_me,
        crate::accounts::handlers::delete_me,
        crate::accounts::handlers::change_password,
        crate::accounts::handlers::export_me,
        crate::accounts::handlers::list_my_memberships,
        crate::accounts::handlers::list_my_languages,
        crate::accounts::handlers::replace_my_languages,
        crate::accounts::handlers::get_user,
        crate::accounts::handlers::list_users,
        crate::accounts::handlers::update_user,
        crate::courses::handlers::list_courses,
        crate::courses::handlers::get_course,
        crate::courses::handlers::create_course,
        crate::courses::handlers::update_course,
        crate::courses::handlers::delete_course,
        crate::courses::handlers::publish_course,
        crate::courses::handlers::archive_course,
        crate::courses::handlers::put_course_translation,
        crate::courses::handlers::put_course_owner,
        crate::courses::handlers::delete_course_owner,
        crate::courses::handlers::list_course_lessons,
        crate::courses::handlers::create_module,
        crate::courses::handlers::get_module,
        crate::courses::handlers::update_module,
        crate::courses::handlers::put_module_translation,
        crate::courses::handlers::delete_module,
        crate::courses::handlers::order_modules,
        crate::courses::handlers::order_lessons,
        crate::courses::handlers::create_lesson,
        crate::courses::handlers::get_lesson,
        crate::courses::handlers::update_lesson,
        crate::courses::handlers::put_lesson_translation,
        crate::courses::handlers::delete_lesson,
        crate::learning::handlers::create_enrolment,
        crate::learning::handlers::get_my_enrolment,
        crate::learning::handlers::delete_enrolment,
        crate::learning::handlers::list_my_enrolments,
        crate::learning::handlers::list_course_enrolments,
        crate::learning::handlers::complete_lesson,
        crate::learning::handlers::uncomplete_lesson,
        crate::learning::handlers::sync_completions,
        crate::learning::handlers::get_progress,
        crate::learning::handlers::get_learner_progress,
        crate::learning::handlers::list_my_certificates,
        crate::learning::handlers::get_certificate,
        crate::learning::handlers::get_certificate_document,
        crate::learning::handlers::revoke_certificate,
    ),
    components(schemas(Problem, FieldError, CountryCode, OrganisationSort, crate::learning::model::EnrolmentSort, crate::courses::dto::CourseSort)),
    tags(
        (name = "organisations", description = "The trade-union directory"),
        (name = "memberships", description = "Joining organisations; leaders decide"),
        (name = "auth", description = "Registration, login, tokens, password reset"),
        (name = "me", description = "The caller's own account"),
        (name = "users", description = "Profiles and account administration"),
        (name = "courses", description = "The course catalogue and course authoring, in several languages"),
        (name = "modules", description = "The ordered modules of a course"),
        (name = "lessons", description = "Lessons: content, authoring, ordering, offline sync"),
        (name = "enrolments", description = "Enrolling in self-paced courses; who is enrolled"),
        (name = "progress", description = "Lessons done, course progress, offline sync"),
        (name = "certificates", description = "Certificates of completion; public verification"),
        (name = "assessment", description = "Question banks, quizzes and attempts graded on the server"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

/// Adds the error answers every operation can give, as problem+json.
struct ProblemResponses;

/// Statuses any operation may answer, besides its own.
const COMMON: &[(&str, &str)] = &[
    (
        "400",
        "The request could not be read (bad query, path or body)",
    ),
    ("405", "Method not allowed"),
    (
        "500",
        "Unexpected error; the body carries only the request id",
    ),
    (
        "503",
        "Database unreachable or busy; retry after `Retry-After` seconds",
    ),
];

/// Statuses any operation with a JSON body may answer.
const BODY: &[(&str, &str)] = &[
    ("413", "The body is larger than 256 KiB"),
    ("415", "The body is not application/json"),
];

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let problem = || {
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                let with_body: &[(&str, &str)] = if op.request_body.is_some() { BODY } else { &[] };
                for (status, description) in COMMON.iter().chain(with_body) {
                    op.responses
                        .responses
                        .entry((*status).to_owned())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(*description)
                                    .content("application/problem+json", problem())
                                    .build(),
                            )
                        });
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        // The document's version follows the crate's.
        openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    }
}

/// The document as the server serves it and `api-docs/openapi.json` holds it.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in parts() {
        doc.merge(part);
    }
    ProblemResponses.modify(&mut doc);
    doc
}

/// The domains that keep their part of the document next to their routes.
fn parts() -> [utoipa::openapi::OpenApi; 18] {
    [
        crate::communities::Api::openapi(),
        crate::forums::Api::openapi(),
        crate::moderation::Api::openapi(),
        crate::notifications::Api::openapi(),
        crate::search::Api::openapi(),
        crate::invitations::Api::openapi(),
        crate::cohorts::Api::openapi(),
        crate::badges::Api::openapi(),
        crate::assessment::Api::openapi(),
        crate::library::Api::openapi(),
        crate::courses::reuse::Api::openapi(),
        crate::needs::Api::openapi(),
        // Training follow-up.
        crate::followup::Api::openapi(),
        // Issue 16, item 4: webhooks.
        crate::webhooks::Api::openapi(),
        // Language access.
        crate::translations::Api::openapi(),
        // Issue 17, item 5: community posts across languages.
        crate::post_translations::Api::openapi(),
        // Programmes.
        crate::programmes::Api::openapi(),
        crate::dashboards::Api::openapi(),
    ]
}

/// The document as pretty JSON, with a final newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut json = document().to_pretty_json()?;
    json.push('\n');
    Ok(json)
}

/// Checks that the generated document states each limit as the code's constant has it:
/// (component schema, property, keyword, constant). A property `tags[]` means the items of
/// the list `tags`. utoipa's `#[schema(max_length = …)]` takes only a literal number, so
/// each DTO module ties its literals to its constants with this.
#[cfg(test)]
pub fn assert_documented_limits(limits: &[(&str, &str, &str, usize)]) {
    let doc = serde_json::to_value(document()).unwrap_or_default();
    for &(schema, property, keyword, expected) in limits {
        let (name, items) = match property.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (property, false),
        };
        let mut at = &doc["components"]["schemas"][schema]["properties"][name];
        if items {
            at = &at["items"];
        }
        let stated = at[keyword].as_f64();
        assert!(
            stated.is_some_and(|n| (n - expected as f64).abs() < f64::EPSILON),
            "{schema}.{property}: the document says {keyword} = {stated:?}, the code {expected}"
        );
    }
}

#[cfg(test)]
mod merge_tests {
    use std::collections::BTreeMap;

    use utoipa::OpenApi;

    /// `OpenApi::merge` keeps the first schema of a name and drops the others silently: two
    /// types of one name would leave one of them documented with the other's shape.
    #[test]
    fn no_two_schemas_share_a_name() {
        let mut seen: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        let all = std::iter::once(super::ApiDoc::openapi()).chain(super::parts());
        for doc in all {
            for (name, schema) in doc.components.map(|c| c.schemas).unwrap_or_default() {
                let schema = serde_json::to_value(schema).unwrap();
                if let Some(earlier) = seen.get(&name) {
                    assert_eq!(
                        earlier, &schema,
                        "two different schemas are named `{name}`: rename one with #[schema(as = …)]"
                    );
                }
                seen.insert(name, schema);
            }
        }
    }
}
