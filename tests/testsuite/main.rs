//! pillar's integration tests, in one binary: the shipped explainer, broken sites, the CLI.

#![allow(clippy::unwrap_used)]

mod broken;
mod check;
mod cli;
mod common;
mod data;
mod escaping;
mod examples;
mod hostile;
mod markdown_spec;
mod properties;
mod publishing;
mod reliability;
mod sections;
#[cfg(unix)]
mod serve;
mod shipped;
