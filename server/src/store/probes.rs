//! The index probes this process found common: more than
//! [`SEARCH_CANDIDATES`](super::members::SEARCH_CANDIDATES) users contain them.
//!
//! A member search in a large organization first asks an index how many users
//! anywhere can contain its probe (the local parts read backwards for an
//! address, the trigram index for any text), and reads the organization's
//! members instead when there are too many. For a common text ("anna", "smith") asking
//! costs more than the reading that answers (the index's doclists read in full,
//! or on PostgreSQL a scan until a thousand users matched). Remembering the
//! answer for a while lets the next search of the same probe read at once.
//!
//! It is a hint for the plan, never an answer: both ways find the same members
//! (both end with the same `LIKE` test), so a probe remembered as common after
//! users left costs a slower plan, never a wrong page. Only "common" is
//! remembered: a rare probe is asked every time, so a text that becomes common
//! is found so by the next search.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a probe stays known as common.
pub const REMEMBERED_FOR: Duration = Duration::from_secs(600);

/// At most this many probes are remembered.
pub const REMEMBERED_AT_MOST: usize = 4096;

/// Which index a probe asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Probe {
    /// The trigram index, about a text ([`index_probe`](super::members::index_probe)).
    Trigrams,
    /// The local parts read backwards, about an address's local part
    /// ([`local_part_probe`](super::members::local_part_probe)).
    LocalPartEnding,
}

/// The common probes, each with when it was found common.
#[derive(Debug, Default)]
pub struct CommonProbes {
    found: Mutex<HashMap<(Probe, String), Instant>>,
}

impl CommonProbes {
    /// Whether `probe` was found common less than [`REMEMBERED_FOR`] before `now`.
    pub fn is_common(&self, kind: Probe, probe: &str, now: Instant) -> bool {
        let found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        found
            .get(&(kind, key(probe)))
            .is_some_and(|at| now.saturating_duration_since(*at) < REMEMBERED_FOR)
    }

    /// Remembers that more than `SEARCH_CANDIDATES` users contained `probe` at
    /// `now`. When [`REMEMBERED_AT_MOST`] are remembered, the expired ones are
    /// dropped first, and if none had expired, all of them.
    pub fn found_common(&self, kind: Probe, probe: &str, now: Instant) {
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        if found.len() >= REMEMBERED_AT_MOST {
            found.retain(|_, at| now.saturating_duration_since(*at) < REMEMBERED_FOR);
            if found.len() >= REMEMBERED_AT_MOST {
                found.clear();
            }
        }
        found.insert((kind, key(probe)), now);
    }

    /// How many probes are remembered, expired or not.
    pub fn len(&self) -> usize {
        self.found.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The indexes compare without case (FTS5's trigram tokenizer, `lower(name)` and
/// the lowercase `email` with a lowercased pattern on PostgreSQL; the local
/// parts of lowercase addresses).
fn key(probe: &str) -> String {
    probe.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_found_common_is_common_until_it_expires_whatever_its_case() {
        let probes = CommonProbes::default();
        let now = Instant::now();
        assert!(!probes.is_common(Probe::Trigrams, "anna", now));
        probes.found_common(Probe::Trigrams, "Anna", now);
        assert!(probes.is_common(Probe::Trigrams, "anna", now));
        assert!(probes.is_common(
            Probe::Trigrams,
            "ANNA",
            now + REMEMBERED_FOR - Duration::from_secs(1)
        ));
        assert!(!probes.is_common(Probe::Trigrams, "anna", now + REMEMBERED_FOR));
        assert!(
            !probes.is_common(Probe::Trigrams, "ann", now),
            "another probe"
        );
        assert!(
            !probes.is_common(Probe::LocalPartEnding, "anna", now),
            "the same text asked of another index"
        );
    }

    #[test]
    fn a_full_memo_drops_the_expired_probes_first_then_everything() {
        let probes = CommonProbes::default();
        let start = Instant::now();
        for i in 0..REMEMBERED_AT_MOST - 1 {
            probes.found_common(Probe::Trigrams, &format!("old{i}"), start);
        }
        let later = start + REMEMBERED_FOR;
        probes.found_common(Probe::Trigrams, "fresh", later);
        assert_eq!(probes.len(), REMEMBERED_AT_MOST);
        // Full: the old ones have expired and go; the fresh one stays.
        probes.found_common(Probe::Trigrams, "next", later);
        assert_eq!(probes.len(), 2);
        assert!(
            probes.is_common(Probe::Trigrams, "fresh", later)
                && probes.is_common(Probe::Trigrams, "next", later)
        );
        // Full of unexpired probes: all go, and the new one is remembered.
        for i in 0..REMEMBERED_AT_MOST - 2 {
            probes.found_common(Probe::Trigrams, &format!("new{i}"), later);
        }
        assert_eq!(probes.len(), REMEMBERED_AT_MOST);
        probes.found_common(Probe::Trigrams, "last", later);
        assert_eq!(probes.len(), 1);
        assert!(
            probes.is_common(Probe::Trigrams, "last", later)
                && !probes.is_common(Probe::Trigrams, "fresh", later)
        );
    }
}
