//! Spawning a server and talking to it like a client.

use domain::{AccountId, ErrorCode, OrgRole, UserId};
use orgspace_server::config::Config;
use orgspace_server::http::{app, AppState};
use orgspace_server::store::Store;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;

/// A running server with its own database.
pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub outbox: std::path::PathBuf,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    /// Stops the server, so its database connections close with the test.
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A signed-in user with their own cookie jar.
pub struct User {
    pub client: Client,
    pub id: UserId,
    pub personal: AccountId,
    address: String,
}

/// A database URL for one test: a new SQLite file, or a new PostgreSQL database
/// next to the one `DATABASE_URL` names.
async fn fresh_database() -> String {
    match std::env::var("DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
                .await
                .expect("DATABASE_URL must reach PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create test database");
            let (server, _) = base
                .rsplit_once('/')
                .expect("DATABASE_URL has a database name");
            format!("{server}/{name}")
        }
        _ => {
            let path =
                std::env::temp_dir().join(format!("orgspace-test-{}.db", uuid::Uuid::new_v4()));
            format!("sqlite://{}?mode=rwc", path.display())
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose configuration `adjust` changes from the test defaults.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        // Server errors show in a failing test's output (RUST_LOG overrides).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let mut config = Config::defaults();
        config.database_url = fresh_database().await;
        config.app_dir = std::env::temp_dir().join("orgspace-no-app");
        // Tests sign up many users from one address; the limits get their own tests.
        config.registrations_per_hour = 10_000;
        config.login_attempts_per_minute = 10_000;
        config.db_pool_size = 5;
        config.mail_outbox =
            std::env::temp_dir().join(format!("orgspace-outbox-{}", uuid::Uuid::new_v4()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let bound = listener.local_addr().unwrap();
        let address = format!("http://{bound}");
        // Links and passkeys name the server as browsers do: by a domain
        // (WebAuthn refuses a bare IP address); requests go to the address.
        config.public_url = Some(format!("http://localhost:{}", bound.port()));
        adjust(&mut config);
        let outbox = config.mail_outbox.clone();
        let store = Store::connect(&config.database_url, config.db_pool_size)
            .await
            .expect("connect test database");
        let state = AppState::new(store.clone(), config).await.expect("state");
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app(state).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            address,
            store,
            outbox,
            server,
        }
    }

    /// The link token of the newest mail to `email` in the outbox.
    pub fn token_for(&self, email: &str) -> String {
        let mut mails: Vec<_> = std::fs::read_dir(&self.outbox)
            .expect("the outbox exists")
            .map(|entry| entry.unwrap().path())
            .collect();
        mails.sort();
        let mail = mails
            .iter()
            .rev()
            .map(|path| decode_quoted_printable(&std::fs::read_to_string(path).unwrap()))
            .find(|text| text.contains(&format!("To: {email}")))
            .unwrap_or_else(|| panic!("no mail to {email}"));
        let start = mail.find("token=").expect("a link with a token") + "token=".len();
        mail[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// The token of the newest mail to `email` whose link opens `path`
    /// (`/reset-password`), if one arrived.
    pub fn token_for_link(&self, email: &str, path: &str) -> Option<String> {
        let mut mails: Vec<_> = std::fs::read_dir(&self.outbox)
            .ok()?
            .map(|entry| entry.unwrap().path())
            .collect();
        mails.sort();
        let needle = format!("{path}?token=");
        mails
            .iter()
            .rev()
            .map(|path| decode_quoted_printable(&std::fs::read_to_string(path).unwrap()))
            .filter(|text| text.contains(&format!("To: {email}")))
            .find_map(|mail| {
                let start = mail.find(&needle)? + needle.len();
                Some(
                    mail[start..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect(),
                )
            })
    }

    /// Invites `email` to `account` as `role` through the API; returns the invitation.
    pub async fn invite(
        &self,
        owner: &User,
        account: AccountId,
        email: &str,
        role: OrgRole,
    ) -> Value {
        let response = owner
            .post(
                &format!("/api/accounts/{account}/invitations"),
                json!({"email": email, "role": role.id()}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "invite {email}");
        response.json().await.unwrap()
    }

    /// Invites and accepts: `user` becomes a member with `role`, the real way.
    pub async fn join(&self, owner: &User, account: AccountId, user: &User, role: OrgRole) {
        let email = user.email().await;
        self.invite(owner, account, &email, role).await;
        let token = self.token_for(&email);
        let response = user
            .post("/api/invitations/accept-token", json!({"token": token}))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "accept as {email}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The server's public address (what links in mail and passkeys name).
    pub fn public_url(&self) -> String {
        let port = self.address.rsplit(':').next().unwrap();
        format!("http://localhost:{port}")
    }

    /// A client with no session.
    pub fn anonymous(&self) -> Client {
        Client::builder().cookie_store(true).build().unwrap()
    }

    /// Registers `email` with a personal account and verifies the address from
    /// the mailed link (most tests need a verified user; identity tests use
    /// [`TestApp::register_unverified`]).
    pub async fn register(&self, email: &str) -> User {
        let user = self.register_unverified(email).await;
        self.verify_from_mail(&user, email).await;
        user
    }

    /// Registers `email` with a personal account, its address not verified.
    pub async fn register_unverified(&self, email: &str) -> User {
        self.register_with(json!({
            "email": email, "password": PASSWORD, "name": name_of(email), "account_type": "personal"
        }))
        .await
    }

    /// Follows the newest verification link mailed to `email`.
    pub async fn verify_from_mail(&self, user: &User, email: &str) {
        let token = self.token_for(email);
        let response = user
            .post("/api/auth/verify-email", json!({ "token": token }))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "verify {email}");
    }

    /// Registers `email` choosing the organization account type; returns the user
    /// and the organization's id.
    pub async fn register_organization(
        &self,
        email: &str,
        organization: &str,
    ) -> (User, AccountId) {
        let user = self
            .register_with(json!({
                "email": email, "password": PASSWORD, "name": name_of(email),
                "account_type": "organization", "organization": new_organization(organization, "eu-central"),
            }))
            .await;
        self.verify_from_mail(&user, email).await;
        let accounts = user
            .get("/api/accounts")
            .await
            .json::<Value>()
            .await
            .unwrap();
        let id = accounts["items"][1]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        (user, id)
    }

    /// Signs `email` in with `password` on a new client.
    pub async fn login(&self, email: &str, password: &str) -> User {
        let client = self.anonymous();
        let response = client
            .post(self.url("/api/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "sign in as {email}");
        self.user_of(client, response.json().await.unwrap())
    }

    /// The user an auth answer (`{user, accounts}`) names, on `client`.
    fn user_of(&self, client: Client, body: Value) -> User {
        User {
            client,
            id: body["user"]["id"].as_str().unwrap().parse().unwrap(),
            personal: body["accounts"][0]["id"].as_str().unwrap().parse().unwrap(),
            address: self.address.clone(),
        }
    }

    async fn register_with(&self, body: Value) -> User {
        let client = self.anonymous();
        let response = client
            .post(self.url("/api/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "register {body}");
        self.user_of(client, response.json().await.unwrap())
    }

    /// Makes `user` a member of `account` with `role`, straight in the database
    /// (the way an accepted invitation does).
    pub async fn add_member(&self, account: AccountId, user: &User, role: OrgRole) {
        sqlx::query(
            "INSERT INTO memberships (account_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(account.to_string())
        .bind(user.id.to_string())
        .bind(role.id())
        .bind(orgspace_server::clock::now().as_millis())
        .execute(self.store.pool())
        .await
        .unwrap();
    }

    /// The OpenAPI document the server serves.
    pub async fn openapi(&self) -> Value {
        self.anonymous()
            .get(self.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Adds `n` members straight into the database (viewers
    /// `filler{i}@acme.test`, named "Filler {i}", joined after everyone else):
    /// a large organization in a moment.
    pub async fn add_filler_members(&self, account: AccountId, n: i64) {
        let mut tx = self.store.pool().begin().await.unwrap();
        for i in 0..n {
            let id = uuid::Uuid::now_v7().to_string();
            sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, 'x', 0)")
                .bind(&id)
                .bind(format!("filler{i}@acme.test"))
                .bind(format!("Filler {i}"))
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query("INSERT INTO memberships (account_id, user_id, role, joined_at) VALUES ($1, $2, 'viewer', $3)")
                .bind(account.to_string())
                .bind(&id)
                .bind(i64::MAX / 2 + i)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    /// Every account's trigger-kept seat counters equal the rows they count.
    pub async fn assert_seat_counters(&self) {
        let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT a.id, a.members_count, (SELECT COUNT(*) FROM memberships m WHERE m.account_id = a.id),
                    a.pending_invitations, (SELECT COUNT(*) FROM invitations i WHERE i.account_id = a.id AND i.status = 'pending')
             FROM accounts a",
        )
        .fetch_all(self.store.pool())
        .await
        .unwrap();
        assert!(!rows.is_empty());
        for (id, members_count, members, pending_count, pending) in rows {
            assert_eq!(members_count, members, "members of {id}");
            assert_eq!(pending_count, pending, "pending invitations of {id}");
        }
    }

    /// How many rows `sql` (a `SELECT COUNT(*) …` with one `$1`) counts.
    pub async fn count(&self, sql: &str, arg: &str) -> i64 {
        sqlx::query_scalar(sql)
            .bind(arg)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

/// The token of the link to `path` mailed to `email`, waiting for it (a
/// password reset's mail goes out after the answer) up to five seconds.
pub async fn eventually_token(app: &TestApp, email: &str, path: &str) -> String {
    for _ in 0..100 {
        if let Some(token) = app.token_for_link(email, path) {
            return token;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {email} with a link to {path}")
}

fn name_of(email: &str) -> String {
    let local = email.split('@').next().unwrap_or("someone");
    let mut name = local.to_owned();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    name
}

/// A valid `POST /api/accounts` body.
pub fn new_organization(name: &str, region: &str) -> Value {
    json!({
        "name": name,
        "region": region,
        "billing_address": {
            "name": format!("{name} AG"), "street": "Rue du Rhône 1", "city": "Genève",
            "postal_code": "1204", "country": "CH"
        }
    })
}

impl User {
    /// The user's email, as the server stored it.
    pub async fn email(&self) -> String {
        let me: Value = self.get("/api/me").await.json().await.unwrap();
        me["user"]["email"].as_str().unwrap().to_owned()
    }

    /// Any method with an owned path, so many calls can be in flight at once.
    pub async fn request(&self, method: &str, path: String, body: Value) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        self.client
            .request(method, self.url(&path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.client
            .put(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.client
            .patch(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client.delete(self.url(path)).send().await.unwrap()
    }

    /// Creates an organization and returns its id.
    /// Adds funds to `account` (which makes it active) as this user.
    pub async fn fund(&self, account: AccountId, amount_cents: i64) {
        let response = self
            .post(
                &format!("/api/accounts/{account}/funds"),
                json!({ "amount_cents": amount_cents }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "add funds");
    }

    /// Creates a team in `account`; returns its id.
    pub async fn create_team(&self, account: AccountId, name: &str) -> String {
        let response = self
            .post(
                &format!("/api/accounts/{account}/teams"),
                json!({ "name": name }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "create team {name}");
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Puts `member` in `team` with `role` (e.g. `team_member`).
    pub async fn set_team_role(&self, account: AccountId, team: &str, member: &User, role: &str) {
        let response = self
            .put(
                &format!("/api/accounts/{account}/teams/{team}/members/{}", member.id),
                json!({ "role": role }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "set team role {role}");
    }

    pub async fn create_organization(&self, name: &str, region: &str) -> AccountId {
        let response = self
            .post("/api/accounts", new_organization(name, region))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().parse().unwrap()
    }
}

/// Asserts a problem+json answer with `status` and `code`; returns its body.
#[track_caller]
pub fn assert_problem_head(response: &Response, status: u16) {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert_eq!(content_type, "application/problem+json");
}

pub async fn assert_problem(response: Response, status: u16, code: ErrorCode) -> Value {
    assert_problem_head(&response, status);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code.as_str(), "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], format!("/problems/{}", code.as_str()));
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()));
    body
}

/// The `field` of each entry of a validation problem's `errors`, in order.
pub fn error_fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("a validation problem lists errors")
        .iter()
        .map(|e| e["field"].as_str().expect("each error names its field"))
        .collect()
}

/// Undoes quoted-printable (soft line breaks and `=XX`), as a mail client does.
pub fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Creates an API key named "test" for `user` in `account`; its id and token.
pub async fn create_key(user: &User, account: AccountId) -> (String, String) {
    let response = user
        .post(
            &format!("/api/accounts/{account}/api-keys"),
            json!({ "name": "test" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "create API key");
    let body: Value = response.json().await.unwrap();
    (
        body["id"].as_str().unwrap().to_owned(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

/// The 6-digit code of `secret` (base32) for the 30-second step `offset`
/// steps away from now (−1: the one before).
pub fn totp_code(secret: &str, offset: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        None,
        String::new(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp.generate((now + offset * 30) as u64)
}

/// Waits, if needed, until at least 3 seconds remain of the current 30-second
/// step, so a code computed now is checked in the step it was computed for.
pub async fn settle_totp_step() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let into_step = now.as_secs_f64() % 30.0;
    if into_step > 27.0 {
        tokio::time::sleep(std::time::Duration::from_secs_f64(30.0 - into_step + 0.2)).await;
    }
}

/// A user's authenticator secret and first recovery codes.
pub struct TwoFactorSecrets {
    pub secret: String,
    pub recovery_codes: Vec<String>,
}

impl TestApp {
    /// Turns two-factor on for `user` with an authenticator app, confirmed
    /// with the code of the step before now: this step's code and the next
    /// one's are left for sign-ins.
    pub async fn enable_two_factor(&self, user: &User) -> TwoFactorSecrets {
        settle_totp_step().await;
        let started: Value = user
            .post("/api/me/two-factor/totp", json!({}))
            .await
            .json()
            .await
            .unwrap();
        let secret = started["secret"].as_str().unwrap().to_owned();
        let response = user
            .post(
                "/api/me/two-factor/totp/confirm",
                json!({ "code": totp_code(&secret, -1) }),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "confirm the authenticator"
        );
        let body: Value = response.json().await.unwrap();
        let recovery_codes = body["recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        TwoFactorSecrets {
            secret,
            recovery_codes,
        }
    }

    /// Signs in with a password and then `second` (`{"code": …}` or
    /// `{"recovery_code": …}`); the client and the second step's answer.
    pub async fn sign_in_two_steps(
        &self,
        email: &str,
        password: &str,
        second: Value,
    ) -> (Client, Response) {
        let client = self.anonymous();
        let first: Value = client
            .post(self.url("/api/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(first["two_factor_required"], true, "{first}");
        let response = client
            .post(self.url("/api/auth/two-factor"))
            .json(&second)
            .send()
            .await
            .unwrap();
        (client, response)
    }
}

/// The decoded text of every mail to `email` in the outbox, newest first.
pub fn mails_to(app: &TestApp, email: &str) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(&app.outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .rev()
        .map(|p| decode_quoted_printable(&std::fs::read_to_string(p).unwrap()))
        .filter(|m| m.contains(&format!("To: {email}")))
        .collect()
}
