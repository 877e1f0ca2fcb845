//! Webhook subscriptions and deliveries as stored, the event vocabulary, and the events
//! other domains emit.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::schema::{webhook_deliveries, webhook_subscriptions};
use crate::error::Fields;
use crate::types::{
    ActionPlanId, CertificateId, CheckInId, CohortId, CourseId, EnrolmentId, NominationId, UserId,
    WebhookDeliveryId, WebhookId,
};

crate::vocabulary! {
    /// The events a webhook may subscribe to.
    #[derive(PartialOrd, Ord)]
    pub enum EventType {
        /// A learner enrolled in a course (by themselves or as a selected participant).
        Enrolled => "enrolled",
        /// A learner completed a course, or a participant completed a cohort.
        Completed => "completed",
        /// A certificate was issued (for a course or a cohort).
        Certified => "certified",
        /// A union leader nominated a member (or a member applied) to a cohort.
        Nominated => "nominated",
        /// A coordinator accepted a nomination: the nominee is a participant.
        Selected => "selected",
        /// A participant reported on a follow-up check-in of their action plan.
        CheckinReported => "checkin_reported",
    }
}

crate::vocabulary! {
    /// What a delivery carries: one of the events, or the test ping its owner asked for.
    pub enum DeliveryType {
        Enrolled => "enrolled",
        Completed => "completed",
        Certified => "certified",
        Nominated => "nominated",
        Selected => "selected",
        CheckinReported => "checkin_reported",
        /// `POST /api/v1/webhooks/{id}/ping`: only to the subscription it was asked for.
        Ping => "ping",
    }
}

impl From<EventType> for DeliveryType {
    fn from(event: EventType) -> Self {
        match event {
            EventType::Enrolled => Self::Enrolled,
            EventType::Completed => Self::Completed,
            EventType::Certified => Self::Certified,
            EventType::Nominated => Self::Nominated,
            EventType::Selected => Self::Selected,
            EventType::CheckinReported => Self::CheckinReported,
        }
    }
}

/// An event that happened, as a domain emits it ([`crate::webhooks::emit`]) inside the
/// transaction that makes it happen.
///
/// Its data carries ids only, never names, addresses or free text: a subscriber is a
/// coordinator or an admin, who may read these objects through the API with their own
/// credentials, and a receiver that leaks its log leaks no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A learner enrolled in a course.
    Enrolled {
        user_id: UserId,
        course_id: CourseId,
        enrolment_id: EnrolmentId,
    },
    /// A learner completed a course.
    CourseCompleted {
        user_id: UserId,
        course_id: CourseId,
    },
    /// A participant was found to have completed a cohort (when it certifies them).
    CohortCompleted {
        user_id: UserId,
        cohort_id: CohortId,
    },
    /// A certificate was issued, for a course or a cohort.
    Certified {
        user_id: UserId,
        certificate_id: CertificateId,
        course_id: Option<CourseId>,
        cohort_id: Option<CohortId>,
    },
    /// A member was nominated to (or applied for) a cohort.
    Nominated {
        nomination_id: NominationId,
        cohort_id: CohortId,
        user_id: UserId,
    },
    /// A nomination was accepted: the nominee takes part in the cohort.
    Selected {
        nomination_id: NominationId,
        cohort_id: CohortId,
        user_id: UserId,
    },
    /// A participant reported on a check-in of their action plan.
    CheckinReported {
        check_in_id: CheckInId,
        action_plan_id: ActionPlanId,
        user_id: UserId,
    },
}

impl Event {
    /// The event's type, which subscriptions choose.
    pub fn event_type(&self) -> EventType {
        match self {
            Self::Enrolled { .. } => EventType::Enrolled,
            Self::CourseCompleted { .. } | Self::CohortCompleted { .. } => EventType::Completed,
            Self::Certified { .. } => EventType::Certified,
            Self::Nominated { .. } => EventType::Nominated,
            Self::Selected { .. } => EventType::Selected,
            Self::CheckinReported { .. } => EventType::CheckinReported,
        }
    }

