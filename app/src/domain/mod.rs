//! The wasm-safe model shared by the server and the browser: ids, surveys,
//! answers and their validation, and the error type both sides understand.
//! No I/O here, so every rule is unit-tested in isolation.

pub mod account;
pub mod answers;
pub mod audit;
pub mod case;
pub mod case_query;
pub mod contact;
pub mod display;
pub mod distribution;
pub mod embed;
pub mod error;
pub mod event;
pub mod events_router;
pub mod i18n;
pub mod ids;
pub mod logic;
pub mod members;
pub mod metadata_keys;
pub mod metrics;
pub mod number_text;
pub mod page;
pub mod pattern;
pub mod question_checks;
pub mod question_diff;
pub mod question_kind;
pub mod question_stats;
pub mod recall;
pub mod response;
pub mod response_detail;
pub mod scope;
pub mod shuffle;
pub mod smtp;
pub mod snake_case;
pub mod survey;
pub mod survey_document;
pub mod survey_options;
pub mod survey_pages;
pub mod survey_template;
pub mod survey_version;
pub mod tag;
pub mod token;
pub mod url_component;
pub mod validation_rules;
pub mod webhook;

pub use error::{AppError, FieldError};
