-- The seasonal-naive baseline's holdout MASE on the same windows as the model's,
-- so fit quality can be judged relative to the baseline: on a nearly periodic
-- series the in-sample scale of MASE is tiny and every model, the baseline
-- included, scores far above 1 although its forecast is good.
ALTER TABLE forecast ADD COLUMN baseline_mase double precision;
