//! `orgspace seed`: fills an empty database with a large, realistic dataset for
//! the benchmarks — many users each with a personal account, one very large
//! organization, every user in several 50-member organizations (up to the
//! organization limit), and a long activity log in the large organization.
//!
//! Rows go in as multi-row `INSERT`s inside large transactions, so a million
//! users take a minute or two rather than hours. Every seeded user signs in with
//! [`SEED_PASSWORD`]. `user0@seed.test` owns the large organization; every
//! other user has a varied name and address ([`person`]): first and last names
//! from lists, in several shapes, at a few webmail domains and thousands of
//! company domains of Zipf-like popularity, so member search meets the spread
//! of trigrams real addresses have (issue 18), not one shared `user…@` prefix.

use crate::error::{ApiError, ApiResult};
use crate::store::Store;
use domain::AccountId;
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write as _;

/// The password of every seeded user.
pub const SEED_PASSWORD: &str = "seed password 1234";

/// How big a dataset to make.
#[derive(clap::Args, Clone, Debug)]
pub struct SeedOptions {
    /// Users, each with a personal account.
    #[arg(long, default_value_t = 1_000_000)]
    pub users: u64,
    /// Members of the large organization ("Big Org"), the first users.
    #[arg(long, default_value_t = 100_000)]
    pub big_org_members: u64,
    /// Organizations per user (the large one counts), at most the limit of 5.
    #[arg(long, default_value_t = 5)]
    pub orgs_per_user: u64,
    /// Members of each of the other organizations.
    #[arg(long, default_value_t = 50)]
    pub org_size: u64,
    /// Activity entries in the large organization.
    #[arg(long, default_value_t = 1_000_000)]
    pub activity: u64,
    /// For the accept-invitation benchmark: users `invitee{n}@seed.test`, each
    /// signed in with session token `bench-session-{n}` and holding a pending
    /// invitation to Big Org whose link token is `bench-invitation-{n}`.
    #[arg(long, default_value_t = 0)]
    pub invitees: u64,
}

/// Rows per `INSERT` statement and per transaction.
const ROWS_PER_STATEMENT: usize = 500;
const ROWS_PER_TRANSACTION: usize = 50_000;

/// Collects rows and writes them in batches.
struct Batch<'a> {
    store: &'a Store,
    head: &'static str,
    rows: Vec<String>,
    progress: &'a ProgressBar,
}

impl<'a> Batch<'a> {
    fn new(store: &'a Store, head: &'static str, progress: &'a ProgressBar) -> Self {
        Self {
            store,
            head,
            rows: Vec::with_capacity(ROWS_PER_TRANSACTION),
            progress,
        }
    }

    async fn push(&mut self, row: String) -> ApiResult<()> {
        self.rows.push(row);
        if self.rows.len() >= ROWS_PER_TRANSACTION {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> ApiResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.store.begin_write().await?;
        for chunk in self.rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!("{} VALUES {}", self.head, chunk.join(","));
            tx.execute_batch(&sql).await?;
        }
        tx.commit_without_activity().await?;
        self.progress.inc(self.rows.len() as u64);
        self.rows.clear();
        Ok(())
    }
}

