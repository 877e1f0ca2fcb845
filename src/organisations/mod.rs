//! The trade-union directory: international, regional and national organisations and their unions.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// The directory's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/organisations")
            .get(list_organisations)
            .post(create_organisation),
    )
    .service(
        resource("/organisations/{id}")
            .get(get_organisation)
            .patch(update_organisation)
            .delete(delete_organisation),
    )
    .service(resource("/organisations/{id}/children").get(list_organisation_children))
    .service(
        resource("/organisations/{id}/memberships")
            .get(list_memberships)
            .post(create_membership),
    )
    .service(
        resource("/organisations/{id}/memberships/{user_id}")
            .get(get_membership)
            .patch(update_membership)
            .delete(delete_membership),
    );
}

#[cfg(test)]
mod tests {
    /// The worked example in docs/ARCHITECTURE.md is the code itself: every Rust block of
    /// its "A request, step by step" section, after the line naming the file, is in that file.
    #[test]
    fn the_architecture_example_is_the_code() {
        let doc = include_str!("../../docs/ARCHITECTURE.md");
        let section = doc
            .split("## A request, step by step")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap();
        let sources = [
            ("handlers.rs", include_str!("handlers.rs")),
            ("service.rs", include_str!("service.rs")),
        ];
        let blocks: Vec<&str> = section.split("```rust\n").skip(1).collect();
        assert_eq!(blocks.len(), 2);
        for block in blocks {
            let block = block.split("```").next().unwrap();
            let (file, source) = sources
                .iter()
                .find(|(name, _)| block.lines().next().unwrap().contains(name))
                .unwrap();
            let code: String = block
                .lines()
                .skip_while(|l| l.starts_with("//"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(
                source.contains(&code),
                "docs/ARCHITECTURE.md differs from {file}:\n{code}"
            );
        }
    }
}
