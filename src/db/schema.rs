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
