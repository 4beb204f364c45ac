-- Member search by an email address in a large organization (issue 18): the
-- users whose address contains `local@domain` are those whose local part ends
-- with `local` (an address has one `@`), so an index of the local parts read
-- backwards answers it as one range (`store::members::local_part_probe`),
-- where the trigram index read every user holding each trigram of `local`.
--
-- SQLite has no reverse(): the column is the local part's characters from the
-- last to the first, one `substr` each. A local part has at most 64 characters
-- (`domain::text::Email`); `max(…, 0)` turns a position before the first
-- character into 0, where `substr` gives ''. Generated, so no statement that
-- writes an address can leave it stale.
ALTER TABLE users ADD COLUMN email_local_reversed TEXT GENERATED ALWAYS AS (
        substr(email, max(instr(email, '@') - 1, 0), 1) ||
        substr(email, max(instr(email, '@') - 2, 0), 1) ||
        substr(email, max(instr(email, '@') - 3, 0), 1) ||
        substr(email, max(instr(email, '@') - 4, 0), 1) ||
        substr(email, max(instr(email, '@') - 5, 0), 1) ||
        substr(email, max(instr(email, '@') - 6, 0), 1) ||
        substr(email, max(instr(email, '@') - 7, 0), 1) ||
        substr(email, max(instr(email, '@') - 8, 0), 1) ||
        substr(email, max(instr(email, '@') - 9, 0), 1) ||
        substr(email, max(instr(email, '@') - 10, 0), 1) ||
        substr(email, max(instr(email, '@') - 11, 0), 1) ||
        substr(email, max(instr(email, '@') - 12, 0), 1) ||
        substr(email, max(instr(email, '@') - 13, 0), 1) ||
        substr(email, max(instr(email, '@') - 14, 0), 1) ||
        substr(email, max(instr(email, '@') - 15, 0), 1) ||
        substr(email, max(instr(email, '@') - 16, 0), 1) ||
        substr(email, max(instr(email, '@') - 17, 0), 1) ||
        substr(email, max(instr(email, '@') - 18, 0), 1) ||
        substr(email, max(instr(email, '@') - 19, 0), 1) ||
        substr(email, max(instr(email, '@') - 20, 0), 1) ||
        substr(email, max(instr(email, '@') - 21, 0), 1) ||
        substr(email, max(instr(email, '@') - 22, 0), 1) ||
        substr(email, max(instr(email, '@') - 23, 0), 1) ||
        substr(email, max(instr(email, '@') - 24, 0), 1) ||
        substr(email, max(instr(email, '@') - 25, 0), 1) ||
        substr(email, max(instr(email, '@') - 26, 0), 1) ||
        substr(email, max(instr(email, '@') - 27, 0), 1) ||
        substr(email, max(instr(email, '@') - 28, 0), 1) ||
        substr(email, max(instr(email, '@') - 29, 0), 1) ||
        substr(email, max(instr(email, '@') - 30, 0), 1) ||
        substr(email, max(instr(email, '@') - 31, 0), 1) ||
        substr(email, max(instr(email, '@') - 32, 0), 1) ||
        substr(email, max(instr(email, '@') - 33, 0), 1) ||
        substr(email, max(instr(email, '@') - 34, 0), 1) ||
        substr(email, max(instr(email, '@') - 35, 0), 1) ||
        substr(email, max(instr(email, '@') - 36, 0), 1) ||
        substr(email, max(instr(email, '@') - 37, 0), 1) ||
        substr(email, max(instr(email, '@') - 38, 0), 1) ||
        substr(email, max(instr(email, '@') - 39, 0), 1) ||
        substr(email, max(instr(email, '@') - 40, 0), 1) ||
        substr(email, max(instr(email, '@') - 41, 0), 1) ||
        substr(email, max(instr(email, '@') - 42, 0), 1) ||
        substr(email, max(instr(email, '@') - 43, 0), 1) ||
        substr(email, max(instr(email, '@') - 44, 0), 1) ||
        substr(email, max(instr(email, '@') - 45, 0), 1) ||
        substr(email, max(instr(email, '@') - 46, 0), 1) ||
        substr(email, max(instr(email, '@') - 47, 0), 1) ||
        substr(email, max(instr(email, '@') - 48, 0), 1) ||
        substr(email, max(instr(email, '@') - 49, 0), 1) ||
        substr(email, max(instr(email, '@') - 50, 0), 1) ||
        substr(email, max(instr(email, '@') - 51, 0), 1) ||
        substr(email, max(instr(email, '@') - 52, 0), 1) ||
        substr(email, max(instr(email, '@') - 53, 0), 1) ||
        substr(email, max(instr(email, '@') - 54, 0), 1) ||
        substr(email, max(instr(email, '@') - 55, 0), 1) ||
        substr(email, max(instr(email, '@') - 56, 0), 1) ||
        substr(email, max(instr(email, '@') - 57, 0), 1) ||
        substr(email, max(instr(email, '@') - 58, 0), 1) ||
        substr(email, max(instr(email, '@') - 59, 0), 1) ||
        substr(email, max(instr(email, '@') - 60, 0), 1) ||
        substr(email, max(instr(email, '@') - 61, 0), 1) ||
        substr(email, max(instr(email, '@') - 62, 0), 1) ||
        substr(email, max(instr(email, '@') - 63, 0), 1) ||
        substr(email, max(instr(email, '@') - 64, 0), 1)
    ) VIRTUAL;

CREATE INDEX users_by_local_part_reversed ON users (email_local_reversed, id);

-- A name may contain `@` too: those users are candidates for an address search
-- whatever their address (`store::members::local_part_probe`).
CREATE INDEX users_named_with_at ON users (id) WHERE instr(name, '@') > 0;
