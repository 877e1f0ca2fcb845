//! Tests of the community of practice: community_visibility.
