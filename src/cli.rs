//! The command line (clap derive): one `*Args` struct per subcommand, shared options flattened.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "pillar",
    version,
    about = "A static-site generator for reform explainers",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (default: public/)
    Build(BuildArgs),
    /// Verify everything `build` verifies, plus every link and anchor; write nothing
    Check(CheckArgs),
}

/// Options every subcommand that reads a project shares.
#[derive(Debug, Args, Clone)]
pub struct ProjectArgs {
    /// The project folder (holding site-config.toml and content/)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Include pages marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
    /// Print only errors
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Where to write the site (default: `output_dir` from site-config.toml, or public/)
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The address the site will be published at, e.g. https://example.org/explainer/
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Also fail on warnings: an unsourced claim, an unused source, a glossary term never used
    #[arg(long)]
    pub strict: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
