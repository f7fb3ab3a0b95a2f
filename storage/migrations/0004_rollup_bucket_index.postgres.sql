-- The 1h refresh reads samples_1m by bucket range and retention deletes by
-- bucket: BRIN indexes on the append-ordered bucket column serve both for a
-- few pages each.
CREATE INDEX samples_1m_bucket_brin ON samples_1m USING brin (bucket);
CREATE INDEX samples_1h_bucket_brin ON samples_1h USING brin (bucket);
