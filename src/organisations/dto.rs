//! What the organisation endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::model::Membership;
use crate::error::{ApiError, FieldError};
use crate::organisations::model::{
    MembershipRole, MembershipStatus, Organisation, OrganisationKind,
};
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

/// Longest organisation name.
const MAX_NAME_CHARS: usize = 200;
/// Longest acronym.
const MAX_ACRONYM_CHARS: usize = 30;
/// Longest sector word.
const MAX_SECTOR_CHARS: usize = 40;
/// Longest website address.
const MAX_WEBSITE_CHARS: usize = 500;

/// `POST /api/v1/organisations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisationRequest {
    /// Full name, 1 to 200 characters, unique within its country.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Short name, at most 30 characters.
    #[schema(min_length = 1, max_length = 30)]
    pub acronym: Option<String>,
    #[schema(value_type = CountryCode)]
    pub country: String,
    pub kind: OrganisationKind,
    /// The organisation this one belongs to; its kind must be higher in the hierarchy
    /// (international > regional > national_centre > federation > union).
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub parent_id: Option<i64>,
    /// A short snake_case word, e.g. `education`, `platform_work`.
    #[schema(max_length = 40, pattern = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    pub sector: Option<String>,
    /// An `http` or `https` address.
    #[schema(max_length = 500)]
    pub website: Option<String>,
}

/// `PATCH /api/v1/organisations/{id}`: only the fields given change; `null` clears the
/// optional ones. The rules of creation hold for the result.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisationRequest {
    /// Full name, 1 to 200 characters, unique within its country.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(min_length = 1, max_length = 200, nullable = false)]
    pub name: Option<String>,
    /// Short name, at most 30 characters; `null` removes it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 30)]
    pub acronym: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = CountryCode, required = false)]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub kind: Option<OrganisationKind>,
    /// The new parent; `null` makes the organisation top-level.
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    /// A short snake_case word; `null` removes it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 40, pattern = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    pub sector: Option<Option<String>>,
    /// An `http` or `https` address; `null` removes it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub website: Option<Option<String>>,
}

/// An organisation's fields, each one valid on its own (the database checks come later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationInput {
    pub name: String,
    pub acronym: Option<String>,
    pub country: CountryCode,
    pub kind: OrganisationKind,
    pub parent_id: Option<i64>,
    pub sector: Option<String>,
    pub website: Option<String>,
}

/// A valid partial change: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationPatch {
    pub name: Option<String>,
    pub acronym: Option<Option<String>>,
    pub country: Option<CountryCode>,
    pub kind: Option<OrganisationKind>,
    pub parent_id: Option<Option<i64>>,
    pub sector: Option<Option<String>>,
    pub website: Option<Option<String>>,
}

impl OrganisationPatch {
    /// The organisation `current` would become.
    pub fn apply(&self, current: &OrganisationInput) -> OrganisationInput {
        OrganisationInput {
            name: self.name.clone().unwrap_or_else(|| current.name.clone()),
            acronym: self
                .acronym
                .clone()
                .unwrap_or_else(|| current.acronym.clone()),
            country: self.country.unwrap_or(current.country),
            kind: self.kind.unwrap_or(current.kind),
            parent_id: self.parent_id.unwrap_or(current.parent_id),
            sector: self
                .sector
                .clone()
                .unwrap_or_else(|| current.sector.clone()),
            website: self
                .website
                .clone()
                .unwrap_or_else(|| current.website.clone()),
        }
    }
}

/// Collects field errors, to answer them all at once.
#[derive(Default)]
struct Fields(Vec<FieldError>);

