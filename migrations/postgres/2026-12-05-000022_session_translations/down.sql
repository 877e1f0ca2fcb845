DROP TABLE session_translations;
