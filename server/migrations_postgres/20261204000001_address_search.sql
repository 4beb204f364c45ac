-- Member search by an email address in a large organization (issue 18): the
-- users whose address contains `local@domain` are those whose local part ends
-- with `local` (an address has one `@`), so an index of the local parts read
-- backwards answers it as one range (`store::members::local_part_probe`),
-- where the trigram indexes read every user holding each trigram of `local`.
-- Collated "C" so that the range compares bytes, as SQLite's does.
ALTER TABLE users ADD COLUMN email_local_reversed TEXT COLLATE "C"
    GENERATED ALWAYS AS (reverse(split_part(email, '@', 1))) STORED;

CREATE INDEX users_by_local_part_reversed ON users (email_local_reversed, id);

-- A name may contain `@` too: those users are candidates for an address search
-- whatever their address (`store::members::local_part_probe`).
CREATE INDEX users_named_with_at ON users (id) WHERE strpos(name, '@') > 0;
