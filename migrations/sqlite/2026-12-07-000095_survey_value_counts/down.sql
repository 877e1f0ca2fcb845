DROP TABLE survey_value_counts;
