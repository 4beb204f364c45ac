// sqlx::migrate! embeds the migration folders at compile time: rebuild when
// a migration is added or changed.
fn main() {
    for dir in ["migrations", "migrations_sqlite", "migrations_postgres"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
