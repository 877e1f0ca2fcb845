DROP TABLE glossary_entries;
DROP TABLE translation_requests;
DROP TABLE translation_drafts;
DROP TABLE translators;
DROP TABLE translation_versions;
DROP TABLE translation_sources;
