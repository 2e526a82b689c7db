-- Each event remembers the trace of the request that wrote it (a W3C traceparent, only when that
-- request's trace was kept), so the relay's span that publishes it links back to it: one click from
-- the publication to the create. Appended and nullable, so the column is added instantly.
ALTER TABLE outbox ADD COLUMN trace_parent VARCHAR(55) NULL;
