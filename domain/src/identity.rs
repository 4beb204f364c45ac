//! The user's own lifecycle (SPEC §14): what happens to each organization when
//! a user deletes themself, and how a session's device reads.

use crate::error::{Denial, ErrorCode};
use crate::roles::OrgRole;
use crate::rules::Headcount;

/// Whether a user may see and answer the invitations to `email` by id: only
/// once its mailbox has answered (SPEC §14). The mailed link itself is proof
/// enough, so accepting by its token needs no earlier verification.
pub fn check_verified(verified: bool, email: &str) -> Result<(), Denial> {
    if verified {
        return Ok(());
    }
    Err(Denial::new(
        ErrorCode::EmailUnverified,
        format!("Verify {email} first: open the link we mailed you (or the link in the invitation mail)."),
    ))
}

/// What deleting a user does to one of their organizations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// They are its only member: it is deleted with them.
    DeletedWithUser,
    /// Others stay and an Owner remains: they leave it.
    Left,
    /// They are the last Owner of other members: the deletion waits until
    /// they transfer ownership or make another member an Owner.
    Blocks,
}

/// The fate of an organization where the user has `role`, among `headcount`.
pub fn fate_on_deletion(role: OrgRole, headcount: Headcount) -> Fate {
    if headcount.n_members <= 1 {
        Fate::DeletedWithUser
    } else if role == OrgRole::Owner && headcount.n_owners <= 1 {
        Fate::Blocks
    } else {
        Fate::Left
    }
}

/// "Firefox on Linux", "Safari on iPhone", "curl": a session's device, for
/// people, from its `User-Agent`.
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent;
    let has = |needle: &str| ua.contains(needle);
    let browser = if has("Edg/") {
        "Edge"
    } else if has("OPR/") || has("Opera") {
        "Opera"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") && has("Version/") {
        "Safari"
    } else if let Some(tool) = [
        "curl",
        "Wget",
        "python-requests",
        "reqwest",
        "node",
        "Go-http-client",
    ]
    .into_iter()
    .find(|tool| {
        ua.to_ascii_lowercase()
            .starts_with(&tool.to_ascii_lowercase())
    }) {
        return tool.to_owned();
    } else {
        return if ua.trim().is_empty() {
            "Unknown device".to_owned()
        } else {
            "Other browser".to_owned()
        };
    };
    let system = if has("iPhone") {
        "iPhone"
    } else if has("iPad") {
        "iPad"
    } else if has("Android") {
        "Android"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Linux") || has("X11") {
        "Linux"
    } else {
        return browser.to_owned();
    };
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(n_members: u32, n_owners: u32) -> Headcount {
        Headcount {
            n_members,
            n_owners,
        }
    }

    #[test]
    fn only_a_verified_address_answers_invitations_by_id() {
        assert_eq!(check_verified(true, "a@b.c"), Ok(()));
        let denial = check_verified(false, "a@b.c").unwrap_err();
        assert_eq!(denial.code, ErrorCode::EmailUnverified);
        assert!(denial.message.contains("a@b.c"));
    }

    #[test]
    fn deleting_a_user_deletes_solo_organizations_and_waits_for_a_new_owner() {
        #[track_caller]
        fn check(role: OrgRole, members: u32, owners: u32, fate: Fate) {
            assert_eq!(fate_on_deletion(role, count(members, owners)), fate);
        }
        check(OrgRole::Owner, 1, 1, Fate::DeletedWithUser);
        check(OrgRole::Owner, 3, 1, Fate::Blocks);
        check(OrgRole::Owner, 3, 2, Fate::Left);
        check(OrgRole::Admin, 3, 1, Fate::Left);
        check(OrgRole::Viewer, 2, 1, Fate::Left);
    }

    #[test]
    fn devices_read_like_people_name_them() {
        #[track_caller]
        fn check(ua: &str, label: &str) {
            assert_eq!(device_label(ua), label, "{ua}");
        }
        check("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "Chrome on Linux");
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        );
        check("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS");
        check("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone");
        check("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows");
        check("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36", "Chrome on Android");
        check("curl/8.5.0", "curl");
        check("", "Unknown device");
        check("SomethingElse/1.0", "Other browser");
    }
}
