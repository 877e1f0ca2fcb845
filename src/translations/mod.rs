//! Language access (issue 17): translations that know when they are out of date, learners
//! asking for their language, volunteer translators whose edits are reviewed, and the union
//! glossary shown beside the texts they translate.

pub mod dto;
pub mod glossary;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// Language access's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/courses/{id}/translations").get(list_course_translations))
        .service(resource("/resources/{id}/translations").get(list_resource_translations))
        .service(resource("/surveys/{id}/translations").get(list_survey_translations))
        .service(
            resource("/resources/{id}/translation-requests")
                .post(create_resource_translation_request),
        )
        .service(
            resource("/resources/{id}/translation-requests/{language}")
                .get(get_resource_translation_request),
        )
        .service(resource("/courses/{id}/translation-requests").post(create_translation_request))
        .service(
            resource("/courses/{id}/translation-requests/{language}").get(get_translation_request),
        )
        .service(resource("/translation-requests/totals").get(list_translation_request_totals))
        .service(resource("/translators/{user_id}").get(get_translator))
        .service(
            resource("/translators/{user_id}/languages/{language}")
                .put(put_translator_language)
                .delete(delete_translator_language),
        )
        .service(resource("/translation-queue").get(list_translation_queue))
        .service(resource("/translations/{kind}/{id}/{language}").get(get_text_translation))
        .service(
            resource("/translations/{kind}/{id}/{language}/drafts").post(create_translation_draft),
        )
        .service(resource("/translation-drafts/{id}").get(get_translation_draft))
        .service(resource("/translation-drafts/{id}/approve").post(approve_translation_draft))
        .service(resource("/translation-drafts/{id}/reject").post(reject_translation_draft))
        .service(
            resource("/glossary")
                .get(list_glossary_entries)
                .post(create_glossary_entry),
        )
        .service(
            resource("/glossary/{id}")
                .get(get_glossary_entry)
                .patch(update_glossary_entry)
                .delete(delete_glossary_entry),
        );
}

/// Language access's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        handlers::list_course_translations,
        handlers::list_resource_translations,
        handlers::list_survey_translations,
        handlers::create_resource_translation_request,
        handlers::get_resource_translation_request,
        handlers::create_translation_request,
        handlers::get_translation_request,
        handlers::list_translation_request_totals,
        handlers::get_translator,
        handlers::put_translator_language,
        handlers::delete_translator_language,
        handlers::list_translation_queue,
        handlers::get_text_translation,
        handlers::create_translation_draft,
        handlers::get_translation_draft,
        handlers::approve_translation_draft,
        handlers::reject_translation_draft,
        handlers::list_glossary_entries,
        handlers::create_glossary_entry,
        handlers::get_glossary_entry,
        handlers::update_glossary_entry,
        handlers::delete_glossary_entry,
    ),
    tags((name = "translations", description = "Language access: translation states, learners' requests, translators' drafts and the union glossary"))
)]
pub struct Api;
