DROP TABLE indicator_report_cohorts;
DROP TABLE indicator_reports;
