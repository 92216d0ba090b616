//! An organisation's people and their roles: owner (everything, including
//! members), admin (everything but owners), viewer (reads only).

use super::account::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingInvite {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Members {
    pub members: Vec<Member>,
    pub pending: Vec<PendingInvite>,
}

/// A new invitation, with its link shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedInvite {
    pub invite: PendingInvite,
    /// `/join/<token>`: whoever opens it joins with the role.
    pub link: String,
}

/// Whether `actor` may give (or take away) `role`: owners manage everyone,
/// admins manage admins and viewers, viewers nobody.
pub fn may_manage(actor: Role, role: Role) -> bool {
    match actor {
        Role::Owner => true,
        Role::Admin => role != Role::Owner,
        Role::Viewer => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_manages_whom() {
        assert!(may_manage(Role::Owner, Role::Owner));
        assert!(may_manage(Role::Admin, Role::Viewer) && may_manage(Role::Admin, Role::Admin));
        assert!(!may_manage(Role::Admin, Role::Owner));
        assert!(!may_manage(Role::Viewer, Role::Viewer));
    }
}
