-- Member search by name or email substring without reading every member of a
-- large organization: trigram indexes over users' names and emails (pg_trgm, a
-- trusted extension since PostgreSQL 13). See store::members::list_members.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX users_search_name ON users USING gin (lower(name) gin_trgm_ops);
CREATE INDEX users_search_email ON users USING gin (email gin_trgm_ops);
