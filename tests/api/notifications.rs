//! Tests of the community of practice: notifications.
