//! Every JSON request body the API reads: any bytes either fail to deserialize
//! or deserialize and validate without panicking, and validation is a function
//! of the value (the same value validates the same way after a JSON round trip).
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgspace_domain as domain;

use domain::api::*;
use domain::Timestamp;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Deserializes `bytes` as `T`; if that works, validates it, round-trips it
/// through JSON and checks the copy validates to the same answer.
fn check<T, R: std::fmt::Debug>(bytes: &[u8], validate: impl Fn(&T) -> R)
where
    T: DeserializeOwned + Serialize,
{
    let Ok(value) = serde_json::from_slice::<T>(bytes) else {
        return;
    };
    let first = format!("{:?}", validate(&value));
    let copy: T = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
    assert_eq!(format!("{:?}", validate(&copy)), first);
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let now = Timestamp::from_millis(1_795_000_000_000);
    match which % 16 {
        0 => check(body, RegisterRequest::validate),
        1 => check(body, |r: &LoginRequest| r.email.len() + r.password.len()),
        2 => check(body, ChangePasswordRequest::validate),
        3 => check(body, |r: &NewOrganizationRequest| r.validate("")),
        4 => check(body, UpdateAccountRequest::validate),
        5 => check(body, CreateInvitationRequest::validate),
        6 => check(body, |r: &ChangeRoleRequest| parse_role("role", &r.role)),
        7 => check(body, |r: &TransferOwnershipRequest| {
            (r.user_id.parse::<domain::UserId>().ok(), r.new_role.as_deref().map(|role| parse_role("new_role", role)))
        }),
        8 => check(body, |r: &ChangePlanRequest| parse_plan(&r.plan)),
        9 => check(body, |r: &InvitationTokenRequest| r.token.len()),
        10 => check(body, |r: &FundsRequest| domain::billing::check_amount(r.amount_cents)),
        11 => check(body, TeamNameRequest::validate),
        12 => check(body, TeamMemberRequest::validate),
        13 => check(body, CreateInstanceRequest::validate),
        14 => check(body, |r: &CreateApiKeyRequest| r.validate(now)),
        _ => check(body, |q: &domain::activity::ActivityQuery| q.parse()),
    }
});
