//! Concurrent conflicting requests at the real server, then the invariants checked
//! in the database. Each scenario repeats `ORGSPACE_RACE_ROUNDS` times (CI: 20).

use crate::helpers::*;
use domain::{AccountId, OrgRole};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

const CONCURRENT: usize = 24;

fn rounds() -> usize {
    std::env::var("ORGSPACE_RACE_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
}

async fn assert_owners_and_members(app: &TestApp, org: AccountId) {
    let owners = app
        .count(
            "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND role = 'owner'",
            &org.to_string(),
        )
        .await;
    let members = app
        .count(
            "SELECT COUNT(*) FROM memberships WHERE account_id = $1",
            &org.to_string(),
        )
        .await;
    assert!(owners >= 1, "an organization kept {owners} owners");
    assert!(members >= 1, "an organization kept {members} members");
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn concurrent_accepts_of_one_invitation_make_one_membership() {
    for _ in 0..rounds() {
        let app = TestApp::spawn().await;
        let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
        let bob = app.register("bob@acme.test").await;
        let invitation = app.invite(&olga, org, "bob@acme.test", OrgRole::Tech).await;
        let id = invitation["id"].as_str().unwrap().to_owned();
        let token = app.token_for("bob@acme.test");
        let attempts = (0..CONCURRENT).map(|i| {
            if i % 2 == 0 {
                bob.request("POST", format!("/api/invitations/{id}/accept"), json!({}))
            } else {
                bob.request(
                    "POST",
                    "/api/invitations/accept-token".into(),
                    json!({"token": token}),
                )
            }
        });
        let statuses: Vec<u16> = join_all(attempts)
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 409)),
            "{statuses:?}"
        );
        let memberships = app
            .count(
                "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND role = 'tech'",
                &bob.id.to_string(),
            )
            .await;
        assert_eq!(memberships, 1);
        let joined = app
            .count(
                "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'member.joined'",
                &org.to_string(),
            )
            .await;
        assert_eq!(joined, 1, "one activity entry for the one change");
        app.assert_seat_counters().await;
    }
}

#[tokio::test]
async fn concurrent_accepts_never_pass_the_organization_limit() {
    for _ in 0..rounds() {
        let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 2).await;
        let bob = app.register("bob@acme.test").await;
        let mut invitations = Vec::new();
        for i in 0..CONCURRENT / 2 {
            let (owner, first) = app
                .register_organization(&format!("owner{i}@acme.test"), &format!("Org {i}a"))
                .await;
            let second = owner
                .create_organization(&format!("Org {i}b"), "us-east")
                .await;
            for org in [first, second] {
                let invitation = app
                    .invite(&owner, org, "bob@acme.test", OrgRole::Viewer)
                    .await;
                invitations.push(invitation["id"].as_str().unwrap().to_owned());
            }
        }
        let attempts = invitations
            .iter()
            .map(|id| bob.request("POST", format!("/api/invitations/{id}/accept"), json!({})));
        let statuses: Vec<u16> = join_all(attempts)
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
        assert_eq!(statuses.len(), CONCURRENT);
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            2,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 409).count(),
            CONCURRENT - 2,
            "{statuses:?}"
        );
        let n = app
            .count(
                "SELECT COUNT(*) FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.user_id = $1 AND a.kind = 'organization'",
                &bob.id.to_string(),
            )
            .await;
        assert_eq!(n, 2);
        app.assert_seat_counters().await;
    }
}

#[tokio::test]
async fn concurrent_invitations_never_pass_the_member_limit() {
    for _ in 0..rounds() {
        let app = TestApp::spawn().await;
        let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
        let path = format!("/api/accounts/{org}/invitations");
        let attempts = (0..CONCURRENT).map(|i| {
            olga.request(
                "POST",
                path.clone(),
                json!({"email": format!("p{i}@acme.test"), "role": "viewer"}),
            )
        });
        let statuses: Vec<u16> = join_all(attempts)
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            2,
            "starter holds 3: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| matches!(s, 201 | 409)),
            "{statuses:?}"
        );
        let members = app
            .count(
                "SELECT COUNT(*) FROM memberships WHERE account_id = $1",
                &org.to_string(),
            )
            .await;
        let pending = app
            .count(
                "SELECT COUNT(*) FROM invitations WHERE account_id = $1 AND status = 'pending'",
                &org.to_string(),
            )
            .await;
        assert_eq!(members + pending, 3);
        app.assert_seat_counters().await;
    }
}

#[tokio::test]
async fn concurrent_demotions_removals_leaves_and_transfers_keep_an_owner() {
    for _ in 0..rounds() {
        let app = TestApp::spawn().await;
        let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
        sqlx::query("UPDATE accounts SET plan = 'business' WHERE id = $1")
            .bind(org.to_string())
            .execute(app.store.pool())
            .await
            .unwrap();
        let mut owners = vec![olga];
        for i in 0..CONCURRENT - 1 {
            let user = app.register(&format!("owner{i}@acme.test")).await;
            app.add_member(org, &user, OrgRole::Owner).await;
            owners.push(user);
        }
        let n = owners.len();
        let attempts = owners.iter().enumerate().map(|(i, owner)| {
            let next = &owners[(i + 1) % n];
            let base = format!("/api/accounts/{org}");
            match i % 4 {
                0 => owner.request(
                    "PATCH",
                    format!("{base}/members/{}", next.id),
                    json!({"role": "viewer"}),
                ),
                1 => owner.request("DELETE", format!("{base}/members/{}", next.id), json!({})),
                2 => owner.request("POST", format!("{base}/leave"), json!({})),
                _ => owner.request(
                    "POST",
                    format!("{base}/transfer-ownership"),
                    json!({"user_id": next.id.to_string(), "new_role": "tech"}),
                ),
            }
        });
        let statuses: Vec<u16> = join_all(attempts)
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
        assert!(
            statuses
                .iter()
                .all(|s| matches!(s, 200 | 204 | 403 | 404 | 409 | 422)),
            "{statuses:?}"
        );
        assert!(
            statuses.iter().any(|s| *s == 200 || *s == 204),
            "some changes went through: {statuses:?}"
        );
        assert_owners_and_members(&app, org).await;
    }
}

