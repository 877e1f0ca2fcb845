//! What the needs endpoints read and write, and how a request becomes domain input.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::{now, truncate_to_stored};
use crate::error::{ApiError, Fields};
use crate::http::pagination::PageRequest;
use crate::needs::model::{
    DeliveryMode, LinkTarget, LinkView, NeedInput, NeedPriority, NeedState, NeedTopic, NeedView,
    RoundInput, RoundPatch, RoundView, TargetGroup, TotalsRow,
};
use crate::needs::repo::NeedFilter;
use crate::needs::service::NEWEST_FIRST;
use crate::types::text::{clean_block, clean_line};
use crate::types::{
    CohortId, CountryCode, CourseId, IsicSection, LanguageTag, NeedId, NeedLinkId, NeedsRoundId,
    OrganisationId, UserId, split_tags,
};

/// Longest round title.
const MAX_TITLE_CHARS: usize = 200;
/// Longest round description.
const MAX_DESCRIPTION_CHARS: usize = 5000;
/// Most organisations a round invites by name.
const MAX_ORGANISATIONS: usize = 500;
/// Most countries a round invites.
const MAX_COUNTRIES: usize = 250;
/// Longest free text of a need's topic.
const MAX_TOPIC_TEXT_CHARS: usize = 300;
/// Most preferred languages of a need.
const MAX_LANGUAGES: usize = 10;
/// Most participants a need may estimate.
const MAX_PARTICIPANTS: i64 = 100_000;

/// A needs round.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RoundResponse {
    #[schema(value_type = i64)]
    pub id: NeedsRoundId,
    pub title: String,
    pub description: String,
    /// Needs and endorsements are taken until then.
    pub deadline: DateTime<Utc>,
    /// Whether the deadline is still ahead.
    pub open: bool,
    /// Organisations invited by name.
    #[schema(value_type = Vec<i64>)]
    pub organisation_ids: Vec<OrganisationId>,
    /// Countries whose organisations are all invited.
    pub countries: Vec<CountryCode>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&RoundView> for RoundResponse {
    fn from(v: &RoundView) -> Self {
        Self {
            id: v.round.id,
            title: v.round.title.clone(),
            description: v.round.description.clone(),
            deadline: v.round.deadline.and_utc(),
            open: v.round.is_open(now()),
            organisation_ids: v.organisation_ids.clone(),
            countries: v.countries.clone(),
            created_at: v.round.created_at.and_utc(),
            updated_at: v.round.updated_at.and_utc(),
        }
    }
}

/// `POST /api/v1/needs-rounds`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoundRequest {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What the round asks for; Markdown, at most 5,000 characters.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// RFC 3339, in the future.
    pub deadline: DateTime<Utc>,
    /// Organisations invited by name, at most 500.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(max_items = 500)]
    pub organisation_ids: Vec<i64>,
    /// Countries whose organisations are all invited, at most 250. At least one
    /// organisation or country.
    #[serde(default)]
    #[schema(value_type = Vec<CountryCode>, max_items = 250)]
    pub countries: Vec<String>,
}

/// `PATCH /api/v1/needs-rounds/{id}`: only the fields given change; invitations given
/// replace the old ones. A deadline in the past closes the round.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoundRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(min_length = 1, max_length = 200, nullable = false)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(max_length = 5000, nullable = false)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub deadline: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::http::json::present_int_list")]
    #[schema(max_items = 500, nullable = false)]
    pub organisation_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<Vec<CountryCode>>, max_items = 250, nullable = false)]
    pub countries: Option<Vec<String>>,
}

fn parse_title(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_TITLE_CHARS)
}

fn parse_description(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    clean_block(raw, MAX_DESCRIPTION_CHARS)
}

fn parse_organisations(f: &mut Fields, raw: &[i64]) -> Option<Vec<OrganisationId>> {
    if !f.at_most(
        "organisation_ids",
        "too_many_items",
        raw.len(),
        MAX_ORGANISATIONS,
    ) {
        return None;
    }
    let unique: BTreeSet<i64> = raw.iter().copied().collect();
    Some(unique.into_iter().map(OrganisationId).collect())
}

