-- What the last successful pass of a monitor's job wants its users to know although it succeeded, e.g. that the
-- monitor selects series of a kind the job does not analyse ("4 histogram series not analysed: …"); NULL when
-- there is nothing to say. GET /monitors and the dashboard's monitors page show it with the last run.
ALTER TABLE analysis_job_status ADD COLUMN last_note text;
