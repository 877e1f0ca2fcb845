DROP TABLE lesson_translations;
DROP TABLE lessons;
DROP TABLE module_translations;
DROP TABLE course_modules;
DROP TABLE course_owners;
DROP TABLE course_topics;
DROP TABLE course_translations;
DROP TABLE courses;