const FIRST_NAMES: [&str; 64] = [
    "Anna", "Ben", "Carla", "David", "Elena", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoe", "Aisha", "Bruno", "Chloe", "Dmitri", "Emma", "Farah",
    "Giulia", "Hannah", "Ivan", "Julia", "Kenji", "Lucia", "Mateo", "Nadia", "Oscar", "Priya",
    "Rafael", "Sofia", "Tomas", "Ulla", "Viktor", "Wanda", "Yara", "Zeynep", "Amir", "Bianca",
    "Carlos", "Daria", "Erik", "Fatima", "Goran", "Helena", "Ilya", "Jana", "Karim", "Lena",
    "Marco", "Nora",
];
const LAST_NAMES: [&str; 64] = [
    "Smith",
    "Muller",
    "Garcia",
    "Rossi",
    "Novak",
    "Kowalski",
    "Nguyen",
    "Kim",
    "Silva",
    "Martin",
    "Jensen",
    "Ivanova",
    "Haddad",
    "Tanaka",
    "Okafor",
    "Schmidt",
    "Dubois",
    "Lopez",
    "Bauer",
    "Costa",
    "Petrov",
    "Yilmaz",
    "Andersson",
    "Moreau",
    "Fischer",
    "Romano",
    "Horvat",
    "Chen",
    "Singh",
    "Patel",
    "Wagner",
    "Becker",
    "Ferrari",
    "Santos",
    "Nielsen",
    "Virtanen",
    "Popescu",
    "Kovacs",
    "Dvorak",
    "Larsen",
    "Weber",
    "Hoffmann",
    "Bianchi",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "Moretti",
    "Lindqvist",
    "Berg",
    "Hansen",
    "Johansson",
    "Eriksson",
    "Svensson",
    "Karlsson",
    "Nilsson",
    "Olsen",
    "Pedersen",
    "Kristensen",
    "Koch",
    "Richter",
    "Klein",
];
/// Webmail domains and the share of users at each, in percent; the rest are at
/// company domains.
const WEBMAIL: [(&str, u64); 4] = [
    ("gmail.com", 22),
    ("outlook.com", 9),
    ("yahoo.com", 5),
    ("proton.me", 2),
];
const SYLLABLES: [&str; 24] = [
    "nor", "vex", "ta", "lum", "bri", "co", "dan", "sol", "mi", "ra", "ko", "zen", "tri", "val",
    "qua", "pex", "ori", "gal", "sen", "tor", "ly", "neo", "mar", "ix",
];
const TLDS: [&str; 6] = ["com", "io", "de", "fr", "co.uk", "net"];
const COMPANIES: f64 = 5_000.0;

