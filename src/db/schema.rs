//! Table definitions, kept in step with `migrations/` by hand.

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        acronym -> Nullable<Text>,
        country -> Text,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        sector -> Nullable<Text>,
        website -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Nullable<Text>,
        email_normalized -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        display_name -> Text,
        country -> Nullable<Text>,
        preferred_language -> Text,
        other_languages -> Text,
        gender -> Nullable<Text>,
        birth_year -> Nullable<Integer>,
        bio -> Nullable<Text>,
        role -> Text,
        status -> Text,
        email_verified_at -> Nullable<Timestamp>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        session_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        user_id -> BigInt,
        organisation_id -> BigInt,
        role -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(memberships -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    email_tokens,
    sessions,
    refresh_tokens,
    memberships
);

diesel::table! {
    email_outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        template -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}
