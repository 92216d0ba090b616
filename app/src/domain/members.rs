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

/// A new invitation. Its link went to the invitee by email and is never
/// shown to the inviter: joining proves control of the address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteSent {
    pub invite: PendingInvite,
    /// False when this Vox has no mail server: the link was written to the
    /// server's log for the operator to pass on.
    pub emailed: bool,
}

/// What the join page shows to whoever holds the link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteView {
    pub organization: String,
    pub email: String,
    pub role: Role,
    /// The address has a Vox account: joining needs signing in to it.
    pub account_exists: bool,
    /// Who is signed in in this browser, if anyone.
    pub signed_in_as: Option<String>,
}

/// Member invitations an organisation may send per day.
pub const MAX_INVITES_PER_DAY: i64 = 50;

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