/// A 64-bit mix of `n` (splitmix64's finaliser): the seed's variety is a pure
/// function of the user's number, so every run seeds the same people.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// User `i`'s address and name: `user0@seed.test` for the owner of Big Org,
/// otherwise a first and last name in one of four shapes (`anna.smith`,
/// `asmith`, `anna_smith`, `annas`) with the user's number to keep it unique,
/// at a webmail domain or at one of 5,000 company domains whose popularity
/// falls off like Zipf's law (a log-uniform rank).
pub fn person(i: u64) -> (String, String) {
    if i == 0 {
        return ("user0@seed.test".to_owned(), "User 0".to_owned());
    }
    let r = mix(i);
    let first = FIRST_NAMES[(r % 64) as usize];
    let last = LAST_NAMES[((r >> 6) % 64) as usize];
    let (f, l) = (first.to_lowercase(), last.to_lowercase());
    let local = match (r >> 12) % 4 {
        0 => format!("{f}.{l}{i}"),
        1 => format!("{}{l}{i}", &f[..1]),
        2 => format!("{f}_{l}{i}"),
        _ => format!("{f}{}{i}", &l[..1]),
    };
    let mut percent = (r >> 16) % 100;
    let mut domain = None;
    for (name, share) in WEBMAIL {
        if percent < share {
            domain = Some(name.to_owned());
            break;
        }
        percent -= share;
    }
    let domain = domain.unwrap_or_else(|| {
        let unit = ((r >> 24) & 0xff_ffff) as f64 / f64::from(1u32 << 24);
        let rank = COMPANIES.powf(unit) as usize;
        let s = |k: usize| SYLLABLES[(rank / k) % SYLLABLES.len()];
        format!("{}{}{}.{}", s(1), s(7), s(53), TLDS[rank % TLDS.len()])
    });
    (format!("{local}@{domain}"), format!("{first} {last}"))
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Fills the database behind `store`, which must hold no users yet.
pub async fn seed(store: &Store, options: &SeedOptions) -> ApiResult<()> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(store.pool())
        .await?;
    if users > 0 {
        return Err(ApiError::Internal(format!(
            "seed fills an empty database, and this one has {users} users; point DATABASE_URL at a new file or database"
        )));
    }
    let n = options.users.max(1);
    let big = options.big_org_members.min(n);
    let per_user = options.orgs_per_user.clamp(1, 5);
    let org_size = options.org_size.max(1);
    let now = crate::clock::now().as_millis();
    let hash = crate::secrets::hash_password(SEED_PASSWORD.to_owned()).await?;

    let style = ProgressStyle::with_template(
        "{msg:<26} [{bar:40}] {pos:>9}/{len:9} rows  {per_sec:>12}  eta {eta}",
    )
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .progress_chars("=> ");
    let bar = |message: &'static str, total: u64| {
        let progress = ProgressBar::new(total).with_style(style.clone());
        progress.set_message(message);
        progress
    };

    // Users and their personal accounts.
    let user_ids: Vec<String> = (0..n).map(|_| new_id()).collect();
    let progress = bar("users", n);
    let mut batch = Batch::new(
        store,
        "INSERT INTO users (id, email, name, password_hash, created_at, email_verified_at)",
        &progress,
    );
    // The names again for the personal accounts, made once here.
    let mut names = Vec::with_capacity(user_ids.len());
    for (i, id) in user_ids.iter().enumerate() {
        let (email, name) = person(i as u64);
        batch
            .push(format!(
                "('{id}', '{email}', '{name}', '{hash}', {now}, {now})"
            ))
            .await?;
        names.push(name);
    }
    batch.flush().await?;
    progress.finish();

    let progress = bar("personal accounts", n * 2);
    let mut accounts = Batch::new(store, "INSERT INTO accounts (id, kind, name, slug, personal_user_id, status, credit_cents, plan, region, created_at)", &progress);
    let mut personal_ids = Vec::with_capacity(user_ids.len());
    for (user, name) in user_ids.iter().zip(&names) {
        let id = new_id();
        accounts
            .push(format!(
                "('{id}', 'personal', '{name}', NULL, '{user}', 'active', 0, 'hobby', NULL, {now})"
            ))
            .await?;
        personal_ids.push(id);
    }
    accounts.flush().await?;
    let mut members = Batch::new(
        store,
        "INSERT INTO memberships (account_id, user_id, role, joined_at)",
        &progress,
    );
    for (account, user) in personal_ids.iter().zip(&user_ids) {
        members
            .push(format!("('{account}', '{user}', 'owner', {now})"))
            .await?;
    }
    members.flush().await?;
    drop(personal_ids);
    progress.finish();

    // The organizations: the large one, then layers of `org_size`-member ones so
    // that every user is in `per_user` organizations.
    let mut organizations: Vec<(String, String, Vec<usize>)> = Vec::new(); // (id, name, member indexes)
    organizations.push((new_id(), "Big Org".to_owned(), (0..big as usize).collect()));
    let shift = (org_size / 3 + 1) as usize;
    for layer in 0..per_user as usize {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in 0..n as usize {
            let in_big = (i as u64) < big;
            if layer == 0 && in_big {
                continue; // the large organization is this user's first
            }
            let position = (i + layer * shift) % n as usize;
            let group = position / org_size as usize;
            if groups.len() <= group {
                groups.resize_with(group + 1, Vec::new);
            }
            groups[group].push(i);
        }
        for (g, group) in groups.into_iter().enumerate() {
            if !group.is_empty() {
                organizations.push((new_id(), format!("Org {layer}-{g}"), group));
            }
        }
    }
    // Users outside the large organization are in `per_user` small ones; those
    // inside it in `per_user - 1` small ones plus the large one.
    let total_members: u64 = organizations.iter().map(|(_, _, m)| m.len() as u64).sum();
    let progress = bar(
        "organizations",
        organizations.len() as u64 * 3 + total_members * 2,
    );
    let mut accounts = Batch::new(store, "INSERT INTO accounts (id, kind, name, slug, personal_user_id, status, credit_cents, plan, region, billing_name, billing_street, billing_city, billing_postal_code, billing_country, created_at)", &progress);
    for (index, (id, name, _)) in organizations.iter().enumerate() {
        accounts
            .push(format!("('{id}', 'organization', '{name}', 'seed-{index}', NULL, 'active', 100000, 'enterprise', 'eu-central', '{name} AG', 'Main 1', 'Berlin', '10115', 'DE', {now})"))
            .await?;
    }
    accounts.flush().await?;
    let roles = ["admin", "tech", "viewer", "tech", "viewer"];
    let mut members = Batch::new(
        store,
        "INSERT INTO memberships (account_id, user_id, role, joined_at)",
        &progress,
    );
    for (id, _, group) in &organizations {
        for (k, &i) in group.iter().enumerate() {
            let role = if k == 0 {
                "owner"
            } else {
                roles[k % roles.len()]
            };
            members
                .push(format!(
                    "('{id}', '{}', '{role}', {})",
                    user_ids[i],
                    now + k as i64
                ))
                .await?;
        }
    }
    members.flush().await?;
    let mut teams = Batch::new(
        store,
        "INSERT INTO teams (id, account_id, name, created_at)",
        &progress,
    );
    let mut team_ids = Vec::with_capacity(organizations.len());
    for (id, _, _) in &organizations {
        let team = new_id();
        teams
            .push(format!("('{team}', '{id}', 'My Team', {now})"))
            .await?;
        team_ids.push(team);
    }
    teams.flush().await?;
    let mut team_members = Batch::new(
        store,
        "INSERT INTO team_members (team_id, account_id, user_id, role)",
        &progress,
    );
    for ((id, _, group), team) in organizations.iter().zip(&team_ids) {
        // The owner is team admin; every tenth member is a team member.
        for (k, &i) in group.iter().enumerate().filter(|(k, _)| k % 10 == 0) {
            let role = if k == 0 { "team_admin" } else { "team_member" };
            team_members
                .push(format!("('{team}', '{id}', '{}', '{role}')", user_ids[i]))
                .await?;
        }
    }
    team_members.flush().await?;
    progress.finish();

    // The large organization's activity log, oldest first, one entry a second.
    let big_id: AccountId = organizations[0]
        .0
        .parse()
        .map_err(|_| ApiError::Internal("seeded id".into()))?;
    let progress = bar("activity", options.activity);
    let events = [
        "member.role_changed",
        "instance.created",
        "instance.deleted",
        "team.member_set",
        "funds.added",
    ];
    let mut activity = Batch::new(store, "INSERT INTO activity (id, account_id, at, actor_user_id, actor_api_key_id, event, target_type, target_id, payload)", &progress);
    let members_of_big = big.max(1) as usize;
    for k in 0..options.activity {
        let at = domain::Timestamp::from_millis(now - (options.activity - k) as i64 * 1000);
        let actor = &user_ids[k as usize % members_of_big];
        let event = events[k as usize % events.len()];
        let mut payload = String::new();
        let _ = write!(payload, "{{\"seq\":{k}}}");
        activity
            .push(format!(
                "('{}', '{big_id}', {}, '{actor}', NULL, '{event}', 'organization', '{big_id}', '{payload}')",
                crate::store::activity::entry_id(at),
                at.as_millis()
            ))
            .await?;
    }
    activity.flush().await?;
    progress.finish();

    if options.invitees > 0 {
        seed_invitees(
            store,
            options.invitees,
            &organizations[0].0,
            &user_ids[0],
            &hash,
            now,
        )
        .await?;
    }

    // Fresh statistics, so the planners see the large organization as it is.
    sqlx::raw_sql("ANALYZE").execute(store.pool()).await?;
    println!(
        "seeded {n} users (password {SEED_PASSWORD:?}), {} organizations (Big Org: {big} members, owner user0@seed.test), {} activity entries",
        organizations.len(),
        options.activity
    );
    Ok(())
}

