//! The hot rules, timed by criterion (`cargo bench -p orgspace-domain`). Issue 6's
//! targets: a permission decision ≤ 100 ns, the full role-preview matrix ≤ 50 µs.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use orgspace_domain::invitation::InvitationState;
use orgspace_domain::preview::{preview, PreviewTeam};
use orgspace_domain::roles::{decide, decide_in_team};
use orgspace_domain::text::{Email, OrgName};
use orgspace_domain::{AccountKind, OrgRole, Permission, TeamPermission, TeamRole, Timestamp};

fn decisions(c: &mut Criterion) {
    c.bench_function("decide (organization, Tech, ManageResources)", |b| {
        b.iter(|| {
            decide(
                black_box(AccountKind::Organization),
                black_box(OrgRole::Tech),
                black_box(Permission::ManageResources),
            )
        })
    });
    c.bench_function("decide (allowed: Owner, ManageMembers)", |b| {
        b.iter(|| {
            decide(
                black_box(AccountKind::Organization),
                black_box(OrgRole::Owner),
                black_box(Permission::ManageMembers),
            )
        })
    });
    c.bench_function("decide (denied: Viewer, EditOrganization)", |b| {
        b.iter(|| {
            decide(
                black_box(AccountKind::Organization),
                black_box(OrgRole::Viewer),
                black_box(Permission::EditOrganization),
            )
        })
    });
    c.bench_function("decide_in_team (Tech, team member, manage)", |b| {
        b.iter(|| {
            decide_in_team(
                black_box(OrgRole::Tech),
                black_box(Some(TeamRole::TeamMember)),
                black_box(TeamPermission::ManageTeamResources),
            )
        })
    });
}

fn role_preview(c: &mut Criterion) {
    let teams = || {
        vec![
            PreviewTeam {
                name: "Web".into(),
                role: Some(TeamRole::TeamMember),
            },
            PreviewTeam {
                name: "Ops".into(),
                role: None,
            },
            PreviewTeam {
                name: "Data".into(),
                role: Some(TeamRole::TeamViewer),
            },
        ]
    };
    c.bench_function("role preview matrix (every role, 3 teams)", |b| {
        b.iter(|| {
            for role in OrgRole::ALL {
                black_box(preview(black_box(role), teams()));
            }
        })
    });
}

fn parsing(c: &mut Criterion) {
    c.bench_function("parse email", |b| {
        b.iter(|| Email::parse(black_box("  Ana.Mueller+ops@Example.COM ")))
    });
    c.bench_function("parse organization name", |b| {
        b.iter(|| OrgName::parse(black_box("  Acme Corp Europe ")))
    });
}

fn invitations(c: &mut Criterion) {
    let now = Timestamp::from_millis(1_795_000_000_000);
    let pending = InvitationState::new(now, 604_800);
    c.bench_function("invitation accept (pending → accepted)", |b| {
        b.iter(|| black_box(pending).accept(black_box(now.plus_seconds(60))))
    });
}

criterion_group!(benches, decisions, role_preview, parsing, invitations);
criterion_main!(benches);