fn parse_countries(f: &mut Fields, raw: &[String]) -> Option<Vec<CountryCode>> {
    if !f.at_most("countries", "too_many_items", raw.len(), MAX_COUNTRIES) {
        return None;
    }
    let mut out = BTreeSet::new();
    let mut ok = true;
    for c in raw {
        match CountryCode::parse(c) {
            Ok(code) => {
                out.insert(code.to_string());
            }
            Err(message) => {
                f.push("countries", "invalid_country", message);
                ok = false;
            }
        }
    }
    ok.then(|| {
        out.iter()
            .filter_map(|c| CountryCode::parse(c).ok())
            .collect()
    })
}

impl TryFrom<CreateRoundRequest> for RoundInput {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
    fn try_from(req: CreateRoundRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check("title", "invalid_title", parse_title(&req.title));
        let description = f.check(
            "description",
            "invalid_description",
            parse_description(&req.description),
        );
        let deadline = truncate_to_stored(req.deadline.naive_utc());
        if deadline <= now() {
            f.push("deadline", "deadline_in_past", "must be in the future");
        }
        let organisation_ids = parse_organisations(&mut f, &req.organisation_ids);
        let countries = parse_countries(&mut f, &req.countries);
        if req.organisation_ids.is_empty() && req.countries.is_empty() {
            f.push(
                "organisation_ids",
                "no_invitations",
                "a round invites at least one organisation or country",
            );
        }
        f.finish_with(|| {
            Some(Self {
                title: title?,
                description: description?,
                deadline,
                organisation_ids: organisation_ids?,
                countries: countries?,
            })
        })
    }
}

impl TryFrom<UpdateRoundRequest> for RoundPatch {
    type Error = ApiError;

    /// Every field given checked; 422 with all the errors at once.
    fn try_from(req: UpdateRoundRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check_opt("title", "invalid_title", req.title.as_deref(), parse_title);
        let description = f.check_opt(
            "description",
            "invalid_description",
            req.description.as_deref(),
            parse_description,
        );
        let organisation_ids = match &req.organisation_ids {
            Some(raw) => parse_organisations(&mut f, raw).map(Some),
            None => Some(None),
        };
        let countries = match &req.countries {
            Some(raw) => parse_countries(&mut f, raw).map(Some),
            None => Some(None),
        };
        f.finish_with(|| {
            Some(Self {
                title: title?,
                description: description?,
                deadline: req.deadline.map(|d| truncate_to_stored(d.naive_utc())),
                organisation_ids: organisation_ids?,
                countries: countries?,
            })
        })
    }
}

/// A link from a need to a course or cohort.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NeedLinkResponse {
    #[schema(value_type = i64)]
    pub id: NeedLinkId,
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    /// The course's or cohort's state (`published`, `running`, `completed`, …).
    pub status: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&LinkView> for NeedLinkResponse {
    fn from(v: &LinkView) -> Self {
        Self {
            id: v.link.id,
            course_id: v.link.course_id,
            cohort_id: v.link.cohort_id,
            status: v.status.map(str::to_owned),
            created_at: v.link.created_at.and_utc(),
        }
    }
}

/// A union's training need, with what became of it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NeedResponse {
    #[schema(value_type = i64)]
    pub id: NeedId,
    #[schema(value_type = i64)]
    pub round_id: NeedsRoundId,
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    /// The organisation's country when the need was submitted.
    pub country: CountryCode,
    /// The leader who submitted it; `null` once they erased their account.
    #[schema(value_type = Option<i64>)]
    pub author_id: Option<UserId>,
    pub topic: NeedTopic,
    pub topic_text: Option<String>,
    pub priority: NeedPriority,
    pub target_group: TargetGroup,
    pub sector: Option<IsicSection>,
    /// BCP 47 tags, in the order given.
    pub preferred_languages: Vec<String>,
    pub delivery_mode: DeliveryMode,
    pub estimated_participants: i32,
    pub state: NeedState,
    /// How many members endorsed it (erased members' endorsements included).
    pub endorsements: i32,
    /// Whether the caller endorsed it.
    pub endorsed_by_me: bool,
    /// The courses and cohorts planned to answer it, oldest first.
    pub links: Vec<NeedLinkResponse>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&NeedView> for NeedResponse {
    fn from(v: &NeedView) -> Self {
        let n = &v.need;
        Self {
            id: n.id,
            round_id: n.round_id,
            organisation_id: n.organisation_id,
            country: n.country,
            author_id: n.author_id,
            topic: n.topic,
            topic_text: n.topic_text.clone(),
            priority: n.priority,
            target_group: n.target_group,
            sector: n.sector,
            preferred_languages: split_tags(&n.languages),
            delivery_mode: n.delivery_mode,
            estimated_participants: n.participants,
            state: n.state,
            endorsements: n.endorsement_count,
            endorsed_by_me: v.endorsed_by_me,
            links: v.links.iter().map(NeedLinkResponse::from).collect(),
            created_at: n.created_at.and_utc(),
            updated_at: n.updated_at.and_utc(),
        }
    }
}

