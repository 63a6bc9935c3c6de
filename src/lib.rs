//! pillar: a static-site generator for reform explainers.
//!
//! A site is Markdown content, one TOML data file describing the reform (units before and
//! after, functions and where they move, dated events, sources, glossary) and Tera templates.
//! [`build()`] writes the site through the phases of the [`mod@build`] module — inputs, model,
//! theme, pages, findings, site files — into the output directory's staging area; [`check()`]
//! runs the same phases into memory and also verifies every link; [`generate()`] returns the
//! files in memory.

pub mod assets;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod data;
pub mod date;
pub mod derive;
pub mod diag;
pub mod external;
pub mod fingerprint;
pub mod i18n;
pub mod ids;
pub mod init;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod project;
pub mod render;
pub mod serve;
pub mod theme;

pub use build::{Checks, Failure, Generated, Report, build, check, generate};
pub use config::Overrides;
pub use diag::{Diagnostic, Severity};
pub use output::{OutputFile, WriteReport};
pub use serve::ServeOptions;
