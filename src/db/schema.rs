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
        /// The ISIC Rev.4 section (issue 15), mapped from `sector` by a migration.
        sector_code -> Nullable<Text>,
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
        version -> BigInt,
        lookalike -> Nullable<Bool>,
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
        union_role -> Text,
    }
}

diesel::table! {
    user_languages (user_id, language) {
        user_id -> BigInt,
        language -> Text,
        level -> Text,
    }
}

diesel::table! {
    throttle_events (id) {
        id -> BigInt,
        scope -> Text,
        subject -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    device_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(device_tokens -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(memberships -> organisations (organisation_id));
diesel::joinable!(user_languages -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    email_tokens,
    sessions,
    refresh_tokens,
    memberships,
    user_languages,
    throttle_events,
    device_tokens
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
        failed_at -> Nullable<Timestamp>,
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
        version -> BigInt,
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
        version -> BigInt,
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
        version -> BigInt,
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
        version -> BigInt,
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
        course_id -> Nullable<BigInt>,
        holder_name -> Text,
        course_title -> Text,
        language -> Text,
        issued_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        version -> BigInt,
        cohort_id -> Nullable<BigInt>,
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
        version -> BigInt,
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
        version -> BigInt,
        post_count -> BigInt,
        live_count -> BigInt,
        visible_count -> BigInt,
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
        version -> BigInt,
        language -> Text,
        seq -> BigInt,
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
        read_live -> BigInt,
        read_visible -> BigInt,
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

diesel::table! {
    invitations (id) {
        id -> BigInt,
        email -> Text,
        email_normalized -> Text,
        role -> Text,
        language -> Text,
        status -> Text,
        token_hash -> Text,
        invited_by -> Nullable<BigInt>,
        accepted_by -> Nullable<BigInt>,
        revoked_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    cohorts (id) {
        id -> BigInt,
        kind -> Text,
        status -> Text,
        default_language -> Text,
        starts_on -> Date,
        ends_on -> Date,
        time_zone -> Text,
        delivery_language -> Text,
        interpretation_languages -> Text,
        capacity -> Integer,
        region -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        community_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    cohort_translations (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        language -> Text,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    cohort_facilitators (cohort_id, user_id) {
        cohort_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    cohort_courses (cohort_id, course_id) {
        cohort_id -> BigInt,
        course_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(cohort_translations -> cohorts (cohort_id));
diesel::joinable!(cohort_facilitators -> cohorts (cohort_id));
diesel::joinable!(cohort_courses -> cohorts (cohort_id));
diesel::allow_tables_to_appear_in_same_query!(
    cohorts,
    cohort_translations,
    cohort_facilitators,
    cohort_courses,
    users,
);
diesel::allow_tables_to_appear_in_same_query!(cohorts, courses);
diesel::allow_tables_to_appear_in_same_query!(cohort_translations, courses);
diesel::allow_tables_to_appear_in_same_query!(cohort_facilitators, courses);
diesel::allow_tables_to_appear_in_same_query!(cohort_courses, courses);

diesel::table! {
    cohort_calls (cohort_id) {
        cohort_id -> BigInt,
        deadline -> Timestamp,
        members_may_apply -> Bool,
        min_age -> Nullable<Integer>,
        max_age -> Nullable<Integer>,
        target_women_percent -> Nullable<Integer>,
        target_under_35_percent -> Nullable<Integer>,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    call_organisations (cohort_id, organisation_id) {
        cohort_id -> BigInt,
        organisation_id -> BigInt,
        invited -> Bool,
        places -> Nullable<Integer>,
    }
}

diesel::table! {
    call_countries (cohort_id, country) {
        cohort_id -> BigInt,
        country -> Text,
        invited -> Bool,
        places -> Nullable<Integer>,
        target_percent -> Nullable<Integer>,
    }
}

diesel::table! {
    profile_union_roles (cohort_id, union_role) {
        cohort_id -> BigInt,
        union_role -> Text,
    }
}

diesel::table! {
    profile_languages (cohort_id, language) {
        cohort_id -> BigInt,
        language -> Text,
        min_level -> Text,
    }
}

diesel::table! {
    profile_courses (cohort_id, course_id) {
        cohort_id -> BigInt,
        course_id -> BigInt,
    }
}

diesel::table! {
    profile_cohorts (cohort_id, required_cohort_id) {
        cohort_id -> BigInt,
        required_cohort_id -> BigInt,
    }
}

diesel::table! {
    nominations (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        nominee_id -> BigInt,
        organisation_id -> BigInt,
        origin -> Text,
        status -> Text,
        leader_id -> Nullable<BigInt>,
        statement -> Text,
        profile_read_at -> Timestamp,
        decision_reason -> Nullable<Text>,
        waitlisted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    nomination_events (id) {
        id -> BigInt,
        nomination_id -> BigInt,
        cohort_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(call_organisations -> organisations (organisation_id));
diesel::joinable!(nominations -> cohorts (cohort_id));
diesel::joinable!(nominations -> organisations (organisation_id));
diesel::joinable!(nomination_events -> nominations (nomination_id));
diesel::allow_tables_to_appear_in_same_query!(
    cohort_calls,
    call_organisations,
    call_countries,
    profile_union_roles,
    profile_languages,
    profile_courses,
    profile_cohorts,
    nominations,
    nomination_events,
);
diesel::allow_tables_to_appear_in_same_query!(nominations, users);
diesel::allow_tables_to_appear_in_same_query!(nominations, organisations);
diesel::allow_tables_to_appear_in_same_query!(nominations, cohorts);
diesel::allow_tables_to_appear_in_same_query!(nominations, memberships);
diesel::allow_tables_to_appear_in_same_query!(nomination_events, users);
diesel::allow_tables_to_appear_in_same_query!(call_organisations, organisations);
diesel::allow_tables_to_appear_in_same_query!(cohort_calls, cohorts);
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    nominations::status,
    users::gender,
    users::birth_year,
);

// Issue 12, items 5–7: assignments, completion rules, e-trainer certification.

diesel::table! {
    assignments (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        title -> Text,
        instructions -> Text,
        instructions_html -> Text,
        due_at -> Timestamp,
        grading -> Text,
        max_points -> Nullable<Integer>,
        pass_points -> Nullable<Integer>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    assignment_submissions (id) {
        id -> BigInt,
        assignment_id -> BigInt,
        user_id -> BigInt,
        body -> Text,
        links -> Text,
        submitted_at -> Timestamp,
        late -> Bool,
        submission_count -> Integer,
        status -> Text,
        points -> Nullable<Integer>,
        feedback -> Nullable<Text>,
        graded_by -> Nullable<BigInt>,
        graded_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    cohort_completion_rules (cohort_id) {
        cohort_id -> BigInt,
        min_attendance_percent -> Integer,
        all_assignments_passed -> Bool,
        all_courses_completed -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    trainer_certifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        cohort_id -> BigInt,
        certificate_id -> BigInt,
        role_before -> Text,
        role_after -> Text,
        certified_by -> Nullable<BigInt>,
        certified_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(assignments -> cohorts (cohort_id));
diesel::joinable!(assignment_submissions -> assignments (assignment_id));
diesel::joinable!(assignment_submissions -> users (user_id));
diesel::joinable!(trainer_certifications -> cohorts (cohort_id));
diesel::joinable!(trainer_certifications -> certificates (certificate_id));
diesel::allow_tables_to_appear_in_same_query!(
    assignments,
    assignment_submissions,
    cohort_completion_rules,
    trainer_certifications,
);
diesel::allow_tables_to_appear_in_same_query!(assignments, cohorts);
diesel::allow_tables_to_appear_in_same_query!(assignments, users);
diesel::allow_tables_to_appear_in_same_query!(assignments, certificates);
diesel::allow_tables_to_appear_in_same_query!(assignments, nominations);
diesel::allow_tables_to_appear_in_same_query!(assignments, enrolments);
diesel::allow_tables_to_appear_in_same_query!(assignments, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(assignments, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(assignment_submissions, cohorts);
diesel::allow_tables_to_appear_in_same_query!(assignment_submissions, users);
diesel::allow_tables_to_appear_in_same_query!(assignment_submissions, certificates);
diesel::allow_tables_to_appear_in_same_query!(assignment_submissions, nominations);
diesel::allow_tables_to_appear_in_same_query!(assignment_submissions, enrolments);
diesel::allow_tables_to_appear_in_same_query!(assignment_submissions, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(assignment_submissions, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(cohort_completion_rules, cohorts);
diesel::allow_tables_to_appear_in_same_query!(cohort_completion_rules, users);
diesel::allow_tables_to_appear_in_same_query!(cohort_completion_rules, certificates);
diesel::allow_tables_to_appear_in_same_query!(cohort_completion_rules, nominations);
diesel::allow_tables_to_appear_in_same_query!(cohort_completion_rules, enrolments);
diesel::allow_tables_to_appear_in_same_query!(cohort_completion_rules, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(cohort_completion_rules, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(trainer_certifications, cohorts);
diesel::allow_tables_to_appear_in_same_query!(trainer_certifications, users);
diesel::allow_tables_to_appear_in_same_query!(trainer_certifications, certificates);
diesel::allow_tables_to_appear_in_same_query!(trainer_certifications, nominations);
diesel::allow_tables_to_appear_in_same_query!(trainer_certifications, enrolments);
diesel::allow_tables_to_appear_in_same_query!(trainer_certifications, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(trainer_certifications, cohort_facilitators);

diesel::table! {
    cohort_sessions (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        title -> Text,
        audience -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        meeting_url -> Nullable<Text>,
        delivery_language -> Text,
        interpretation_languages -> Text,
        recording_url -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    session_materials (session_id, lesson_id) {
        session_id -> BigInt,
        lesson_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    session_check_in_codes (session_id) {
        session_id -> BigInt,
        code -> Text,
        expires_at -> Timestamp,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    session_attendance (session_id, user_id) {
        session_id -> BigInt,
        user_id -> BigInt,
        joined_at -> Timestamp,
        left_at -> Nullable<Timestamp>,
        minutes -> Integer,
        source -> Text,
        recorded_by -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> BigInt,
        user_id -> BigInt,
        cohort_id -> Nullable<BigInt>,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    session_reminders (session_id, user_id, kind) {
        session_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        sent_at -> Timestamp,
    }
}

diesel::joinable!(cohort_sessions -> cohorts (cohort_id));
diesel::joinable!(session_materials -> cohort_sessions (session_id));
diesel::joinable!(session_attendance -> cohort_sessions (session_id));
diesel::joinable!(session_attendance -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    cohort_sessions,
    session_materials,
    session_check_in_codes,
    session_attendance,
    calendar_feeds,
    session_reminders,
);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, users);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, cohorts);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, nominations);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, lessons);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, memberships);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, organisations);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, call_organisations);
diesel::allow_tables_to_appear_in_same_query!(cohort_sessions, call_countries);
diesel::allow_tables_to_appear_in_same_query!(session_materials, users);
diesel::allow_tables_to_appear_in_same_query!(session_materials, cohorts);
diesel::allow_tables_to_appear_in_same_query!(session_materials, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(session_materials, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(session_materials, nominations);
diesel::allow_tables_to_appear_in_same_query!(session_materials, lessons);
diesel::allow_tables_to_appear_in_same_query!(session_materials, memberships);
diesel::allow_tables_to_appear_in_same_query!(session_materials, organisations);
diesel::allow_tables_to_appear_in_same_query!(session_materials, call_organisations);
diesel::allow_tables_to_appear_in_same_query!(session_materials, call_countries);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, users);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, cohorts);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, nominations);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, lessons);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, memberships);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, organisations);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, call_organisations);
diesel::allow_tables_to_appear_in_same_query!(session_check_in_codes, call_countries);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, users);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, cohorts);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, nominations);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, lessons);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, memberships);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, organisations);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, call_organisations);
diesel::allow_tables_to_appear_in_same_query!(session_attendance, call_countries);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, users);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, cohorts);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, nominations);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, lessons);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, memberships);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, organisations);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, call_organisations);
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, call_countries);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, users);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, cohorts);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, nominations);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, lessons);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, memberships);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, organisations);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, call_organisations);
diesel::allow_tables_to_appear_in_same_query!(session_reminders, call_countries);

