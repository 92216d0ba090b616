//! Background work that talks to the outside world. Each worker is a loop
//! over database claims, so any number of replicas can run them at once.

pub mod invitations;
pub mod webhooks;