#[tokio::test]
async fn concurrent_role_changes_of_two_last_owners_keep_one() {
    for _ in 0..rounds() {
        let app = TestApp::spawn().await;
        let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
        let bob = app.register("bob@acme.test").await;
        app.join(&olga, org, &bob, OrgRole::Owner).await;
        // Each tries to demote the other and themselves, many times over.
        let attempts = (0..CONCURRENT).map(|i| {
            let (caller, target) = match i % 4 {
                0 => (&olga, &bob),
                1 => (&bob, &olga),
                2 => (&olga, &olga),
                _ => (&bob, &bob),
            };
            caller.request(
                "PATCH",
                format!("/api/accounts/{org}/members/{}", target.id),
                json!({"role": "admin"}),
            )
        });
        let responses = join_all(attempts).await;
        assert!(responses.iter().all(|r| matches!(
            r.status(),
            StatusCode::OK | StatusCode::CONFLICT | StatusCode::FORBIDDEN
        )));
        let owners = app
            .count(
                "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND role = 'owner'",
                &org.to_string(),
            )
            .await;
        assert_eq!(owners, 1, "exactly one demotion went through");
    }
}

/// Many creations at once, each letting the server choose the team: all succeed.
/// (Choosing the team once read through a second pool connection while the
/// account's lock was held; on PostgreSQL, with more requests than connections,
/// the holders starved the pool and every request waited for the acquire timeout.)
#[tokio::test]
async fn concurrent_creations_that_leave_the_team_to_the_server_all_succeed() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    olga.fund(org, 1_000).await;
    let path = format!("/api/accounts/{org}/instances");
    let started = std::time::Instant::now();
    let answers = join_all((0..24).map(|i| {
        olga.request(
            "POST",
            path.clone(),
            json!({"name": format!("web-{i}"), "size": "small"}),
        )
    }))
    .await;
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::CREATED);
    }
    // Far below the pool's 10-second acquire timeout that a starved pool waits for.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

/// Every organization's ancestors, walking up at most 5 steps: a cycle or a
/// fourth level shows as a longer walk.
async fn assert_hierarchy_whole(app: &TestApp, orgs: &[AccountId]) {
    for org in orgs {
        let mut at = org.to_string();
        let mut steps = 0;
        loop {
            let parent: Option<String> =
                sqlx::query_scalar("SELECT parent_id FROM accounts WHERE id = $1")
                    .bind(&at)
                    .fetch_one(app.store.pool())
                    .await
                    .unwrap();
            let Some(parent) = parent else { break };
            steps += 1;
            assert!(steps < 3, "{org} is {steps} levels down (or in a cycle)");
            at = parent;
        }
        assert_owners_and_members(app, *org).await;
    }
}

#[tokio::test]
async fn concurrent_links_unlinks_and_role_changes_never_make_a_cycle_or_orphan() {
    for _ in 0..rounds() {
        let app = TestApp::spawn_with(|c| c.max_orgs_per_user = 20).await;
        let (olga, a) = app.register_organization("olga@acme.test", "A").await;
        let mut orgs = vec![a];
        for name in ["B", "C", "D"] {
            orgs.push(olga.create_organization(name, "eu-central").await);
        }
        // A second Owner in each, whose role changes race the links.
        let bob = app.register("bob@acme.test").await;
        for org in &orgs {
            app.add_member(*org, &bob, OrgRole::Owner).await;
        }
        let ids: Vec<String> = orgs.iter().map(|o| o.to_string()).collect();
        let attempts = (0..CONCURRENT).map(|i| {
            let (p, c) = (i % 4, (i / 4 + i + 1) % 4);
            match i % 6 {
                // Every ordered pair, both ways round: A→B and B→A race.
                0..=2 => olga.request(
                    "POST",
                    format!("/api/accounts/{}/links", ids[p]),
                    json!({"child_id": ids[c]}),
                ),
                3 => olga.request(
                    "DELETE",
                    format!("/api/accounts/{}/links/{}", ids[p], ids[c]),
                    json!({}),
                ),
                // Both Owners demote each other: one must stay.
                4 => bob.request(
                    "PATCH",
                    format!("/api/accounts/{}/members/{}", ids[p], olga.id),
                    json!({"role": "viewer"}),
                ),
                _ => olga.request(
                    "PATCH",
                    format!("/api/accounts/{}/members/{}", ids[p], bob.id),
                    json!({"role": "viewer"}),
                ),
            }
        });
        let statuses: Vec<u16> = join_all(attempts)
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
        // Refusals are rules (403, 404, 409), never failures.
        assert!(
            statuses
                .iter()
                .all(|s| matches!(s, 200 | 202 | 204 | 403 | 404 | 409)),
            "{statuses:?}"
        );
        assert!(statuses.contains(&200), "{statuses:?}");
        assert_hierarchy_whole(&app, &orgs).await;
    }
}
