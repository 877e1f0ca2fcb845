//! Community posts across languages (issue 17, item 5): a post's language, members reading
//! posts in their language, asking for a translation, writing one, and machine translation
//! through a LibreTranslate-compatible service the operator configures.
//!
//! Rules decided here (see docs/POST_TRANSLATIONS.md for the contract):
//! - A post's `language` is its author's choice (one of `BAYANIHAN_LANGUAGES`, 422
//!   otherwise), else detected from its text (`detect`), else its author's preferred
//!   language, else its community's. An edit keeps it unless the edit names one.
//! - Post answers (`GET /posts/{id}`, `/threads/{id}/posts`, a thread's opening post) pick
//!   a published translation by the one negotiation (`?lang=` > `Accept-Language` > the
//!   reader's preferred language); the original is always there with `?lang=` its language.
//!   A page's translations are read with one query.
//! - A translation records the text it translated (a digest): once the post's text changes
//!   it is `outdated`, still served, with the date of the newer original.
//! - A deleted or hidden post's translations are never served nor requestable (404). A
//!   moderator hides a translation as they hide a post; it is logged.
//! - Machine translation runs in the outbox worker (`machine`); without
//!   `BAYANIHAN_MT_URL`, requests answer `machine_translation: not_configured` and nothing
//!   leaves the server.

pub mod detect;
pub mod dto;
pub mod handlers;
pub mod machine;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// Post translations' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/posts/{id}/translations").get(list_post_translations))
        .service(
            resource("/posts/{id}/translations/{language}")
                .get(get_post_translation)
                .put(put_post_translation),
        )
        .service(resource("/posts/{id}/translations/{language}/hide").post(hide_post_translation))
        .service(
            resource("/posts/{id}/translations/{language}/restore").post(restore_post_translation),
        )
        .service(resource("/posts/{id}/translation-requests").post(create_post_translation_request))
        .service(
            resource("/posts/{id}/translation-requests/{language}")
                .get(get_post_translation_request),
        );
}

/// Post translations' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        handlers::list_post_translations,
        handlers::get_post_translation,
        handlers::put_post_translation,
        handlers::hide_post_translation,
        handlers::restore_post_translation,
        handlers::create_post_translation_request,
        handlers::get_post_translation_request,
    ),
    components(schemas(model::TranslationOrigin, model::MachineState)),
    tags((name = "post translations", description = "Community posts across languages: translations by members and by a machine-translation service, and members' requests"))
)]
pub struct Api;
