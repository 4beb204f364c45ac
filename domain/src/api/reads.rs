//! What a page of the app reads as it opens, written once for both sides: the
//! app sends exactly these requests, and the server names them in the `Link`
//! header of the page's HTML, so a browser on a slow network fetches them while
//! the app itself is still downloading (issue 18, "First load"). A preload is
//! used only when the app's request is the same URL, which is why the app
//! builds its URLs from here too, and asks for [`on_open`]'s list as it starts
//! (`app/src/opening.rs`).

use crate::AccountId;

/// Who is signed in, and to which accounts: every page starts with it.
pub const ME: &str = "/api/me";

/// Members listed per page.
pub const MEMBERS_PER_PAGE: u32 = 50;

/// An account's members, without a query string.
pub fn members(account: AccountId) -> String {
    format!("/api/accounts/{account}/members")
}

/// The first page of an account's members, unfiltered: the members page opens
/// with it.
pub fn members_first_page(account: AccountId) -> String {
    format!("{}?limit={MEMBERS_PER_PAGE}", members(account))
}

/// An account's balance, plan and seats.
pub fn billing(account: AccountId) -> String {
    format!("/api/accounts/{account}/billing")
}

/// The API reads the app makes, before any input, when it opens at `path` (an
/// app route such as `/a/{account}/members`), in the order it makes them. An
/// unknown path or account reads only [`ME`]; a route whose reads depend on
/// more than its path reads only what it reads for sure.
pub fn on_open(path: &str) -> Vec<String> {
    let mut reads = vec![ME.to_owned()];
    let mut segments = path.trim_matches('/').split('/');
    if let (Some("a"), Some(account), Some(page), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) {
        let Ok(account) = account.parse::<AccountId>() else {
            return reads;
        };
        match page {
            "members" => reads.extend([members_first_page(account), billing(account)]),
            "billing" => reads.push(billing(account)),
            _ => {}
        }
    }
    reads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_members_page_reads_who_is_signed_in_its_first_page_and_the_seats() {
        let account = AccountId::from_uuid(uuid::Uuid::from_u128(
            0x0190_7f3a_0000_7000_8000_0000_0000_0001,
        ));
        assert_eq!(
            on_open(&format!("/a/{account}/members")),
            [
                "/api/me".to_owned(),
                format!("/api/accounts/{account}/members?limit=50"),
                format!("/api/accounts/{account}/billing"),
            ]
        );
        assert_eq!(
            on_open(&format!("/a/{account}/billing/")),
            [
                "/api/me".to_owned(),
                format!("/api/accounts/{account}/billing")
            ]
        );
    }

    #[test]
    fn other_pages_and_bad_paths_read_only_who_is_signed_in() {
        let account = AccountId::from_uuid(uuid::Uuid::from_u128(
            0x0190_7f3a_0000_7000_8000_0000_0000_0001,
        ));
        for path in [
            "/".to_owned(),
            "/login".to_owned(),
            "/no-such-page".to_owned(),
            format!("/a/{account}"),
            format!("/a/{account}/teams"),
            format!("/a/{account}/members/extra"),
            "/a/not-an-id/members".to_owned(),
            "/a//members".to_owned(),
            "/x/a/members".to_owned(),
        ] {
            assert_eq!(on_open(&path), ["/api/me"], "{path}");
        }
    }
}