// Assessment (issue 13): question banks, quizzes and attempts.
diesel::table! {
    questions (id) {
        id -> BigInt,
        course_id -> BigInt,
        kind -> Text,
        default_language -> Text,
        tags -> Text,
        difficulty -> Integer,
        points -> Integer,
        answer_key -> Text,
        choice_count -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    question_translations (id) {
        id -> BigInt,
        question_id -> BigInt,
        language -> Text,
        stem -> Text,
        feedback -> Text,
        choices -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    question_versions (id) {
        id -> BigInt,
        question_id -> BigInt,
        version -> BigInt,
        content -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    quizzes (id) {
        id -> BigInt,
        lesson_id -> Nullable<BigInt>,
        cohort_id -> Nullable<BigInt>,
        title -> Nullable<Text>,
        course_id -> BigInt,
        attempts_allowed -> Nullable<Integer>,
        time_limit_seconds -> Nullable<Integer>,
        grace_seconds -> Integer,
        late_policy -> Text,
        pass_mark -> Integer,
        shuffle_questions -> Bool,
        shuffle_choices -> Bool,
        show_feedback -> Text,
        show_answers -> Text,
        closes_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    quiz_items (id) {
        id -> BigInt,
        quiz_id -> BigInt,
        position -> Integer,
        question_id -> Nullable<BigInt>,
        tag -> Nullable<Text>,
        draw_count -> Nullable<Integer>,
    }
}

diesel::table! {
    quiz_attempts (id) {
        id -> BigInt,
        quiz_id -> BigInt,
        user_id -> BigInt,
        number -> Integer,
        seed -> BigInt,
        started_at -> Timestamp,
        deadline_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        late -> Bool,
        score -> Nullable<Double>,
        max_score -> Nullable<Double>,
        passed -> Nullable<Bool>,
        version -> BigInt,
    }
}

diesel::table! {
    quiz_attempt_items (id) {
        id -> BigInt,
        attempt_id -> BigInt,
        position -> Integer,
        question_id -> BigInt,
        question_version_id -> BigInt,
        layout -> Text,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        late -> Bool,
        points -> Nullable<Double>,
        key_version_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    question_regrades (id) {
        id -> BigInt,
        question_id -> BigInt,
        course_id -> BigInt,
        version -> BigInt,
        actor_id -> Nullable<BigInt>,
        via -> Text,
        reason -> Text,
        items_rekeyed -> Integer,
        attempts_rescored -> Integer,
        scores_changed -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    question_regrade_attempts (regrade_id, attempt_id) {
        regrade_id -> BigInt,
        attempt_id -> BigInt,
        old_score -> Double,
        new_score -> Double,
        old_max_score -> Double,
        new_max_score -> Double,
        old_passed -> Bool,
        new_passed -> Bool,
    }
}

diesel::table! {
    pre_post_tests (id) {
        id -> BigInt,
        course_id -> BigInt,
        cohort_id -> Nullable<BigInt>,
        pre_lesson_id -> BigInt,
        post_lesson_id -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(quiz_attempt_items -> quiz_attempts (attempt_id));
diesel::allow_tables_to_appear_in_same_query!(
    questions,
    question_translations,
    question_versions,
    quizzes,
    quiz_items,
    quiz_attempts,
    quiz_attempt_items,
    question_regrades,
    question_regrade_attempts,
    pre_post_tests,
);

diesel::table! {
    session_translations (session_id, language) {
        session_id -> BigInt,
        language -> Text,
        title -> Text,
    }
}

diesel::joinable!(session_translations -> cohort_sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(session_translations, cohort_sessions);

// The resource library (issue 14).
diesel::table! {
    resources (id) {
        id -> BigInt,
        kind -> Text,
        default_language -> Text,
        licence -> Text,
        organisation_id -> Nullable<BigInt>,
        visibility -> Text,
        cohort_id -> Nullable<BigInt>,
        community_id -> Nullable<BigInt>,
        url -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        download_count -> BigInt,
        useful_count -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    resource_translations (id) {
        id -> BigInt,
        resource_id -> BigInt,
        language -> Text,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    resource_topics (resource_id, topic) {
        resource_id -> BigInt,
        topic -> Text,
    }
}

diesel::table! {
    resource_countries (resource_id, country) {
        resource_id -> BigInt,
        country -> Text,
    }
}

diesel::table! {
    resource_files (id) {
        id -> BigInt,
        resource_id -> BigInt,
        language -> Text,
        file_version -> Integer,
        storage_key -> Text,
        file_name -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        superseded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    resource_downloads (resource_id, reader, day) {
        resource_id -> BigInt,
        reader -> Text,
        day -> Date,
    }
}

diesel::table! {
    resource_moderation_log (id) {
        id -> BigInt,
        resource_id -> BigInt,
        moderator_id -> Nullable<BigInt>,
        action -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    resource_bookmarks (user_id, resource_id) {
        user_id -> BigInt,
        resource_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    resource_votes (user_id, resource_id) {
        user_id -> BigInt,
        resource_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    resource_collections (id) {
        id -> BigInt,
        default_language -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    collection_translations (id) {
        id -> BigInt,
        collection_id -> BigInt,
        language -> Text,
        title -> Text,
    }
}

diesel::table! {
    collection_items (collection_id, resource_id) {
        collection_id -> BigInt,
        resource_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(resource_translations -> resources (resource_id));
diesel::joinable!(resource_topics -> resources (resource_id));
diesel::joinable!(resource_countries -> resources (resource_id));
diesel::joinable!(resource_files -> resources (resource_id));
diesel::joinable!(resource_bookmarks -> resources (resource_id));
diesel::joinable!(collection_items -> resources (resource_id));
diesel::allow_tables_to_appear_in_same_query!(
    resources,
    resource_translations,
    resource_topics,
    resource_countries,
    resource_files,
    resource_bookmarks,
    collection_items,
);

// Reaction surveys (issue 13, item 5).
diesel::table! {
    surveys (id) {
        id -> BigInt,
        target -> Text,
        course_id -> Nullable<BigInt>,
        cohort_id -> Nullable<BigInt>,
        session_id -> Nullable<BigInt>,
        anonymous -> Bool,
        default_language -> Text,
        opens_at -> Timestamp,
        closes_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        response_count -> BigInt,
    }
}

diesel::table! {
    survey_items (id) {
        id -> BigInt,
        survey_id -> BigInt,
        position -> Integer,
        kind -> Text,
        required -> Bool,
        scale_max -> Integer,
    }
}

diesel::table! {
    survey_translations (survey_id, language) {
        survey_id -> BigInt,
        language -> Text,
        title -> Text,
        description -> Text,
        items -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    survey_responses (id) {
        id -> Text,
        survey_id -> BigInt,
        respondent_id -> Nullable<BigInt>,
        submitted_on -> Date,
    }
}

diesel::table! {
    survey_answers (response_id, item_id) {
        response_id -> Text,
        item_id -> BigInt,
        value -> Nullable<Integer>,
        text -> Nullable<Text>,
    }
}

diesel::table! {
    survey_value_counts (item_id, value) {
        item_id -> BigInt,
        value -> Integer,
        answers -> BigInt,
    }
}

diesel::table! {
    survey_respondents (survey_id, user_id) {
        survey_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    survey_reminders (survey_id, user_id) {
        survey_id -> BigInt,
        user_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::joinable!(survey_items -> surveys (survey_id));
diesel::joinable!(survey_translations -> surveys (survey_id));
diesel::joinable!(survey_responses -> surveys (survey_id));
diesel::joinable!(survey_answers -> survey_items (item_id));
diesel::joinable!(survey_value_counts -> survey_items (item_id));
diesel::allow_tables_to_appear_in_same_query!(
    surveys,
    survey_items,
    survey_translations,
    survey_responses,
    survey_answers,
    survey_value_counts,
    survey_respondents,
    survey_reminders,
);

// Course reuse (issue 14, items 6-8): where an adapted or imported course came from, and
// the library resources a lesson points to.
diesel::table! {
    course_attributions (course_id) {
        course_id -> BigInt,
        adapted_from -> Nullable<BigInt>,
        origin -> Text,
        title -> Text,
        language -> Text,
        authors -> Text,
        licence -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lesson_resources (lesson_id, resource_id) {
        lesson_id -> BigInt,
        resource_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(course_attributions -> courses (course_id));
diesel::joinable!(lesson_resources -> lessons (lesson_id));
diesel::joinable!(lesson_resources -> resources (resource_id));
diesel::allow_tables_to_appear_in_same_query!(course_attributions, lesson_resources);
diesel::allow_tables_to_appear_in_same_query!(course_attributions, courses);
diesel::allow_tables_to_appear_in_same_query!(course_attributions, course_owners);
diesel::allow_tables_to_appear_in_same_query!(course_attributions, course_translations);
diesel::allow_tables_to_appear_in_same_query!(lesson_resources, lessons);
diesel::allow_tables_to_appear_in_same_query!(lesson_resources, resources);
diesel::allow_tables_to_appear_in_same_query!(lesson_resources, resource_files);

diesel::table! {
    post_resources (post_id, resource_id) {
        post_id -> BigInt,
        resource_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(post_resources -> posts (post_id));
diesel::joinable!(post_resources -> resources (resource_id));
diesel::allow_tables_to_appear_in_same_query!(post_resources, posts);
diesel::allow_tables_to_appear_in_same_query!(post_resources, threads);
diesel::allow_tables_to_appear_in_same_query!(post_resources, communities);
diesel::allow_tables_to_appear_in_same_query!(post_resources, community_members);
diesel::allow_tables_to_appear_in_same_query!(post_resources, resources);
diesel::allow_tables_to_appear_in_same_query!(lesson_resources, courses);
diesel::allow_tables_to_appear_in_same_query!(lesson_resources, course_owners);

// Issue 15, items 1 and 4: training needs (rounds, needs, endorsements, links) and
// organisational indicator reports.
diesel::table! {
    needs_rounds (id) {
        id -> BigInt,
        title -> Text,
        description -> Text,
        deadline -> Timestamp,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        needs_version -> BigInt,
    }
}

diesel::table! {
    needs_round_organisations (round_id, organisation_id) {
        round_id -> BigInt,
        organisation_id -> BigInt,
    }
}

diesel::table! {
    needs_round_countries (round_id, country) {
        round_id -> BigInt,
        country -> Text,
    }
}

diesel::table! {
    needs (id) {
        id -> BigInt,
        round_id -> BigInt,
        organisation_id -> BigInt,
        country -> Text,
        author_id -> Nullable<BigInt>,
        topic -> Text,
        topic_text -> Nullable<Text>,
        priority -> Text,
        target_group -> Text,
        sector -> Nullable<Text>,
        languages -> Text,
        delivery_mode -> Text,
        participants -> Integer,
        state -> Text,
        endorsement_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    need_endorsements (id) {
        id -> BigInt,
        need_id -> BigInt,
        user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    need_links (id) {
        id -> BigInt,
        need_id -> BigInt,
        course_id -> Nullable<BigInt>,
        cohort_id -> Nullable<BigInt>,
        linked_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    indicator_reports (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        year -> Integer,
        quarter -> Integer,
        members_recruited -> Integer,
        agreements_signed -> Integer,
        agreements_improved -> Integer,
        policies_adopted -> Integer,
        trainings_run -> Integer,
        attribution_note -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    indicator_report_cohorts (report_id, cohort_id) {
        report_id -> BigInt,
        cohort_id -> BigInt,
    }
}

diesel::joinable!(needs_round_organisations -> needs_rounds (round_id));
diesel::joinable!(needs_round_countries -> needs_rounds (round_id));
diesel::joinable!(needs -> needs_rounds (round_id));
diesel::joinable!(need_endorsements -> needs (need_id));
diesel::joinable!(need_links -> needs (need_id));
diesel::joinable!(indicator_report_cohorts -> indicator_reports (report_id));
diesel::allow_tables_to_appear_in_same_query!(
    needs_rounds,
    needs_round_organisations,
    needs_round_countries,
    needs,
    need_endorsements,
    need_links,
    indicator_reports,
    indicator_report_cohorts,
);
diesel::allow_tables_to_appear_in_same_query!(needs_round_organisations, memberships);
diesel::allow_tables_to_appear_in_same_query!(needs_round_organisations, organisations);
diesel::allow_tables_to_appear_in_same_query!(needs_round_countries, organisations);
diesel::allow_tables_to_appear_in_same_query!(needs, organisations);
diesel::allow_tables_to_appear_in_same_query!(need_links, cohorts);
diesel::allow_tables_to_appear_in_same_query!(need_links, courses);
diesel::allow_tables_to_appear_in_same_query!(indicator_report_cohorts, cohort_facilitators);
diesel::allow_tables_to_appear_in_same_query!(memberships, trainer_certifications);
diesel::allow_tables_to_appear_in_same_query!(memberships, cohort_facilitators);
// Training follow-up (issue 15, items 2, 3 and 5): action plans, follow-up schedules,
// check-ins, guidance requests, reminders and erased members' counts.
diesel::table! {
    followup_schedules (cohort_id) {
        cohort_id -> BigInt,
        offsets -> Text,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    action_plans (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        user_id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        goals -> Text,
        support_needed -> Text,
        endorsed_by -> Nullable<BigInt>,
        endorsed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    action_plan_steps (id) {
        id -> BigInt,
        plan_id -> BigInt,
        position -> Integer,
        title -> Text,
        due_on -> Date,
    }
}

diesel::table! {
    check_ins (id) {
        id -> BigInt,
        plan_id -> BigInt,
        round -> Integer,
        submitted_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    check_in_reports (id) {
        id -> BigInt,
        check_in_id -> BigInt,
        step_id -> BigInt,
        status -> Text,
        applied -> Text,
        barriers -> Text,
        barrier_note -> Text,
        evidence_links -> Text,
        resource_ids -> Text,
        confirmation -> Nullable<Text>,
        confirmation_note -> Nullable<Text>,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    guidance_requests (id) {
        id -> BigInt,
        plan_id -> BigInt,
        cohort_id -> BigInt,
        step_id -> Nullable<BigInt>,
        question -> Text,
        state -> Text,
        answer -> Nullable<Text>,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    check_in_reminders (plan_id, round) {
        plan_id -> BigInt,
        round -> Integer,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    followup_erased_counts (cohort_id) {
        cohort_id -> BigInt,
        plans -> BigInt,
        endorsed_plans -> BigInt,
        steps -> BigInt,
        check_ins -> BigInt,
        reports_done -> BigInt,
        reports_in_progress -> BigInt,
        reports_dropped -> BigInt,
        reports_confirmed -> BigInt,
        reports_questioned -> BigInt,
        guidance_requests -> BigInt,
        guidance_answered -> BigInt,
    }
}

diesel::joinable!(action_plan_steps -> action_plans (plan_id));
diesel::joinable!(check_ins -> action_plans (plan_id));
diesel::joinable!(check_in_reports -> check_ins (check_in_id));
diesel::joinable!(guidance_requests -> action_plans (plan_id));
diesel::joinable!(action_plans -> cohorts (cohort_id));
diesel::allow_tables_to_appear_in_same_query!(
    followup_schedules,
    action_plans,
    action_plan_steps,
    check_ins,
    check_in_reports,
    guidance_requests,
    check_in_reminders,
    followup_erased_counts,
);
diesel::allow_tables_to_appear_in_same_query!(action_plans, cohorts);
diesel::allow_tables_to_appear_in_same_query!(action_plans, users);

// Webhooks (issue 16).
diesel::table! {
    webhook_subscriptions (id) {
        id -> BigInt,
        owner_id -> BigInt,
        url -> Text,
        description -> Nullable<Text>,
        secret -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_subscription_events (event, subscription_id) {
        subscription_id -> BigInt,
        event -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        subscription_id -> BigInt,
        event -> Text,
        message_id -> Text,
        payload -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        failed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_subscriptions -> users (owner_id));
diesel::joinable!(webhook_subscription_events -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_subscriptions,
    webhook_subscription_events,
    webhook_deliveries,
    users,
);
// Issue 17, items 1 to 4: language access (migration `language_access`).
diesel::table! {
    translation_sources (item_kind, item_id) {
        item_kind -> Text,
        item_id -> BigInt,
        course_id -> Nullable<BigInt>,
        version -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    translation_versions (item_kind, item_id, language) {
        item_kind -> Text,
        item_id -> BigInt,
        language -> Text,
        source_version -> BigInt,
    }
}

diesel::table! {
    translators (user_id, language) {
        user_id -> BigInt,
        language -> Text,
        granted_by -> Nullable<BigInt>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    translation_drafts (id) {
        id -> BigInt,
        item_kind -> Text,
        item_id -> BigInt,
        course_id -> Nullable<BigInt>,
        language -> Text,
        title -> Text,
        summary -> Text,
        description -> Text,
        content -> Text,
        source_version -> BigInt,
        author_id -> BigInt,
        status -> Text,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    translation_requests (id) {
        id -> BigInt,
        course_id -> Nullable<BigInt>,
        user_id -> BigInt,
        language -> Text,
        country -> Nullable<Text>,
        created_at -> Timestamp,
        notified_at -> Nullable<Timestamp>,
        // Migration `language_access_items`: a request names a course or a resource.
        resource_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    glossary_entries (id) {
        id -> BigInt,
        source_language -> Text,
        target_language -> Text,
        source_term -> Text,
        source_key -> Text,
        target_term -> Text,
        note -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    translation_sources,
    translation_versions,
    translators,
    translation_drafts,
    translation_requests,
    glossary_entries,
);
diesel::allow_tables_to_appear_in_same_query!(translation_requests, users);
diesel::allow_tables_to_appear_in_same_query!(translation_requests, courses);
diesel::allow_tables_to_appear_in_same_query!(translators, users);

// Issue 16, items 1 and 2: programmes and the stamps that keep dashboards' summaries.
diesel::table! {
    programmes (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        starts_on -> Date,
        ends_on -> Date,
        target_participants -> Nullable<Integer>,
        target_women_percent -> Nullable<Integer>,
        target_under_35_percent -> Nullable<Integer>,
        target_countries -> Nullable<Integer>,
        target_completion_percent -> Nullable<Integer>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    programme_cohorts (programme_id, cohort_id) {
        programme_id -> BigInt,
        cohort_id -> BigInt,
    }
}

diesel::table! {
    programme_courses (programme_id, course_id) {
        programme_id -> BigInt,
        course_id -> BigInt,
    }
}

diesel::table! {
    dashboard_stamps (scope, scope_id) {
        scope -> Text,
        scope_id -> BigInt,
        n -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(dashboard_stamps, cohorts);
diesel::allow_tables_to_appear_in_same_query!(dashboard_stamps, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(dashboard_stamps, programme_cohorts);
diesel::allow_tables_to_appear_in_same_query!(dashboard_stamps, programme_courses);
diesel::allow_tables_to_appear_in_same_query!(dashboard_stamps, nominations);
diesel::allow_tables_to_appear_in_same_query!(cohort_courses, nominations);
diesel::allow_tables_to_appear_in_same_query!(followup_schedules, programme_cohorts);
diesel::allow_tables_to_appear_in_same_query!(followup_schedules, nominations);
diesel::allow_tables_to_appear_in_same_query!(followup_schedules, cohorts);

diesel::joinable!(programme_cohorts -> programmes (programme_id));
diesel::joinable!(programme_courses -> programmes (programme_id));
diesel::allow_tables_to_appear_in_same_query!(programmes, programme_cohorts, programme_courses);
diesel::allow_tables_to_appear_in_same_query!(programme_cohorts, cohorts);
diesel::allow_tables_to_appear_in_same_query!(programme_courses, courses);
diesel::allow_tables_to_appear_in_same_query!(programme_courses, cohort_courses);
diesel::allow_tables_to_appear_in_same_query!(programme_cohorts, cohort_courses);

// Issue 17, item 5: community posts across languages.
diesel::table! {
    post_translations (id) {
        id -> BigInt,
        post_id -> BigInt,
        language -> Text,
        origin -> Text,
        translator_id -> Nullable<BigInt>,
        body -> Text,
        body_html -> Text,
        source_digest -> Text,
        source_version -> BigInt,
        source_written_at -> Timestamp,
        hidden_at -> Nullable<Timestamp>,
        hidden_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    post_translation_requests (post_id, language, requester_id) {
        post_id -> BigInt,
        language -> Text,
        requester_id -> BigInt,
        created_at -> Timestamp,
        notified_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    machine_translation_jobs (id) {
        id -> BigInt,
        post_id -> BigInt,
        source_language -> Text,
        language -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        done_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        failed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(post_translations -> posts (post_id));
diesel::joinable!(post_translation_requests -> posts (post_id));
diesel::joinable!(machine_translation_jobs -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(
    post_translations,
    post_translation_requests,
    machine_translation_jobs
);
diesel::allow_tables_to_appear_in_same_query!(post_translations, posts);
diesel::allow_tables_to_appear_in_same_query!(post_translations, threads);
diesel::allow_tables_to_appear_in_same_query!(post_translations, users);
diesel::allow_tables_to_appear_in_same_query!(post_translation_requests, posts);
diesel::allow_tables_to_appear_in_same_query!(post_translation_requests, threads);
diesel::allow_tables_to_appear_in_same_query!(post_translation_requests, users);
diesel::allow_tables_to_appear_in_same_query!(machine_translation_jobs, posts);
diesel::allow_tables_to_appear_in_same_query!(machine_translation_jobs, threads);
diesel::allow_tables_to_appear_in_same_query!(machine_translation_jobs, users);

// Post search's change log (migration 000070): written by triggers, read by
// `search::index` (issue 18, item 4).
diesel::table! {
    search_changes (seq) {
        seq -> BigInt,
        post_id -> BigInt,
    }
}

// The instances that apply the change log, with their positions (migration 000076).
diesel::table! {
    search_instances (instance) {
        instance -> Text,
        position -> BigInt,
        seen_at -> Timestamp,
    }
}
