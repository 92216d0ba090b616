//! Everything that runs only on the server (`ssr`): configuration, the
//! database, authentication and the use cases. REST handlers, server
//! functions and background workers all call `services`.
//!
//! The rules of the house (README "Layout"):
//! - `services/` holds the use cases, one folder per area; an area may call
//!   another area's public functions.
//! - Everything else here is plumbing (the files at this level and `auth/`):
//!   mechanisms the services stand on. Plumbing never imports `services`, so
//!   the dependencies point one way (checked by `layout_rules` below).
//! - SQL lives in `services/`, and in plumbing only for the tables a
//!   mechanism owns (sessions, keys, throttle, the webhook outbox).
//! - `crate::domain` imports nothing else of the crate; it is also compiled
//!   to WebAssembly.

pub mod auth;
pub mod config;
pub mod db;
pub mod group_commit;
pub mod html;
pub mod invitation_email;
pub mod keys;
pub mod link_tokens;
pub mod mailer;
pub mod net_guard;
pub mod rate_limit;
pub mod read_cache;
pub mod response_token;
pub mod secret_box;
pub mod services;
pub mod signing;
pub mod sql_batch;
pub mod state;
pub mod webhook_outbox;

pub use state::AppState;

#[cfg(test)]
mod layout_rules {
    //! The rules above, read off the source: a move that breaks one fails here
    //! rather than in a reviewer's head.
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, recursive: bool) -> Vec<PathBuf> {
        let mut files = vec![];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && recursive {
                files.extend(rust_files(&path, true));
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
        files
    }

    /// Lines of code (not comments) of `file` that contain `needle`.
    fn code_lines_with(file: &Path, needle: &str) -> Vec<String> {
        std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//") && line.contains(needle))
            .map(|line| format!("{}: {}", file.display(), line.trim()))
            .collect()
    }

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    #[test]
    fn plumbing_never_imports_services() {
        let backend = src().join("backend");
        let mut plumbing = rust_files(&backend, false);
        plumbing.extend(rust_files(&backend.join("auth"), true));
        assert!(plumbing.len() > 20, "the plumbing files were not found");
        // Spelled in two parts so that this line does not find itself.
        let needle = ["services", "::"].concat();
        let offending: Vec<String> = plumbing.iter().flat_map(|file| code_lines_with(file, &needle)).collect();
        assert!(offending.is_empty(), "plumbing reaching up into services:\n{}", offending.join("\n"));
    }

    /// One way in for responses (README "Layout"): only the intake creates a
    /// response or changes its answers, so its checks cannot be bypassed.
    #[test]
    fn only_the_intake_writes_responses() {
        let intake = src().join("backend/services/responses/intake");
        let writers: Vec<String> = rust_files(&src(), true)
            .iter()
            .filter(|file| !file.starts_with(&intake))
            .flat_map(|file| {
                let mut lines = code_lines_with(file, &["INSERT INTO ", "responses "].concat());
                lines.extend(code_lines_with(file, &["UPDATE responses SET ", "answers ="].concat()));
                lines
            })
            .collect();
        assert!(writers.is_empty(), "responses written outside the intake:\n{}", writers.join("\n"));
        assert!(!code_lines_with(&intake.join("write.rs"), &["INSERT INTO ", "responses "].concat()).is_empty());
    }

    #[test]
    fn domain_imports_nothing_else_of_the_crate() {
        let domain = rust_files(&src().join("domain"), true);
        assert!(domain.len() > 20, "the domain files were not found");
        let offending: Vec<String> = domain
            .iter()
            .flat_map(|file| code_lines_with(file, "crate::"))
            .filter(|line| line.matches("crate::").count() != line.matches("crate::domain").count())
            .collect();
        assert!(offending.is_empty(), "domain importing the rest of the crate:\n{}", offending.join("\n"));
    }
}
