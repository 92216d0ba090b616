//! The integration tests: one binary, one module per area. Each test starts
//! the real server on 127.0.0.1:0 with a fresh database (see `common`), on
//! SQLite or PostgreSQL (`VOX_TEST_DATABASE`). One binary links the server
//! once instead of once per file (README "Tests").

mod common;

mod analytics;
mod audit_log;
mod auth;
mod cases;
mod client;
mod crash;
mod distributions;
mod durability;
mod email_confirmation;
mod embed;
mod events;
mod hardening;
mod integration_webhooks;
mod logic;
mod members;
mod outreach_rules;
mod pages;
mod question_types;
mod recall;
mod responses;
mod settings;
mod shuffle;
mod sign_in;
mod survey_documents;
mod survey_pages;
mod survey_templates;
mod survey_versions;
mod surveys;
mod tags_and_notes;
mod tokens;
mod validation_rules;
mod webhook_delivery_order;
mod webhooks;
mod widget;