/// `POST /api/v1/needs-rounds/{id}/needs`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNeedRequest {
    /// The organisation the need is for; the caller must be one of its leaders.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(value_type = i64)]
    pub organisation_id: i64,
    pub topic: NeedTopic,
    /// What the need is about in the union's words, at most 300 characters; required for
    /// topic `other`.
    #[schema(max_length = 300)]
    pub topic_text: Option<String>,
    pub priority: NeedPriority,
    pub target_group: TargetGroup,
    /// The ISIC Rev.4 section of the workers concerned.
    pub sector: Option<IsicSection>,
    /// BCP 47 tags, at most 10, most preferred first.
    #[serde(default)]
    #[schema(max_items = 10, min_length = 2, max_length = 35)]
    pub preferred_languages: Vec<String>,
    pub delivery_mode: DeliveryMode,
    /// 1 to 100,000.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 1, maximum = 100_000)]
    pub estimated_participants: i64,
}

impl TryFrom<CreateNeedRequest> for NeedInput {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
    fn try_from(req: CreateNeedRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let topic_text = f.check_opt(
            "topic_text",
            "invalid_topic_text",
            req.topic_text.as_deref(),
            |raw: &str| clean_line(raw, 1, MAX_TOPIC_TEXT_CHARS),
        );
        if req.topic == NeedTopic::Other && req.topic_text.is_none() {
            f.push(
                "topic_text",
                "required",
                "say what the need is about when the topic is `other`",
            );
        }
        let mut languages = Vec::new();
        if f.at_most(
            "preferred_languages",
            "too_many_items",
            req.preferred_languages.len(),
            MAX_LANGUAGES,
        ) {
            for raw in &req.preferred_languages {
                match LanguageTag::parse(raw) {
                    Ok(tag) if !languages.contains(&tag.to_string()) => {
                        languages.push(tag.to_string());
                    }
                    Ok(_) => {}
                    Err(message) => f.push("preferred_languages", "invalid_language", message),
                }
            }
        }
        let participants = if (1..=MAX_PARTICIPANTS).contains(&req.estimated_participants) {
            i32::try_from(req.estimated_participants).ok()
        } else {
            f.push(
                "estimated_participants",
                "out_of_range",
                format!("must be between 1 and {MAX_PARTICIPANTS}"),
            );
            None
        };
        f.finish_with(|| {
            Some(Self {
                organisation_id: OrganisationId(req.organisation_id),
                topic: req.topic,
                topic_text: topic_text?,
                priority: req.priority,
                target_group: req.target_group,
                sector: req.sector,
                languages,
                delivery_mode: req.delivery_mode,
                participants: participants?,
            })
        })
    }
}

/// `POST /api/v1/needs/{id}/links`: exactly one of `course_id` and `cohort_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNeedLinkRequest {
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<i64>,
}

impl TryFrom<CreateNeedLinkRequest> for LinkTarget {
    type Error = ApiError;

    /// 422 `one_target` unless exactly one is given.
    fn try_from(req: CreateNeedLinkRequest) -> Result<Self, ApiError> {
        match (req.course_id, req.cohort_id) {
            (Some(c), None) => Ok(Self::Course(CourseId(c))),
            (None, Some(c)) => Ok(Self::Cohort(CohortId(c))),
            _ => Err(ApiError::invalid_field(
                "course_id",
                "one_target",
                "give exactly one of `course_id` and `cohort_id`",
            )),
        }
    }
}

