//! What the organisation endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError};
use crate::organisations::model::{Organisation, OrganisationKind};
use crate::organisations::repo::{OrganisationFilter, OrganisationOrder};
use crate::types::CountryCode;

/// Longest accepted `q`.
const MAX_Q_CHARS: usize = 200;

/// A trade-union organisation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganisationResponse {
    pub id: i64,
    /// Full name, e.g. "Trade Union Congress of the Philippines".
    pub name: String,
    /// Short name, e.g. "TUCP".
    pub acronym: Option<String>,
    #[schema(value_type = CountryCode)]
    pub country: String,
    pub kind: OrganisationKind,
    /// The organisation this one belongs to, if any.
    pub parent_id: Option<i64>,
    /// Sector the organisation organises, e.g. `education`, `platform_work`.
    pub sector: Option<String>,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Organisation> for OrganisationResponse {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            name: o.name,
            acronym: o.acronym,
            country: o.country,
            kind: OrganisationKind::parse(&o.kind).unwrap_or(OrganisationKind::Union),
            parent_id: o.parent_id,
            sector: o.sector,
            website: o.website,
            created_at: o.created_at.and_utc(),
            updated_at: o.updated_at.and_utc(),
        }
    }
}

/// Orders of the organisation list.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
pub enum OrganisationSort {
    /// By name, A to Z (the default).
    #[default]
    #[serde(rename = "name")]
    Name,
    /// By name, Z to A.
    #[serde(rename = "-name")]
    NameDesc,
    /// Oldest first.
    #[serde(rename = "created_at")]
    Created,
    /// Newest first.
    #[serde(rename = "-created_at")]
    CreatedDesc,
}

impl OrganisationSort {
    /// The spelling a cursor remembers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::NameDesc => "-name",
            Self::Created => "created_at",
            Self::CreatedDesc => "-created_at",
        }
    }

    /// The repository's order.
    pub fn order(self) -> OrganisationOrder {
        match self {
            Self::Name => OrganisationOrder::NameAsc,
            Self::NameDesc => OrganisationOrder::NameDesc,
            Self::Created => OrganisationOrder::CreatedAsc,
            Self::CreatedDesc => OrganisationOrder::CreatedDesc,
        }
    }
}

/// Query of `GET /api/v1/organisations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListOrganisationsQuery {
    /// Only organisations of this country.
    #[param(value_type = Option<CountryCode>)]
    pub country: Option<String>,
    /// Only organisations of this kind.
    pub kind: Option<OrganisationKind>,
    /// Only the direct children of this organisation.
    pub parent_id: Option<i64>,
    /// Text the name or acronym contains, in any case.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Order: `name` (default), `-name`, `created_at`, `-created_at`.
    pub sort: Option<OrganisationSort>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListOrganisationsQuery {
    /// The repository filter, or 400 naming the bad parameter.
    pub fn filter(&self) -> Result<OrganisationFilter, ApiError> {
        let country = self
            .country
            .as_deref()
            .map(|c| {
                CountryCode::parse(c)
                    .map_err(|msg| ApiError::invalid_query("country", "invalid_country", msg))
            })
            .transpose()?;
        let q = match self.q.as_deref() {
            Some(q) if q.chars().count() > MAX_Q_CHARS => {
                return Err(ApiError::BadRequest {
                    code: "invalid_query",
                    detail: format!("query parameter `q` is longer than {MAX_Q_CHARS} characters"),
                    errors: vec![FieldError::new(
                        "q",
                        "too_long",
                        format!("at most {MAX_Q_CHARS} characters"),
                    )],
                });
            }
            // Control characters never occur in names (PostgreSQL cannot even hold NUL): drop them.
            Some(q) => Some(
                q.chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
                    .trim()
                    .to_lowercase(),
            )
            .filter(|q| !q.is_empty()),
            None => None,
        };
        Ok(OrganisationFilter {
            country,
            kind: self.kind,
            parent_id: self.parent_id,
            q,
        })
    }
}

/// Query of `GET /api/v1/organisations/{id}/children`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListChildrenQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
