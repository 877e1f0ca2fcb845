//! Tests of the community of practice: search.
