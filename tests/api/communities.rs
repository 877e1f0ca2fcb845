//! Tests of the community of practice: communities.
