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
        version -> BigInt,
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
        version -> BigInt,
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

diesel::table! {
    communities (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        language -> Text,
        visibility -> Text,
        course_id -> Nullable<BigInt>,
        created_by -> BigInt,
        member_count -> Integer,
        thread_count -> Integer,
        last_activity_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    community_members (community_id, user_id) {
        community_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        status -> Text,
        email_preference -> Text,
        watching -> Bool,
        invited_by -> Nullable<BigInt>,
        ban_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    threads (id) {
        id -> BigInt,
        community_id -> BigInt,
        author_id -> BigInt,
        kind -> Text,
        title -> Text,
        tags -> Text,
        pinned -> Bool,
        locked -> Bool,
        first_post_id -> Nullable<BigInt>,
        accepted_post_id -> Nullable<BigInt>,
        reply_count -> Integer,
        last_post_id -> Nullable<BigInt>,
        last_activity_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    thread_tags (thread_id, tag) {
        thread_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        thread_id -> BigInt,
        community_id -> BigInt,
        author_id -> BigInt,
        is_first -> Bool,
        body -> Text,
        body_html -> Text,
        quote_post_id -> Nullable<BigInt>,
        like_count -> Integer,
        thanks_count -> Integer,
        insightful_count -> Integer,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        hidden_at -> Nullable<Timestamp>,
        hidden_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        editor_id -> BigInt,
        body -> Text,
        written_at -> Timestamp,
        replaced_at -> Timestamp,
    }
}

diesel::table! {
    post_reactions (post_id, user_id, kind) {
        post_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post_flags (id) {
        id -> BigInt,
        post_id -> BigInt,
        community_id -> BigInt,
        reporter_id -> BigInt,
        reason -> Text,
        note -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        resolved_by -> Nullable<BigInt>,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> BigInt,
        community_id -> BigInt,
        moderator_id -> BigInt,
        action -> Text,
        target_user_id -> Nullable<BigInt>,
        thread_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    thread_subscriptions (thread_id, user_id) {
        thread_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    thread_reads (user_id, thread_id) {
        thread_id -> BigInt,
        user_id -> BigInt,
        last_read_post_id -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        community_id -> BigInt,
        thread_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        email_status -> Text,
        email_cadence -> Nullable<Text>,
    }
}

diesel::table! {
    digest_state (user_id, cadence) {
        user_id -> BigInt,
        cadence -> Text,
        last_sent_at -> Timestamp,
    }
}

diesel::joinable!(community_members -> communities (community_id));
diesel::joinable!(threads -> communities (community_id));
diesel::joinable!(thread_tags -> threads (thread_id));
diesel::joinable!(posts -> threads (thread_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(post_reactions -> posts (post_id));
diesel::joinable!(post_flags -> posts (post_id));
diesel::joinable!(moderation_log -> communities (community_id));
diesel::joinable!(thread_subscriptions -> threads (thread_id));
diesel::joinable!(thread_reads -> threads (thread_id));
diesel::joinable!(notifications -> communities (community_id));
diesel::allow_tables_to_appear_in_same_query!(
    communities,
    community_members,
    threads,
    thread_tags,
    posts,
    post_revisions,
    post_reactions,
    post_flags,
    moderation_log,
    thread_subscriptions,
    thread_reads,
    notifications,
    digest_state,
    users,
);
diesel::allow_tables_to_appear_in_same_query!(communities, courses);
