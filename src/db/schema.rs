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

diesel::table! {
    courses (id) {
        id -> BigInt,
        slug -> Text,
        default_language -> Text,
        level -> Text,
        format -> Text,
        estimated_hours -> Nullable<Double>,
        licence -> Nullable<Text>,
        status -> Text,
        visibility -> Text,
        capacity -> Nullable<Integer>,
        enrolment_count -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    course_translations (id) {
        id -> BigInt,
        course_id -> BigInt,
        language -> Text,
        title -> Text,
        summary -> Text,
        description -> Text,
        search_text -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    course_topics (id) {
        id -> BigInt,
        course_id -> BigInt,
        topic -> Text,
    }
}

diesel::table! {
    course_owners (id) {
        id -> BigInt,
        course_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    course_modules (id) {
        id -> BigInt,
        course_id -> BigInt,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    module_translations (id) {
        id -> BigInt,
        module_id -> BigInt,
        language -> Text,
        title -> Text,
    }
}

diesel::table! {
    lessons (id) {
        id -> BigInt,
        module_id -> BigInt,
        course_id -> BigInt,
        position -> Integer,
        kind -> Text,
        required -> Bool,
        duration_minutes -> Nullable<Integer>,
        url -> Nullable<Text>,
        size_bytes -> Nullable<BigInt>,
        media_type -> Nullable<Text>,
        caption_languages -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lesson_translations (id) {
        id -> BigInt,
        lesson_id -> BigInt,
        language -> Text,
        title -> Text,
        content -> Text,
    }
}

diesel::table! {
    enrolments (id) {
        id -> BigInt,
        course_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lesson_completions (id) {
        id -> BigInt,
        user_id -> BigInt,
        lesson_id -> BigInt,
        course_id -> BigInt,
        completed_at -> Timestamp,
    }
}

diesel::table! {
    certificates (id) {
        id -> BigInt,
        code -> Text,
        user_id -> BigInt,
        course_id -> BigInt,
        holder_name -> Text,
        course_title -> Text,
        language -> Text,
        issued_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::joinable!(course_translations -> courses (course_id));
diesel::joinable!(course_topics -> courses (course_id));
diesel::joinable!(course_owners -> courses (course_id));
diesel::joinable!(course_modules -> courses (course_id));
diesel::joinable!(module_translations -> course_modules (module_id));
diesel::joinable!(lessons -> course_modules (module_id));
diesel::joinable!(lesson_translations -> lessons (lesson_id));
diesel::joinable!(enrolments -> courses (course_id));
diesel::joinable!(lesson_completions -> lessons (lesson_id));
diesel::joinable!(certificates -> courses (course_id));
diesel::allow_tables_to_appear_in_same_query!(
    courses,
    course_translations,
    course_topics,
    course_owners,
    course_modules,
    module_translations,
    lessons,
    lesson_translations,
    enrolments,
    lesson_completions,
    certificates,
    users,
);
