//! Shared HTTP plumbing: the response helper, preconditions, language negotiation,
//! pagination, query parsing, request ids, observation middleware, metrics.

pub mod client;
pub mod doc;
pub mod etag;
pub mod json;
pub mod language;
pub mod links;
pub mod metrics;
pub mod middleware;
pub mod outbound;
pub mod pagination;
pub mod query;
pub mod request_id;
pub mod response;

use std::cell::RefCell;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, guard, web};

use crate::error::ApiError;

/// A resource whose unsupported methods answer 405 problem+json with `Allow`.
pub struct Routes {
    path: String,
    resource: Resource,
    allow: Vec<&'static str>,
}

/// Starts the routes of one path.
pub fn resource(path: &str) -> Routes {
    Routes {
        path: path.to_owned(),
        resource: web::resource(path),
        allow: Vec::new(),
    }
}

/// A path served through [`resource`], as actix registered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredRoutes {
    /// The path pattern as given to [`resource`]; inside a scope, relative to it.
    pub path: String,
    /// Whether the path was registered at the root of the app rather than inside a scope.
    pub at_root: bool,
    /// The methods served, HEAD included wherever GET is.
    pub methods: Vec<&'static str>,
}

thread_local! {
    /// While [`record_routes`] runs on this thread, every [`Routes`] registered.
    static RECORDED: RefCell<Option<Vec<RegisteredRoutes>>> = const { RefCell::new(None) };
}

/// Runs `build`, which must register an app on this thread (for example
/// `actix_web::test::init_service`), and returns what it gives with every path it
/// registered through [`resource`]: a test compares them with the OpenAPI document.
pub async fn record_routes<T>(build: impl Future<Output = T>) -> (T, Vec<RegisteredRoutes>) {
    RECORDED.with_borrow_mut(|r| *r = Some(Vec::new()));
    let built = build.await;
    let routes = RECORDED.with_borrow_mut(Option::take).unwrap_or_default();
    (built, routes)
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
        RECORDED.with_borrow_mut(|recorded| {
            if let Some(recorded) = recorded {
                recorded.push(RegisteredRoutes {
                    path: self.path.clone(),
                    at_root: config.is_root(),
                    methods: self.allow.clone(),
                });
            }
        });
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
