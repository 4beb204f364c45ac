//! Random sequences of joining, leaving, time passing and creating keys: a key's
//! status only ever moves the ways SPEC §7 allows. Leaving stops every key, and
//! nothing but rejoining starts them again; an expired key never works again; a
//! key never works for someone who is not a member.

use orgspace_domain::api_keys::{check_expiry, key_status, KeyStatus};
use orgspace_domain::Timestamp;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
    Join,
    Leave,
    Wait(i64),
    Create(Option<i64>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Join),
        Just(Step::Leave),
        (1..500_i64).prop_map(Step::Wait),
        proptest::option::of(-100..1_000_i64).prop_map(Step::Create),
    ]
}

proptest! {
    #[test]
    fn key_status_moves_only_as_the_spec_allows(steps in proptest::collection::vec(step(), 1..60)) {
        let mut now = 1_000_000_i64;
        let mut member = true;
        let mut keys: Vec<Option<Timestamp>> = Vec::new();
        let mut before: Vec<KeyStatus> = Vec::new();
        for step in &steps {
            match step {
                Step::Join => member = true,
                Step::Leave => member = false,
                Step::Wait(ms) => now += ms,
                Step::Create(offset) => {
                    let expiry = offset.map(|o| Timestamp::from_millis(now + o));
                    // Only members make keys, and only with an expiry ahead.
                    if member && check_expiry(expiry, Timestamp::from_millis(now)).is_ok() {
                        keys.push(expiry);
                    }
                }
            }
            let after: Vec<KeyStatus> = keys
                .iter()
                .map(|expiry| key_status(*expiry, member, Timestamp::from_millis(now)))
                .collect();
            for (i, status) in after.iter().enumerate() {
                prop_assert_eq!(*status == KeyStatus::Active, member && keys[i].is_none_or(|e| e.as_millis() > now));
                if !member {
                    prop_assert_eq!(*status, KeyStatus::Inactive, "no key works for a non-member");
                }
                if let Some(old) = before.get(i) {
                    if *old == KeyStatus::Inactive && *status == KeyStatus::Active {
                        prop_assert!(matches!(step, Step::Join), "only rejoining restarts a key");
                    }
                    if *old == KeyStatus::Active && *status == KeyStatus::Inactive {
                        prop_assert!(matches!(step, Step::Leave), "only leaving stops a working key");
                    }
                    if *old == KeyStatus::Expired {
                        prop_assert_ne!(*status, KeyStatus::Active, "an expired key never works again");
                    }
                }
            }
            before = after;
        }
    }
}
