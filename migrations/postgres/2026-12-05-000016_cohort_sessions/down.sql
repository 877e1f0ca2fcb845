DROP TABLE session_reminders;
DROP TABLE calendar_feeds;
DROP TABLE session_attendance;
DROP TABLE session_check_in_codes;
DROP TABLE session_materials;
DROP TABLE cohort_sessions;