    /// The `data` of the delivered body: ids only.
    pub fn data(&self) -> Value {
        match self {
            Self::Enrolled {
                user_id,
                course_id,
                enrolment_id,
            } => json!({"user_id": user_id, "course_id": course_id, "enrolment_id": enrolment_id}),
            Self::CourseCompleted { user_id, course_id } => {
                json!({"user_id": user_id, "course_id": course_id})
            }
            Self::CohortCompleted { user_id, cohort_id } => {
                json!({"user_id": user_id, "cohort_id": cohort_id})
            }
            Self::Certified {
                user_id,
                certificate_id,
                course_id,
                cohort_id,
            } => json!({
                "user_id": user_id,
                "certificate_id": certificate_id,
                "course_id": course_id,
                "cohort_id": cohort_id,
            }),
            Self::Nominated {
                nomination_id,
                cohort_id,
                user_id,
            }
            | Self::Selected {
                nomination_id,
                cohort_id,
                user_id,
            } => {
                json!({"nomination_id": nomination_id, "cohort_id": cohort_id, "user_id": user_id})
            }
            Self::CheckinReported {
                check_in_id,
                action_plan_id,
                user_id,
            } => json!({
                "check_in_id": check_in_id,
                "action_plan_id": action_plan_id,
                "user_id": user_id,
            }),
        }
    }
}

/// The body of one delivery: `{type, id, timestamp, data}`, as signed and sent.
pub fn payload(kind: DeliveryType, message_id: &str, at: NaiveDateTime, data: &Value) -> String {
    json!({
        "type": kind.as_str(),
        "id": message_id,
        "timestamp": at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string()
}

/// A new message id (`msg_` and 32 hex digits): the `webhook-id` of every attempt.
pub fn new_message_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

/// One subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct Subscription {
    pub id: WebhookId,
    pub owner_id: UserId,
    pub url: String,
    pub description: Option<String>,
    pub secret: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

crate::http::etag::versioned_row!(Subscription, "webhook");

/// A subscription with its events, as answered.
#[derive(Debug, Clone)]
pub struct SubscriptionView {
    pub subscription: Subscription,
    pub events: Vec<EventType>,
}

/// A new subscription.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct NewSubscription {
    pub owner_id: UserId,
    pub url: String,
    pub description: Option<String>,
    pub secret: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The changed columns of a subscription.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionChanges {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub secret: Option<String>,
    pub active: Option<bool>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Longest webhook URL.
pub const MAX_URL_LEN: usize = 2000;
/// Longest description.
pub const MAX_DESCRIPTION_LEN: usize = 500;

/// A subscription's fields, parsed: a URL that passed the syntax checks (the address
/// checks need name resolution and run in the handler, before the transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionInput {
    pub url: url::Url,
    pub events: Vec<EventType>,
    pub description: Option<String>,
}

/// A change to a subscription; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionPatch {
    pub url: Option<url::Url>,
    pub events: Option<Vec<EventType>>,
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}

/// The events of a subscription, checked: 1 to all of them, no repeats, sorted.
pub fn events(fields: &mut Fields, raw: &[EventType]) -> Option<Vec<EventType>> {
    if raw.is_empty() {
        fields.push("events", "too_few_items", "name at least one event");
        return None;
    }
    if !fields.distinct("events", raw, EventType::ALL.len()) {
        return None;
    }
    let mut events = raw.to_vec();
    events.sort();
    Some(events)
}

/// One delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: WebhookDeliveryId,
    pub subscription_id: WebhookId,
    pub event: DeliveryType,
    pub message_id: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub failed_at: Option<NaiveDateTime>,
}

/// A new delivery (the test ping; events are inserted set-based by `repo::emit`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct NewDelivery {
    pub subscription_id: WebhookId,
    pub event: DeliveryType,
    pub message_id: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
}
