-- The audit log is written on every read of enterprise data (a portrait is one line, and one per
-- similar enterprise it names): an index over every line's action and target made each insert a
-- random B-tree insert, the largest cost of a loaded server. Only failed logins are ever looked up
-- (throttling), so only they are indexed.
DROP INDEX audit_log_action;
CREATE INDEX audit_log_failed_logins ON audit_log (target, at) WHERE action = 'login.failed';
