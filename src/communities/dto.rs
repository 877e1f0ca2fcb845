//! What the community endpoints read and write, and the checks of each field.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::communities::model::{
    CommunityRole, CommunitySort, EmailPreference, Member, MemberStatus, Visibility,
};
use crate::communities::repo::{After, ListFilter};
use crate::communities::service::{CommunityView, NamedMember};
use crate::error::{ApiError, Fields};
use crate::http::pagination::{PageRequest, TimeKey};
use crate::http::query::{parse_language as parse_language_filter, parse_q};
use crate::types::markdown::to_safe_html;
use crate::types::text::{clean_block, clean_line, is_slug};
use crate::types::{CommunityId, CourseId, LanguageTag, UserId};

const MIN_NAME_CHARS: usize = 2;
const MAX_NAME_CHARS: usize = 120;
const MIN_SLUG_CHARS: usize = 2;
const MAX_SLUG_CHARS: usize = 64;
const MAX_DESCRIPTION_CHARS: usize = 5_000;
const MAX_BAN_REASON_CHARS: usize = 500;

// ---------------------------------------------------------------- responses

/// The caller's own membership of a community.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyMembership {
    pub role: CommunityRole,
    pub status: MemberStatus,
    pub email_preference: EmailPreference,
    /// New threads in the community notify the member.
    pub watching: bool,
}

/// A community.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityResponse {
    #[schema(value_type = i64)]
    pub id: CommunityId,
    /// Unique: lower-case letters, digits and single `-`, e.g. `platform-organisers`.
    pub slug: String,
    pub name: String,
    /// Markdown as written.
    pub description: String,
    /// `description` as sanitised HTML.
    pub description_html: String,
    /// The community's main language (BCP 47).
    pub language: String,
    pub visibility: Visibility,
    /// The course this community accompanies, if any.
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    /// Active members; `null` for an invited or pending caller of a private community.
    pub member_count: Option<i32>,
    /// Threads; `null` for an invited or pending caller of a private community.
    pub thread_count: Option<i32>,
    /// Latest post, to within a second; `null` when there is none yet, or for an invited or
    /// pending caller of a private community.
    pub last_activity_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The caller's membership; `null` when anonymous or not a member.
    pub my_membership: Option<MyMembership>,
}

/// A membership, as `PUT /communities/{id}/membership` answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = CommunityMembershipResponse)]
pub struct MembershipResponse {
    #[schema(value_type = i64)]
    pub community_id: CommunityId,
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub role: CommunityRole,
    /// `active`, or `pending` while a moderator decides.
    pub status: MemberStatus,
    pub email_preference: EmailPreference,
    pub watching: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member in a community's member list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberItem {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub display_name: String,
    pub role: CommunityRole,
    pub status: MemberStatus,
    /// When the membership (request, invitation or ban) was first recorded.
    pub created_at: DateTime<Utc>,
    /// Why the member was banned (only on banned rows, which only moderators list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban_reason: Option<String>,
}

/// A stored time as UTC.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

impl From<&Member> for MyMembership {
    fn from(m: &Member) -> Self {
        Self {
            role: m.role,
            status: m.status,
            email_preference: m.email_preference,
            watching: m.watching,
        }
    }
}

impl From<&CommunityView> for CommunityResponse {
    /// The community as its caller sees it; a limited view hides the counts.
    fn from(v: &CommunityView) -> Self {
        let c = &v.community;
        let full = !v.limited;
        Self {
            id: c.id,
            slug: c.slug.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            description_html: to_safe_html(&c.description),
            language: c.language.clone(),
            visibility: c.visibility,
            course_id: c.course_id,
            member_count: full.then_some(c.member_count),
            thread_count: full.then_some(c.thread_count),
            last_activity_at: c.last_activity_at.filter(|_| full).map(utc),
            created_at: utc(c.created_at),
            updated_at: utc(c.updated_at),
            my_membership: v.membership.as_ref().map(MyMembership::from),
        }
    }
}

impl From<&Member> for MembershipResponse {
    fn from(m: &Member) -> Self {
        Self {
            community_id: m.community_id,
            user_id: m.user_id,
            role: m.role,
            status: m.status,
            email_preference: m.email_preference,
            watching: m.watching,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
        }
    }
}