impl Fields {
    fn check<T>(&mut self, field: &str, code: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.0.push(FieldError::new(field, code, message));
                None
            }
        }
    }

    /// Checks an optional value; `None` stays `None`.
    fn check_opt<T>(
        &mut self,
        field: &str,
        code: &str,
        raw: Option<&str>,
        parse: fn(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match raw {
            Some(raw) => self.check(field, code, parse(raw)).map(Some),
            None => Some(None),
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

impl TryFrom<CreateOrganisationRequest> for OrganisationInput {
    type Error = ApiError;

    fn try_from(req: CreateOrganisationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let name = f.check("name", "invalid_name", parse_name(&req.name));
        let acronym = f.check_opt(
            "acronym",
            "invalid_acronym",
            req.acronym.as_deref(),
            parse_acronym,
        );
        let country = f.check(
            "country",
            "invalid_country",
            CountryCode::parse(&req.country),
        );
        let sector = f.check_opt(
            "sector",
            "invalid_sector",
            req.sector.as_deref(),
            parse_sector,
        );
        let website = f.check_opt(
            "website",
            "invalid_website",
            req.website.as_deref(),
            parse_website,
        );
        f.finish()?;
        match (name, acronym, country, sector, website) {
            (Some(name), Some(acronym), Some(country), Some(sector), Some(website)) => Ok(Self {
                name,
                acronym,
                country,
                kind: req.kind,
                parent_id: req.parent_id,
                sector,
                website,
            }),
            _ => unreachable!("invalid fields were answered above"),
        }
    }
}

impl TryFrom<UpdateOrganisationRequest> for OrganisationPatch {
    type Error = ApiError;

    fn try_from(req: UpdateOrganisationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mut patch = Self {
            kind: req.kind,
            parent_id: req.parent_id,
            ..Self::default()
        };
        if let Some(name) = req.name {
            patch.name = f.check("name", "invalid_name", parse_name(&name));
        }
        if let Some(acronym) = req.acronym {
            patch.acronym = f.check_opt(
                "acronym",
                "invalid_acronym",
                acronym.as_deref(),
                parse_acronym,
            );
        }
        if let Some(country) = req.country {
            patch.country = f.check("country", "invalid_country", CountryCode::parse(&country));
        }
        if let Some(sector) = req.sector {
            patch.sector = f.check_opt("sector", "invalid_sector", sector.as_deref(), parse_sector);
        }
        if let Some(website) = req.website {
            patch.website = f.check_opt(
                "website",
                "invalid_website",
                website.as_deref(),
                parse_website,
            );
        }
        f.finish()?;
        Ok(patch)
    }
}

/// Trims and collapses white space; refuses control characters.
fn clean_text(raw: &str, max: usize) -> Result<String, String> {
    if raw.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.chars().count() {
        0 => Err("must not be empty".to_owned()),
        n if n > max => Err(format!("must be at most {max} characters")),
        _ => Ok(text),
    }
}

fn parse_name(raw: &str) -> Result<String, String> {
    clean_text(raw, MAX_NAME_CHARS)
}

fn parse_acronym(raw: &str) -> Result<String, String> {
    clean_text(raw, MAX_ACRONYM_CHARS).map_err(|e| format!("{e} (leave it out or send null)"))
}

/// A short snake_case word: lower-case ASCII letters and digits in words joined by `_`.
fn parse_sector(raw: &str) -> Result<String, String> {
    let valid = raw.len() <= MAX_SECTOR_CHARS
        && raw.starts_with(|c: char| c.is_ascii_lowercase())
        && raw.split('_').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if valid {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "must be a snake_case word of at most {MAX_SECTOR_CHARS} characters, e.g. `platform_work`"
        ))
    }
}

/// An absolute `http(s)` address with a host and no credentials in it.
fn parse_website(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.chars().count() > MAX_WEBSITE_CHARS {
        return Err(format!("must be at most {MAX_WEBSITE_CHARS} characters"));
    }
    let url = url::Url::parse(raw)
        .map_err(|_| "must be an absolute address such as `https://example.org`".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https address".to_owned());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".to_owned());
    }
    Ok(raw.to_owned())
}

/// A membership of an organisation, as its leaders and the coordinators see it (never the
/// member's email).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberResponse {
    pub organisation_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub role: MembershipRole,
    pub status: MembershipStatus,
    /// Who last approved, rejected or changed the role, if anyone (and the account exists).
    pub decided_by: Option<i64>,
    /// When the membership was first asked for.
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<(Membership, String)> for MemberResponse {
    fn from((m, display_name): (Membership, String)) -> Self {
        Self {
            organisation_id: m.organisation_id,
            user_id: m.user_id,
            display_name,
            role: MembershipRole::parse(&m.role).unwrap_or(MembershipRole::Member),
            status: MembershipStatus::parse(&m.status).unwrap_or(MembershipStatus::Pending),
            decided_by: m.decided_by,
            created_at: m.created_at.and_utc(),
            updated_at: m.updated_at.and_utc(),
        }
    }
}

/// A decision on a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipDecision {
    Approved,
    Rejected,
}

impl MembershipDecision {
    /// The status it sets.
    pub fn status(self) -> MembershipStatus {
        match self {
            Self::Approved => MembershipStatus::Approved,
            Self::Rejected => MembershipStatus::Rejected,
        }
    }
}

/// `PATCH /api/v1/organisations/{id}/memberships/{user_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMembershipRequest {
    pub status: MembershipDecision,
    /// `leader` only with `approved`; left out, the role stays (a rejection makes it `member`).
    pub role: Option<MembershipRole>,
}

/// Query of `GET /api/v1/organisations/{id}/memberships`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMembershipsQuery {
    /// Only memberships with this status.
    pub status: Option<MembershipStatus>,
    /// Only memberships with this role.
    pub role: Option<MembershipRole>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_name("  Kilusang   Mayo Uno ").unwrap(),
            "Kilusang Mayo Uno"
        );
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(201)).is_err());
        assert!(parse_name(&"é".repeat(200)).is_ok());
        assert!(parse_name("a\u{0}b").is_err());
    }

    #[test]
    fn sectors_are_snake_case_words() {
        for ok in ["education", "platform_work", "bpo2", "a"] {
            assert!(parse_sector(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Education",
            "platform-work",
            "_x",
            "x_",
            "a__b",
            "2x",
            "a b",
        ] {
            assert!(parse_sector(bad).is_err(), "{bad}");
        }
        assert!(parse_sector(&"a".repeat(41)).is_err());
    }

    #[test]
    fn websites_are_http_addresses() {
        assert_eq!(
            parse_website(" https://kmu.org.ph ").unwrap(),
            "https://kmu.org.ph"
        );
        assert!(parse_website("http://example.org/path?x=1").is_ok());
        for bad in [
            "kmu.org.ph",
            "ftp://example.org",
            "javascript:alert(1)",
            "https://user:pw@example.org",
            "mailto:a@example.org",
        ] {
            assert!(parse_website(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let current = OrganisationInput {
            name: "A".into(),
            acronym: Some("X".into()),
            country: CountryCode::parse("PH").unwrap(),
            kind: OrganisationKind::Union,
            parent_id: Some(1),
            sector: None,
            website: None,
        };
        let patch = OrganisationPatch {
            acronym: Some(None),
            parent_id: Some(Some(2)),
            ..Default::default()
        };
        let next = patch.apply(&current);
        assert_eq!(next.acronym, None);
        assert_eq!(next.parent_id, Some(2));
        assert_eq!(next.name, "A");
        assert_eq!(OrganisationPatch::default().apply(&current), current);
    }
}
