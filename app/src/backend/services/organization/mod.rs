//! Who may do what: accounts (sign-up, sign-in, second factor, passwords,
//! proof of address, their emails), an organisation's members and API
//! tokens, its settings (allowed sites, metadata rules), idempotency of its
//! API calls, and the audit log of all of it.

pub mod account_emails;
pub mod accounts;
pub mod audit;
pub mod email_confirmation;
pub mod idempotency;
pub mod members;
pub mod metadata_keys;
pub mod passwords;
pub mod sites;
pub mod tokens;
pub mod two_factor;
