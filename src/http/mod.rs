//! Shared HTTP plumbing: request ids, observation middleware, metrics, pagination, caching.

pub mod etag;
pub mod json;
pub mod metrics;
pub mod middleware;
pub mod pagination;
pub mod request_id;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, guard, web};

use crate::error::ApiError;

/// A resource whose unsupported methods answer 405 problem+json with `Allow`.
pub struct Routes {
    resource: Resource,
    allow: Vec<&'static str>,
}

/// Starts the routes of one path.
pub fn resource(path: &str) -> Routes {
    Routes {
        resource: web::resource(path),
        allow: Vec::new(),
    }
}

impl Routes {
    /// Serves GET (and HEAD) with `handler`.
    pub fn get<F, Args>(mut self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.allow.extend(["GET", "HEAD"]);
        self.resource = self.resource.route(
            web::route()
                .guard(guard::Any(guard::Get()).or(guard::Head()))
                .to(handler),
        );
        self
    }

    /// Serves POST with `handler`.
    pub fn post<F, Args>(mut self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.allow.push("POST");
        self.resource = self.resource.route(web::post().to(handler));
        self
    }

    /// Serves PUT with `handler`.
    pub fn put<F, Args>(mut self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.allow.push("PUT");
        self.resource = self.resource.route(web::put().to(handler));
        self
    }

    /// Serves PATCH with `handler`.
    pub fn patch<F, Args>(mut self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.allow.push("PATCH");
        self.resource = self.resource.route(web::patch().to(handler));
        self
    }

    /// Serves DELETE with `handler`.
    pub fn delete<F, Args>(mut self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.allow.push("DELETE");
        self.resource = self.resource.route(web::delete().to(handler));
        self
    }
}

impl HttpServiceFactory for Routes {
    fn register(self, config: &mut AppService) {
        let allow = self.allow.join(", ");
        self.resource
            .wrap(actix_web::middleware::from_fn(middleware::contain_panics))
            .default_service(web::to(move || {
                let allow = allow.clone();
                async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow }) }
            }))
            .register(config);
    }
}
