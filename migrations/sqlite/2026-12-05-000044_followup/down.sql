DROP TABLE followup_erased_counts;
DROP TABLE check_in_reminders;
DROP TABLE guidance_requests;
DROP TABLE check_in_reports;
DROP TABLE check_ins;
DROP TABLE action_plan_steps;
DROP TABLE action_plans;
DROP TABLE followup_schedules;
