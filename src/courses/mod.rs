//! The learning cloud's catalogue: courses in several languages, their modules and lessons.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod reuse;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// The catalogue's and authoring's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    reuse::routes(cfg);
    cfg.service(resource("/courses").get(list_courses).post(create_course))
        .service(
            resource("/courses/{id}")
                .get(get_course)
                .patch(update_course)
                .delete(delete_course),
        )
        .service(resource("/courses/{id}/publish").post(publish_course))
        .service(resource("/courses/{id}/archive").post(archive_course))
        .service(resource("/courses/{id}/translations/{language}").put(put_course_translation))
        .service(
            resource("/courses/{id}/owners/{user_id}")
                .put(put_course_owner)
                .delete(delete_course_owner),
        )
        .service(resource("/courses/{id}/lessons").get(list_course_lessons))
        .service(resource("/courses/{id}/modules").post(create_module))
        .service(resource("/courses/{id}/modules/order").put(order_modules))
        .service(
            resource("/modules/{id}")
                .get(get_module)
                .patch(update_module)
                .delete(delete_module),
        )
        .service(resource("/modules/{id}/translations/{language}").put(put_module_translation))
        .service(resource("/modules/{id}/lessons").post(create_lesson))
        .service(resource("/modules/{id}/lessons/order").put(order_lessons))
        .service(
            resource("/lessons/{id}")
                .get(get_lesson)
                .patch(update_lesson)
                .delete(delete_lesson),
        )
        .service(resource("/lessons/{id}/translations/{language}").put(put_lesson_translation));
}
