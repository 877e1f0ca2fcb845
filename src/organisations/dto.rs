//! What the organisation endpoints read and write, and how a request becomes domain input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::http::pagination::{PageRequest, TimeKey};
use crate::http::query::parse_q;
use crate::organisations::model::{
    Decision, Member, MembershipRole, MembershipStatus, MembershipUpdate, Organisation,
    OrganisationInput, OrganisationKind, OrganisationPatch, UnionRole,
};
use crate::organisations::repo::{MemberFilter, OrganisationFilter, OrganisationPosition};
use crate::types::text::{clean_line, is_slug, web_address};
use crate::types::{CountryCode, IsicSection, OrganisationId, UserId};

/// A trade-union organisation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganisationResponse {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    /// Full name, e.g. "Trade Union Congress of the Philippines".
    pub name: String,
    /// Short name, e.g. "TUCP".
    pub acronym: Option<String>,
    pub country: CountryCode,
    pub kind: OrganisationKind,
    /// The organisation this one belongs to, if any.
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<OrganisationId>,
    /// Sector the organisation organises, e.g. `education`, `platform_work`.
    pub sector: Option<String>,
    /// The sector's ISIC Rev.4 section (`A` to `U`), if known.
    pub sector_code: Option<IsicSection>,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Organisation> for OrganisationResponse {
    fn from(o: &Organisation) -> Self {
        Self {
            id: o.id,
            name: o.name.clone(),
            acronym: o.acronym.clone(),
            country: o.country,
            kind: o.kind,
            parent_id: o.parent_id,
            sector: o.sector.clone(),
            sector_code: o.sector_code,
            website: o.website.clone(),
            created_at: o.created_at.and_utc(),
            updated_at: o.updated_at.and_utc(),
        }
    }
}

crate::vocabulary! {
    /// Orders of the organisation list.
    #[derive(Default)]
    pub enum OrganisationSort {
        /// By name, A to Z (the default).
        #[default]
        Name => "name",
        /// By name, Z to A.
        NameDesc => "-name",
        /// Oldest first.
        Created => "created_at",
        /// Newest first.
        CreatedDesc => "-created_at",
    }
}

impl OrganisationSort {
    /// Where a page in this order starts, from the sort key and id a cursor holds; 400
    /// `invalid_cursor` when the key is not one this order gives out.
    fn position(self, after: Option<(String, i64)>) -> Result<OrganisationPosition, ApiError> {
        let desc = matches!(self, Self::NameDesc | Self::CreatedDesc);
        Ok(match self {
            Self::Name | Self::NameDesc => OrganisationPosition::ByName {
                desc,
                after: after.map(|(name, id)| (name, OrganisationId(id))),
            },
            Self::Created | Self::CreatedDesc => OrganisationPosition::ByCreated {
                desc,
                after: after
                    .map(|(at, id)| {
                        Ok::<_, ApiError>((TimeKey::parse_text(&at)?, OrganisationId(id)))
                    })
                    .transpose()?,
            },
        })
    }

    /// The sort key and id a cursor holds for `row`.
    pub fn key_of(self, row: &Organisation) -> (String, i64) {
        match self {
            Self::Name | Self::NameDesc => (row.name.clone(), row.id.get()),
            Self::Created | Self::CreatedDesc => (TimeKey::text(row.created_at), row.id.get()),
        }
    }
}

/// A valid request for one page of organisations.
#[derive(Debug, Clone)]
pub struct OrganisationListing {
    pub filter: OrganisationFilter,
    pub sort: OrganisationSort,
    pub page: PageRequest<String>,
    pub position: OrganisationPosition,
}

