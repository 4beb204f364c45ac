//! Instances, the resources teams own (SPEC §9).

use crate::catalog::Region;
use crate::error::FieldError;
use crate::text::Errors;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// An instance (SPEC §9, §12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceView {
    pub id: crate::ids::InstanceId,
    pub name: String,
    pub size: crate::resources::InstanceSize,
    /// The owning team; `null` in a personal account (its one implicit team).
    pub team_id: Option<crate::TeamId>,
    /// The owning team's name; `null` in a personal account.
    pub team_name: Option<String>,
    /// The account's region (an organization's; `null` for a personal account).
    pub region: Option<Region>,
    pub created_at: Timestamp,
}

/// `POST /api/accounts/{id}/instances`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreateInstanceRequest {
    /// 1–63 characters: lower-case letters, digits and dashes (a DNS label).
    pub name: String,
    /// `small`, `medium` or `large`.
    pub size: String,
    /// The owning team. In an organization it may be left out when the caller can
    /// create resources in exactly one team; ignored in a personal account.
    pub team_id: Option<String>,
}

/// A checked [`CreateInstanceRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInstance {
    pub name: crate::resources::InstanceName,
    pub size: crate::resources::InstanceSize,
    pub team_id: Option<crate::TeamId>,
}

impl CreateInstanceRequest {
    pub fn validate(&self) -> Result<NewInstance, Vec<FieldError>> {
        let mut errors = Errors::default();
        let name = errors.field(
            "",
            "name",
            crate::resources::InstanceName::parse(&self.name),
        );
        let size = match self.size.parse::<crate::resources::InstanceSize>() {
            Ok(size) => Some(size),
            Err(_) => {
                errors.push("size".into(), "must be small, medium or large");
                None
            }
        };
        let team_id = match self.team_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match raw.parse() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push("team_id".into(), "must be a team id");
                    None
                }
            },
        };
        match (name, size) {
            (Some(name), Some(size)) if errors.is_empty() => Ok(NewInstance {
                name,
                size,
                team_id,
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_requests_report_every_bad_field() {
        let request = CreateInstanceRequest {
            name: "Web_1".into(),
            size: "huge".into(),
            team_id: Some("nope".into()),
        };
        let fields: Vec<String> = request
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "size", "team_id"]);
        let ok = CreateInstanceRequest {
            name: " web-1 ".into(),
            size: "small".into(),
            team_id: Some(String::new()),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.name.as_str(), "web-1");
        assert_eq!(ok.team_id, None);
    }
}