/// Invitees with known session and invitation tokens (see [`SeedOptions::invitees`]).
async fn seed_invitees(
    store: &Store,
    count: u64,
    big_org: &str,
    inviter: &str,
    hash: &str,
    now: i64,
) -> ApiResult<()> {
    use crate::secrets::token_hash;
    let progress = ProgressBar::new(count * 5);
    progress.set_message("invitees");
    let far = now + 365 * 86_400_000;
    let mut users = Batch::new(
        store,
        "INSERT INTO users (id, email, name, password_hash, created_at, email_verified_at)",
        &progress,
    );
    let ids: Vec<String> = (0..count).map(|_| new_id()).collect();
    for (i, id) in ids.iter().enumerate() {
        users
            .push(format!(
                // Not verified: accepting by the mailed token verifies them.
                "('{id}', 'invitee{i}@seed.test', 'Invitee {i}', '{hash}', {now}, NULL)"
            ))
            .await?;
    }
    users.flush().await?;
    let mut accounts = Batch::new(store, "INSERT INTO accounts (id, kind, name, slug, personal_user_id, status, credit_cents, plan, region, created_at)", &progress);
    let personal: Vec<String> = (0..count).map(|_| new_id()).collect();
    for (i, (account, user)) in personal.iter().zip(&ids).enumerate() {
        accounts
            .push(format!("('{account}', 'personal', 'Invitee {i}', NULL, '{user}', 'active', 0, 'hobby', NULL, {now})"))
            .await?;
    }
    accounts.flush().await?;
    let mut members = Batch::new(
        store,
        "INSERT INTO memberships (account_id, user_id, role, joined_at)",
        &progress,
    );
    for (account, user) in personal.iter().zip(&ids) {
        members
            .push(format!("('{account}', '{user}', 'owner', {now})"))
            .await?;
    }
    members.flush().await?;
    let mut sessions = Batch::new(
        store,
        "INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)",
        &progress,
    );
    for (i, user) in ids.iter().enumerate() {
        let token = token_hash(&format!("bench-session-{i}"));
        sessions
            .push(format!(
                "('{}', '{token}', '{user}', {now}, {far}, {now}, '127.0.0.1', 'orgspace seed')",
                new_id()
            ))
            .await?;
    }
    sessions.flush().await?;
    let mut invitations = Batch::new(store, "INSERT INTO invitations (id, account_id, email, role, status, token_hash, note, invited_by, created_at, expires_at)", &progress);
    for i in 0..count {
        let token = token_hash(&format!("bench-invitation-{i}"));
        invitations
            .push(format!("('{}', '{big_org}', 'invitee{i}@seed.test', 'viewer', 'pending', '{token}', NULL, '{inviter}', {now}, {far})", new_id()))
            .await?;
    }
    invitations.flush().await?;
    progress.finish();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::person;
    use domain::text::Email;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn seeded_people_are_valid_unique_and_varied() {
        let n = 20_000;
        let mut addresses = HashSet::new();
        let mut domains: HashMap<String, u64> = HashMap::new();
        let mut prefixes = HashSet::new();
        for i in 0..n {
            let (email, name) = person(i);
            let parsed = Email::parse(&email).unwrap_or_else(|e| panic!("{email}: {e:?}"));
            assert_eq!(
                parsed.as_str(),
                email,
                "stored as the server would store it"
            );
            assert!(
                !name.contains('\'') && !email.contains('\''),
                "safe in a SQL literal"
            );
            assert!(addresses.insert(email.clone()), "{email} twice");
            let (local, domain) = email.split_once('@').unwrap();
            prefixes.insert(local.chars().take(3).collect::<String>());
            *domains.entry(domain.to_owned()).or_default() += 1;
        }
        assert_eq!(
            person(0).0,
            "user0@seed.test",
            "the benchmark signs in as Big Org's owner"
        );
        assert_eq!(person(4242), person(4242), "the same people every run");
        // Webmail holds about 38 % of users; the largest company (rank 1 of a
        // log-uniform rank: about 8 % of the rest) under half of gmail.com;
        // thousands of domains and hundreds of local-part starts.
        let gmail = domains["gmail.com"] as f64 / n as f64;
        assert!((0.18..0.26).contains(&gmail), "gmail.com share {gmail}");
        let company_max = domains
            .iter()
            .filter(|(d, _)| !super::WEBMAIL.iter().any(|(w, _)| w == d))
            .map(|(_, c)| *c)
            .max()
            .unwrap();
        assert!(
            (company_max as f64) < 0.10 * n as f64,
            "largest company {company_max}"
        );
        assert!(domains.len() > 1_000, "{} domains", domains.len());
        assert!(prefixes.len() > 100, "{} local-part starts", prefixes.len());
    }
}
