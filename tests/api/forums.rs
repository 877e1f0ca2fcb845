//! Tests of the community of practice: forums.