impl From<&NamedMember> for MemberItem {
    fn from(n: &NamedMember) -> Self {
        let m = &n.member;
        Self {
            user_id: m.user_id,
            display_name: n.display_name.clone(),
            role: m.role,
            status: m.status,
            created_at: utc(m.created_at),
            ban_reason: m.ban_reason.clone(),
        }
    }
}

// ---------------------------------------------------------------- queries

/// Query of `GET /api/v1/communities`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCommunitiesQuery {
    /// Text the name or description contains (any case; `%` and `_` are plain characters).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only communities in this language (BCP 47).
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
    pub visibility: Option<Visibility>,
    /// Only communities accompanying this course.
    #[param(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    /// `true`: only communities the caller is an active member of (needs a login).
    /// `false` or absent: no such filter.
    pub joined: Option<bool>,
    /// `name` (default), `-name`, `-last_activity_at`, `-created_at`.
    pub sort: Option<CommunitySort>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /api/v1/communities/{id}/members`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMembersQuery {
    /// `active` (default); the other statuses are for moderators.
    pub status: Option<MemberStatus>,
    /// Only members with this role.
    pub role: Option<CommunityRole>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------- requests

/// Body of `POST /api/v1/communities`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommunityRequest {
    /// 2 to 120 characters.
    #[schema(min_length = 2, max_length = 120)]
    pub name: String,
    /// Lower-case letters, digits and single `-`, 2 to 64 characters; made from the name
    /// when absent.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 2, max_length = 64)]
    pub slug: Option<String>,
    /// Markdown, at most 5000 characters.
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// BCP 47 tag, e.g. `fil`.
    #[schema(value_type = LanguageTag)]
    pub language: String,
    /// Trainers may create only `private` communities.
    pub visibility: Visibility,
    /// A course the community accompanies.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
}

/// Body of `PATCH /api/v1/communities/{id}`: absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommunityRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(min_length = 2, max_length = 120, nullable = false)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(max_length = 5000, nullable)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = LanguageTag, required = false)]
    pub language: Option<String>,
    /// Only coordinators and admins make a community `public` or `members`.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub visibility: Option<Visibility>,
    /// `null` detaches the community from its course.
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i64>, nullable)]
    pub course_id: Option<Option<CourseId>>,
}

/// Body of `POST /api/v1/communities/{id}/invitations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// The account invited.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(value_type = i64)]
    pub user_id: UserId,
}

/// Body of `PATCH /api/v1/communities/{id}/members/{user_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    pub role: CommunityRole,
}

/// Body of `POST /api/v1/communities/{id}/bans`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BanRequest {
    /// The account banned.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(value_type = i64)]
    pub user_id: UserId,
    /// 1 to 500 characters; kept in the moderation log.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

// ---------------------------------------------------------------- checked input

/// A new community, checked.
#[derive(Debug, Clone)]
pub struct NewCommunityInput {
    pub name: String,
    /// As given, or made from the name.
    pub slug: String,
    pub description: String,
    pub language: String,
    pub visibility: Visibility,
    pub course_id: Option<CourseId>,
}

/// A community change, checked.
#[derive(Debug, Clone, Default)]
pub struct CommunityPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub visibility: Option<Visibility>,
    pub course_id: Option<Option<CourseId>>,
}

/// A community name.
pub fn parse_name(raw: &str) -> Result<String, String> {
    clean_line(raw, MIN_NAME_CHARS, MAX_NAME_CHARS)
}

/// A community description (Markdown).
pub fn parse_description(raw: &str) -> Result<String, String> {
    clean_block(raw, MAX_DESCRIPTION_CHARS)
}

/// A ban reason.
pub fn parse_reason(raw: &str) -> Result<String, String> {
    let text = clean_block(raw, MAX_BAN_REASON_CHARS)?;
    if text.is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(text)
}

/// A slug: lower-case ASCII letters and digits in words joined by single `-`.
pub fn parse_slug(raw: &str) -> Result<String, String> {
    if (MIN_SLUG_CHARS..=MAX_SLUG_CHARS).contains(&raw.len()) && is_slug(raw, '-') {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "must be {MIN_SLUG_CHARS} to {MAX_SLUG_CHARS} lower-case letters, digits and single `-` between words, e.g. `platform-organisers`"
        ))
    }
}

