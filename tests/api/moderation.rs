//! Tests of the community of practice: moderation.