impl OrganisationListing {
    /// Checks the page size and the cursor, which must come from a list in `sort` order.
    pub fn new(
        filter: OrganisationFilter,
        sort: OrganisationSort,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Self, ApiError> {
        let page = PageRequest::<String>::parse(limit, cursor, sort.as_str())?;
        let position = sort.position(page.after.clone())?;
        Ok(Self {
            filter,
            sort,
            page,
            position,
        })
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
    #[param(value_type = Option<i64>)]
    pub parent_id: Option<OrganisationId>,
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

impl TryFrom<ListOrganisationsQuery> for OrganisationListing {
    type Error = ApiError;

    /// The listing, or 400 naming the bad parameter.
    fn try_from(query: ListOrganisationsQuery) -> Result<Self, ApiError> {
        let country = query
            .country
            .as_deref()
            .map(|c| {
                CountryCode::parse(c)
                    .map_err(|msg| ApiError::invalid_query("country", "invalid_country", msg))
            })
            .transpose()?;
        let filter = OrganisationFilter {
            country,
            kind: query.kind,
            parent_id: query.parent_id,
            q: parse_q(query.q.as_deref())?,
        };
        let sort = query.sort.unwrap_or_default();
        Self::new(filter, sort, query.limit, query.cursor.as_deref())
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

impl ListChildrenQuery {
    /// The children of `parent`, by name.
    pub fn listing(&self, parent: OrganisationId) -> Result<OrganisationListing, ApiError> {
        let filter = OrganisationFilter {
            parent_id: Some(parent),
            ..Default::default()
        };
        OrganisationListing::new(
            filter,
            OrganisationSort::Name,
            self.limit,
            self.cursor.as_deref(),
        )
    }
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
    /// The sector's ISIC Rev.4 section (`A` to `U`). Left out, it is guessed from `sector`
    /// (`transport` is `H`, `domestic_work` is `T`), or stays unknown.
    #[serde(default)]
    pub sector_code: Option<IsicSection>,
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
    /// The sector's ISIC Rev.4 section (`A` to `U`); `null` removes it. A new `sector`
    /// alone leaves it as it is.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<IsicSection>)]
    pub sector_code: Option<Option<IsicSection>>,
    /// An `http` or `https` address; `null` removes it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub website: Option<Option<String>>,
}

impl TryFrom<CreateOrganisationRequest> for OrganisationInput {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
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
        f.finish_with(|| {
            Some(Self {
                name: name?,
                acronym: acronym?,
                country: country?,
                kind: req.kind,
                parent_id: req.parent_id.map(OrganisationId),
                sector_code: req.sector_code.or_else(|| {
                    sector
                        .clone()?
                        .as_deref()
                        .and_then(IsicSection::from_sector_word)
                }),
                sector: sector?,
                website: website?,
            })
        })
    }
}

impl TryFrom<UpdateOrganisationRequest> for OrganisationPatch {
    type Error = ApiError;

    /// Every field given checked; 422 with all the errors at once.
    fn try_from(req: UpdateOrganisationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mut patch = Self {
            kind: req.kind,
            parent_id: req.parent_id.map(|p| p.map(OrganisationId)),
            sector_code: req.sector_code,
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

/// A name: one line, 1 to 200 characters.
fn parse_name(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_NAME_CHARS)
}

/// An acronym: one line, 1 to 30 characters.
fn parse_acronym(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_ACRONYM_CHARS).map_err(|e| format!("{e} (leave it out or send null)"))
}

/// A short snake_case word: lower-case ASCII letters and digits in words joined by `_`.
fn parse_sector(raw: &str) -> Result<String, String> {
    let valid = raw.len() <= MAX_SECTOR_CHARS
        && raw.starts_with(|c: char| c.is_ascii_lowercase())
        && is_slug(raw, '_');
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
    web_address(raw, MAX_WEBSITE_CHARS)
}

/// A membership of an organisation, as its leaders and the coordinators see it (never the
/// member's email).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberResponse {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub display_name: String,
    pub role: MembershipRole,
    /// What the member does in the union.
    pub union_role: UnionRole,
    pub status: MembershipStatus,
    /// Who last approved, rejected or changed the role, if anyone (and the account exists).
    #[schema(value_type = Option<i64>)]
    pub decided_by: Option<UserId>,
    /// When the membership was first asked for.
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Member> for MemberResponse {
    fn from(member: &Member) -> Self {
        let m = &member.membership;
        Self {
            organisation_id: m.organisation_id,
            user_id: m.user_id,
            display_name: member.display_name.clone(),
            role: m.role,
            union_role: m.union_role,
            status: m.status,
            decided_by: m.decided_by,
            created_at: m.created_at.and_utc(),
            updated_at: m.updated_at.and_utc(),
        }
    }
}

crate::vocabulary! {
    /// A decision on a membership.
    pub enum MembershipDecision {
        /// Approve it.
        Approved => "approved",
        /// Reject it.
        Rejected => "rejected",
    }
}

/// `PATCH /api/v1/organisations/{id}/memberships/{user_id}`: a decision (`status`, with
/// `role`), a union role, or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMembershipRequest {
    /// Left out, the status stays (then `role` must be left out too).
    pub status: Option<MembershipDecision>,
    /// `leader` only with `approved`; left out, the role stays (a rejection makes it `member`).
    pub role: Option<MembershipRole>,
    /// What the member does in the union; left out, it stays.
    pub union_role: Option<UnionRole>,
}

impl TryFrom<UpdateMembershipRequest> for MembershipUpdate {
    type Error = ApiError;

    /// 422 `leader_must_be_approved` for a rejection that names the leader role, and
    /// `status` `required` for a role without a decision.
    fn try_from(req: UpdateMembershipRequest) -> Result<Self, ApiError> {
        let decision = match (req.status, req.role) {
            (Some(MembershipDecision::Approved), role) => Some(Decision::Approve { role }),
            (Some(MembershipDecision::Rejected), Some(MembershipRole::Leader)) => {
                return Err(ApiError::invalid_field(
                    "role",
                    "leader_must_be_approved",
                    "only an approved member can be a leader",
                ));
            }
            (Some(MembershipDecision::Rejected), _) => Some(Decision::Reject),
            (None, Some(_)) => {
                return Err(ApiError::invalid_field(
                    "status",
                    "required",
                    "a role is given with a decision: send `status` too",
                ));
            }
            (None, None) => None,
        };
        Ok(Self {
            decision,
            union_role: req.union_role,
        })
    }
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

/// The sort a member-list cursor is made for.
pub const MEMBER_SORT: &str = "user_id";

impl ListMembershipsQuery {
    /// The filter and the page: 400 naming the bad parameter.
    pub fn parse(&self) -> Result<(MemberFilter, PageRequest<i64>), ApiError> {
        let page = PageRequest::parse(self.limit, self.cursor.as_deref(), MEMBER_SORT)?;
        let filter = MemberFilter {
            status: self.status,
            role: self.role,
        };
        Ok((filter, page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let mut limits = Vec::new();
        for schema in ["CreateOrganisationRequest", "UpdateOrganisationRequest"] {
            limits.extend([
                (schema, "name", "maxLength", MAX_NAME_CHARS),
                (schema, "acronym", "maxLength", MAX_ACRONYM_CHARS),
                (schema, "sector", "maxLength", MAX_SECTOR_CHARS),
                (schema, "website", "maxLength", MAX_WEBSITE_CHARS),
            ]);
        }
        crate::openapi::assert_documented_limits(&limits);
        assert!(parse_website(&format!(" https://a.example/{}", "x".repeat(482))).is_err());
    }

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
}
