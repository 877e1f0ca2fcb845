DROP TABLE lesson_resources;
DROP TABLE course_attributions;