/// A language tag in canonical case.
pub fn parse_language(raw: &str) -> Result<String, String> {
    LanguageTag::parse(raw).map(|t| t.as_str().to_owned())
}

/// The Latin letters a character folds to, for slugs (`ñ` → `n`, `ß` → `ss`).
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ'
        | 'ẫ' | 'ậ' | 'ắ' | 'ằ' | 'ẳ' | 'ẵ' | 'ặ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể'
        | 'ễ' | 'ệ' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' | 'ỉ' | 'ị' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ơ' | 'ǒ' | 'ọ' | 'ỏ' | 'ố' | 'ồ'
        | 'ổ' | 'ỗ' | 'ộ' | 'ớ' | 'ờ' | 'ở' | 'ỡ' | 'ợ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ư' | 'ǔ' | 'ụ' | 'ủ' | 'ứ'
        | 'ừ' | 'ử' | 'ữ' | 'ự' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' | 'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// A slug made from a name: ASCII-folded, lower case, words joined by `-`, at most 64
/// characters (cut at a word boundary). Empty when the name has no Latin letters or digits.
pub fn slug_from_name(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            word.push(c);
        } else if let Some(folded) = fold(c) {
            word.push_str(folded);
        } else if c == '\'' || c == '\u{2019}' {
            // "Workers' rights" reads better as `workers-rights` than `workers-s-rights`.
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut slug = String::new();
    for w in words {
        let extra = if slug.is_empty() {
            w.len()
        } else {
            w.len() + 1
        };
        if slug.len() + extra > MAX_SLUG_CHARS {
            if slug.is_empty() {
                slug = w[..MAX_SLUG_CHARS].to_owned();
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&w);
    }
    slug
}

impl TryFrom<CreateCommunityRequest> for NewCommunityInput {
    type Error = ApiError;

    fn try_from(req: CreateCommunityRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let name = f.check("name", "invalid_name", parse_name(&req.name));
        let slug = match &req.slug {
            Some(raw) => f.check("slug", "invalid_slug", parse_slug(raw)),
            None => name.as_deref().and_then(|n| {
                let slug = slug_from_name(n);
                f.check(
                    "slug",
                    "slug_required",
                    parse_slug(&slug).map_err(|_| {
                        "the name gives no slug (it needs at least 2 Latin letters or digits); send one"
                            .to_owned()
                    }),
                )
            }),
        };
        let description = f.check(
            "description",
            "invalid_description",
            parse_description(req.description.as_deref().unwrap_or("")),
        );
        let language = f.check(
            "language",
            "invalid_language",
            parse_language(&req.language),
        );
        let course_id = match req.course_id {
            Some(id) if id.get() <= 0 => {
                f.push("course_id", "unknown_course", "no such course");
                None
            }
            other => other,
        };
        f.finish()?;
        match (name, slug, description, language) {
            (Some(name), Some(slug), Some(description), Some(language)) => Ok(Self {
                name,
                slug,
                description,
                language,
                visibility: req.visibility,
                course_id,
            }),
            _ => Err(ApiError::internal(anyhow::anyhow!(
                "invalid fields were answered above"
            ))),
        }
    }
}

impl TryFrom<UpdateCommunityRequest> for CommunityPatch {
    type Error = ApiError;

    fn try_from(req: UpdateCommunityRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mut patch = Self {
            visibility: req.visibility,
            course_id: req.course_id,
            ..Self::default()
        };
        if let Some(name) = req.name {
            patch.name = f.check("name", "invalid_name", parse_name(&name));
        }
        if let Some(description) = req.description {
            patch.description = f.check(
                "description",
                "invalid_description",
                parse_description(description.as_deref().unwrap_or("")),
            );
        }
        if let Some(language) = req.language {
            patch.language = f.check("language", "invalid_language", parse_language(&language));
        }
        if let Some(Some(id)) = req.course_id
            && id.get() <= 0
        {
            f.push("course_id", "unknown_course", "no such course");
        }
        f.finish()?;
        Ok(patch)
    }
}

/// `GET /api/v1/communities`, checked: the filters, the sort and where the page starts.
#[derive(Debug, Clone)]
pub struct CommunityListInput {
    pub filter: ListFilter,
    pub sort: CommunitySort,
    pub page: PageRequest<String>,
    pub after: Option<After>,
}

impl TryFrom<ListCommunitiesQuery> for CommunityListInput {
    type Error = ApiError;

    fn try_from(query: ListCommunitiesQuery) -> Result<Self, ApiError> {
        let sort = query.sort.unwrap_or_default();
        let page =
            PageRequest::<String>::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
        let after = match &page.after {
            None => None,
            Some((key, id)) => {
                let id = CommunityId(*id);
                Some(match sort {
                    CommunitySort::Name | CommunitySort::NameDesc => After::Name(key.clone(), id),
                    CommunitySort::LastActivityDesc | CommunitySort::CreatedDesc => {
                        After::At(TimeKey::parse_text(key)?, id)
                    }
                })
            }
        };
        Ok(Self {
            filter: ListFilter {
                q: parse_q(query.q.as_deref())?,
                language: parse_language_filter(query.language.as_deref())?
                    .map(|t| t.as_str().to_owned()),
                visibility: query.visibility,
                course_id: query.course_id,
                joined: query.joined.unwrap_or(false),
            },
            sort,
            page,
            after,
        })
    }
}

/// A ban, checked.
#[derive(Debug, Clone)]
pub struct BanInput {
    pub user_id: UserId,
    pub reason: String,
}

impl TryFrom<BanRequest> for BanInput {
    type Error = ApiError;

    fn try_from(req: BanRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let reason = f.check("reason", "invalid_reason", parse_reason(&req.reason));
        f.finish_with(|| {
            Some(Self {
                user_id: req.user_id,
                reason: reason?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        crate::openapi::assert_documented_limits(&[
            (
                "CreateCommunityRequest",
                "name",
                "minLength",
                MIN_NAME_CHARS,
            ),
            (
                "CreateCommunityRequest",
                "name",
                "maxLength",
                MAX_NAME_CHARS,
            ),
            (
                "CreateCommunityRequest",
                "slug",
                "minLength",
                MIN_SLUG_CHARS,
            ),
            (
                "CreateCommunityRequest",
                "slug",
                "maxLength",
                MAX_SLUG_CHARS,
            ),
            (
                "CreateCommunityRequest",
                "description",
                "maxLength",
                MAX_DESCRIPTION_CHARS,
            ),
            (
                "UpdateCommunityRequest",
                "name",
                "minLength",
                MIN_NAME_CHARS,
            ),
            (
                "UpdateCommunityRequest",
                "name",
                "maxLength",
                MAX_NAME_CHARS,
            ),
            (
                "UpdateCommunityRequest",
                "description",
                "maxLength",
                MAX_DESCRIPTION_CHARS,
            ),
            ("BanRequest", "reason", "maxLength", MAX_BAN_REASON_CHARS),
        ]);
    }

    #[test]
    fn slugs_are_made_from_names() {
        assert_eq!(slug_from_name("Mga Guro ng Unyon"), "mga-guro-ng-unyon");
        assert_eq!(slug_from_name("Señoras & Niños"), "senoras-ninos");
        assert_eq!(
            slug_from_name("Workers' Rights — 2026"),
            "workers-rights-2026"
        );
        assert_eq!(slug_from_name("Straße"), "strasse");
        assert_eq!(slug_from_name("日本語"), "");
        let long = slug_from_name(&"word ".repeat(40));
        assert!(
            long.len() <= MAX_SLUG_CHARS && !long.ends_with('-'),
            "{long}"
        );
        assert_eq!(slug_from_name(&"a".repeat(100)).len(), MAX_SLUG_CHARS);
    }

    #[test]
    fn slugs_are_checked() {
        for ok in ["ab", "platform-organisers", "a1-b2"] {
            assert!(parse_slug(ok).is_ok(), "{ok}");
        }
        for bad in ["a", "Ab", "a--b", "-ab", "ab-", "a_b", &"a".repeat(65)] {
            assert!(parse_slug(bad).is_err(), "{bad}");
        }
    }
}
