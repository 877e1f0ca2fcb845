//! Communities and memberships as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{communities, community_members};

/// A community row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = communities)]
pub struct Community {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub language: String,
    pub visibility: String,
    pub course_id: Option<i64>,
    pub created_by: i64,
    pub member_count: i32,
    pub thread_count: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new community.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = communities)]
pub struct NewCommunity {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub language: String,
    pub visibility: String,
    pub course_id: Option<i64>,
    pub created_by: i64,
    pub member_count: i32,
    pub thread_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changed columns of a community (`None` leaves a column alone).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = communities)]
pub struct CommunityChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub visibility: Option<String>,
    pub course_id: Option<Option<i64>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// A membership row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = community_members)]
pub struct Member {
    pub community_id: i64,
    pub user_id: i64,
    pub role: String,
    pub status: String,
    pub email_preference: String,
    pub watching: bool,
    pub invited_by: Option<i64>,
    pub ban_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new membership row (the email preference takes the column's default).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = community_members)]
pub struct NewMember<'a> {
    pub community_id: i64,
    pub user_id: i64,
    pub role: &'a str,
    pub status: &'a str,
    pub watching: bool,
    pub invited_by: Option<i64>,
    pub ban_reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// When a member is emailed about what they are notified of in a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailPreference {
    /// One email per notification, at once.
    Immediately,
    /// A daily digest (the default).
    Daily,
    /// A weekly digest.
    Weekly,
    /// No email.
    Never,
}

impl EmailPreference {
    /// The stored value (`community_members.email_preference`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Immediately => "immediately",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Never => "never",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Immediately, Self::Daily, Self::Weekly, Self::Never]
            .into_iter()
            .find(|p| p.as_str() == raw)
    }
}
