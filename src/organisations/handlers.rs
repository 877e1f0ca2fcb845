//! HTTP handlers of the trade-union directory.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::Db;
use crate::error::ApiError;
use crate::http::etag;
use crate::http::pagination::{Page, PageRequest};
use crate::organisations::dto::{
    ListChildrenQuery, ListOrganisationsQuery, OrganisationResponse, OrganisationSort,
};
use crate::organisations::repo::{self, OrganisationFilter, PageKey};

/// Lists organisations, filtered and paged.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "organisations",
    operation_id = "list_organisations",
    params(ListOrganisationsQuery),
    responses(
        (status = 200, description = "One page of organisations", body = Page<OrganisationResponse>),
    )
)]
pub async fn list_organisations(
    db: web::Data<Db>,
    query: web::Query<ListOrganisationsQuery>,
) -> Result<web::Json<Page<OrganisationResponse>>, ApiError> {
    let query = query.into_inner();
    let filter = query.filter()?;
    let sort = query.sort.unwrap_or_default();
    let page = PageRequest::<String>::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
    Ok(web::Json(list_page(&db, filter, sort, page).await?))
}

/// One organisation.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}",
    tag = "organisations",
    operation_id = "get_organisation",
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 404, description = "No such organisation", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_organisation(
    req: HttpRequest,
    db: web::Data<Db>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let org = db.read(move |conn| Ok(repo::find(conn, id)?)).await?;
    etag::json_with_etag(&req, &OrganisationResponse::from(org))
}

/// The direct children of an organisation, by name.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/children",
    tag = "organisations",
    operation_id = "list_organisation_children",
    params(("id" = i64, Path, description = "Organisation id"), ListChildrenQuery),
    responses(
        (status = 200, description = "One page of child organisations", body = Page<OrganisationResponse>),
        (status = 404, description = "No such organisation", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_organisation_children(
    db: web::Data<Db>,
    id: web::Path<i64>,
    query: web::Query<ListChildrenQuery>,
) -> Result<web::Json<Page<OrganisationResponse>>, ApiError> {
    let id = id.into_inner();
    let sort = OrganisationSort::Name;
    let page = PageRequest::<String>::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
    if !db.read(move |conn| Ok(repo::exists(conn, id)?)).await? {
        return Err(ApiError::NotFound);
    }
    let filter = OrganisationFilter {
        parent_id: Some(id),
        ..Default::default()
    };
    Ok(web::Json(list_page(&db, filter, sort, page).await?))
}

async fn list_page(
    db: &Db,
    filter: OrganisationFilter,
    sort: OrganisationSort,
    page: PageRequest<String>,
) -> Result<Page<OrganisationResponse>, ApiError> {
    let order = sort.order();
    let after: Option<PageKey> = page.after.clone();
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| repo::list(conn, &filter, order, after.as_ref(), limit))
        .await?;
    Ok(page.finish(
        rows,
        sort.as_str(),
        |row| repo::page_key(row, order),
        OrganisationResponse::from,
    ))
}
