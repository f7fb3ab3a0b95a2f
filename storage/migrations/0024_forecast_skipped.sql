-- The candidates the automatic choice could not use for this forecast, each with
-- why (too short for a holdout window, a fit error, a guard):
-- [{"model": "arima", "reason": "needs 10 points to train"}]. Kept apart from
-- the model and description so a failure is data in the fit details, never text
-- in a chart.
ALTER TABLE forecast ADD COLUMN skipped jsonb NOT NULL DEFAULT '[]';