/// `PATCH /api/v1/needs/{id}`: a coordinator marks a planned need `addressed`, or an
/// addressed one `planned` again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNeedRequest {
    pub state: NeedState,
}

/// Query of the lists of needs.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListNeedsQuery {
    /// Only the needs of this organisation.
    #[param(value_type = Option<i64>)]
    pub organisation_id: Option<i64>,
    /// Only needs of this topic.
    pub topic: Option<NeedTopic>,
    /// Only needs of organisations of this country.
    #[param(value_type = Option<CountryCode>, pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    /// Only needs for this target group.
    pub target_group: Option<TargetGroup>,
    /// Only needs in this state.
    pub state: Option<NeedState>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListNeedsQuery {
    /// The filter and the page: 400 naming the bad parameter.
    pub fn parse(&self) -> Result<(NeedFilter, PageRequest<i64>), ApiError> {
        let page = PageRequest::parse(self.limit, self.cursor.as_deref(), NEWEST_FIRST)?;
        let country = self
            .country
            .as_deref()
            .map(|c| {
                CountryCode::parse(c)
                    .map_err(|msg| ApiError::invalid_query("country", "invalid_country", msg))
            })
            .transpose()?;
        Ok((
            NeedFilter {
                organisation_id: self.organisation_id.map(OrganisationId),
                topic: self.topic,
                country,
                target_group: self.target_group,
                state: self.state,
                ..NeedFilter::default()
            },
            page,
        ))
    }
}

/// One cell of a round's totals: the needs of one topic, country and target group.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TotalsCell {
    pub topic: NeedTopic,
    pub country: CountryCode,
    pub target_group: TargetGroup,
    /// Needs in the cell.
    pub needs: i64,
    /// Organisations that submitted them.
    pub organisations: i64,
    /// Of them, how many of priority `high`.
    pub high_priority: i64,
    /// Estimated participants, summed.
    pub participants: i64,
    /// Endorsements, summed.
    pub endorsements: i64,
}

impl From<&TotalsRow> for TotalsCell {
    fn from(r: &TotalsRow) -> Self {
        Self {
            topic: r.topic,
            country: r.country,
            target_group: r.target_group,
            needs: r.needs,
            organisations: r.organisations,
            high_priority: r.high_priority,
            participants: r.participants,
            endorsements: r.endorsements,
        }
    }
}

/// A round's totals by topic × country × target group (only the cells with needs), ordered
/// by topic, country and target group.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TotalsResponse {
    #[schema(value_type = i64)]
    pub round_id: NeedsRoundId,
    /// Needs in the round.
    pub needs: i64,
    /// Estimated participants of every need, summed.
    pub participants: i64,
    pub cells: Vec<TotalsCell>,
}

impl TotalsResponse {
    /// The answer of `round`'s rows.
    pub fn new(round_id: NeedsRoundId, rows: &[TotalsRow]) -> Self {
        Self {
            round_id,
            needs: rows.iter().map(|r| r.needs).sum(),
            participants: rows.iter().map(|r| r.participants).sum(),
            cells: rows.iter().map(TotalsCell::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let mut limits = vec![
            (
                "CreateNeedRequest",
                "topic_text",
                "maxLength",
                MAX_TOPIC_TEXT_CHARS,
            ),
            (
                "CreateNeedRequest",
                "preferred_languages",
                "maxItems",
                MAX_LANGUAGES,
            ),
            (
                "CreateNeedRequest",
                "estimated_participants",
                "maximum",
                MAX_PARTICIPANTS as usize,
            ),
        ];
        for schema in ["CreateRoundRequest", "UpdateRoundRequest"] {
            limits.extend([
                (schema, "title", "maxLength", MAX_TITLE_CHARS),
                (schema, "description", "maxLength", MAX_DESCRIPTION_CHARS),
                (schema, "organisation_ids", "maxItems", MAX_ORGANISATIONS),
                (schema, "countries", "maxItems", MAX_COUNTRIES),
            ]);
        }
        crate::openapi::assert_documented_limits(&limits);
    }
}
