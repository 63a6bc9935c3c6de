//! pillar's integration tests, in one binary, one module per feature: `build`, `check`,
//! `serve`, `data`, `markdown`, `output` (safety) and `cli`, with the harness in `common`
//! (`Project` for a site of a test's own).

#![allow(clippy::unwrap_used)]

mod build;
mod check;
mod cli;
mod common;
mod data;
mod docs;
mod markdown;
mod output;
#[cfg(unix)]
mod serve;
