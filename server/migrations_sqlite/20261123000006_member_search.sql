-- Member search by name or email substring without reading every member of a
-- large organization: a trigram full-text index over users (SQLite's FTS5). A
-- search first asks the index which users contain the text anywhere; only when
-- that is a bounded number does it join them with the organization's members
-- (see store::members::list_members).
CREATE VIRTUAL TABLE users_search USING fts5(user_id UNINDEXED, name, email, tokenize = 'trigram');

INSERT INTO users_search (rowid, user_id, name, email) SELECT rowid, id, name, email FROM users;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, user_id, name, email) VALUES (new.rowid, new.id, new.name, new.email);
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF name, email ON users BEGIN
    UPDATE users_search SET name = new.name, email = new.email WHERE user_id = old.id;
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search WHERE user_id = old.id;
END;
