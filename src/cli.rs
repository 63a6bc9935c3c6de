//! The command line (clap derive): one `*Args` struct per subcommand, shared options flattened.

use std::net::IpAddr;
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
    /// Build, serve the site on 127.0.0.1, rebuild on every change and reload open pages
    Serve(ServeArgs),
    /// Start a new explainer in DIR: a small, fictional example that builds as it is
    Init(InitArgs),
    /// Print the JSON Schema of the data file (reform.toml), for editors that check TOML
    Schema,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the explainer in (created if missing; must not hold a site)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
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
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Also fail on warnings: an unsourced claim, an unused source, a glossary term never used
    #[arg(long)]
    pub strict: bool,
    /// Also fetch every link to another site (http and https, in the Markdown and the data
    /// file) and report the broken ones; settings in [external_links] of site-config.toml
    #[arg(long)]
    pub external: bool,
    /// The address the site will be published at, as for `build` (a missing base_url is
    /// then not reported)
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Where to write the preview (default: a folder of its own in the system's temporary directory, never public/)
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; anything but a loopback address shows the site to the network
    /// (0.0.0.0: every interface, e.g. to open the preview on a phone)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: IpAddr,
    /// The address pages are built for and the browser may use: a host or IP address (the
    /// port is added: `--base-url 192.168.1.20`) or a URL without a path (default: the
    /// address served on)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Poll for changes instead of using file-system notifications (containers, WSL, network drives)
    #[arg(long)]
    pub poll: bool,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}

/// Checks `--base-url` when the command line is read, so that a typo is a usage error.
fn base_url(s: &str) -> Result<String, String> {
    crate::config::parse_base_url(s).map(|_| s.to_owned())
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
