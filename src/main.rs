//! The `pillar` binary: parse the command line, call the library, print diagnostics, and map
//! the outcome to an exit code (0 success, 1 the site has problems, 2 the tool could not run).

use std::io::Write;

/// Rendering allocates many short-lived strings on every thread, where the system allocator
/// spends a fifth of the build (profile in BENCHMARKS.md); mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;
use pillar::cli::{Cli, Command, ProjectArgs};
use pillar::{Failure, Overrides, Report};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => {
            // Ctrl-C discards what the build staged instead of leaving it in the output.
            if let Err(msg) = pillar::build::interrupt::on_signals() {
                let _ = writeln!(std::io::stderr(), "error: {msg}");
                return ExitCode::from(2);
            }
            let overrides = Overrides {
                output_dir: args.output,
                base_url: args.base_url,
                drafts: args.project.drafts,
                ..Overrides::default()
            };
            finish(
                pillar::build(&args.project.root, &overrides),
                &args.project,
                "built",
            )
        }
        Command::Check(args) => {
            let overrides = Overrides {
                drafts: args.project.drafts,
                base_url: args.base_url,
                ..Overrides::default()
            };
            let mut result = pillar::check(&args.project.root, &overrides, args.strict);
            if args.external {
                result = with_external(result, &args.project, &overrides);
            }
            finish(result, &args.project, "checked")
        }
        Command::Serve(args) => match pillar::serve::run(&pillar::ServeOptions::from(&args)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(Failure::Tool(msg)) => {
                let _ = writeln!(std::io::stderr(), "error: {msg}");
                ExitCode::from(2)
            }
            Err(site) => finish(Err(site), &args.project, "served"),
        },
        Command::Schema => {
            let _ = std::io::stdout()
                .lock()
                .write_all(pillar::data::json_schema::text().as_bytes());
            ExitCode::SUCCESS
        }
        Command::Init(args) => match pillar::init::init(&args.dir) {
            Ok(files) => {
                let mut out = std::io::stdout().lock();
                for f in &files {
                    let _ = writeln!(out, "created {}", f.display());
                }
                let _ = writeln!(
                    out,
                    "\nA fictional example explainer is ready. Next:\n  pillar build --root {0}\n  pillar serve --root {0}\nthen edit {0}/content/reform.toml with your own reform.",
                    args.dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(msg) => {
                let _ = writeln!(std::io::stderr(), "error: {msg}");
                ExitCode::from(2)
            }
        },
    }
}

/// The check's result, with the broken external links among its problems.
fn with_external(
    result: Result<Report, Failure>,
    project: &ProjectArgs,
    overrides: &pillar::Overrides,
) -> Result<Report, Failure> {
    let broken = match pillar::external::check(&project.root, overrides) {
        Ok(broken) => broken,
        Err(Failure::Site(_)) => return result, // the check reports the configuration
        Err(tool) => return Err(tool),
    };
    match result {
        Ok(report) if broken.is_empty() => Ok(report),
        Ok(report) => {
            // The warnings are printed as warnings; only the broken links are the problems.
            if !project.quiet {
                let mut err = std::io::stderr().lock();
                for w in pillar::diag::printed(&report.warnings) {
                    let _ = writeln!(err, "{w}");
                }
            }
            Err(Failure::Site(broken))
        }
        Err(Failure::Site(mut problems)) => {
            problems.extend(broken);
            Err(Failure::Site(problems))
        }
        Err(tool) => Err(tool),
    }
}

fn finish(result: Result<Report, Failure>, project: &ProjectArgs, verb: &str) -> ExitCode {
    let mut err = std::io::stderr().lock();
    match result {
        Ok(report) => {
            if !project.quiet {
                for w in pillar::diag::printed(&report.warnings) {
                    let _ = writeln!(err, "{w}");
                }
                let mut out = std::io::stdout().lock();
                let written = report.write.map_or_else(String::new, |w| {
                    format!(
                        " into {} ({} written, {} unchanged, {} removed)",
                        report.output_dir.display(),
                        w.written,
                        w.unchanged,
                        w.removed
                    )
                });
                let warn = match report.warnings.iter().filter(|w| !w.is_note()).count() {
                    0 => String::new(),
                    1 => ", 1 warning".into(),
                    n => format!(", {n} warnings"),
                };
                // A build that kept pages' files says how many it rendered.
                let rendered = if report.write.is_some() && report.rendered < report.pages {
                    format!(" ({} rendered)", report.rendered)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "{verb} {} page{}{rendered}, {} file{}{written}{warn} in {} ms",
                    report.pages,
                    if report.pages == 1 { "" } else { "s" },
                    report.files,
                    if report.files == 1 { "" } else { "s" },
                    report.elapsed.as_millis()
                );
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Site(diags)) => {
            for d in pillar::diag::printed(&diags) {
                let _ = writeln!(err, "{d}");
            }
            let _ = writeln!(
                err,
                "error: {} problem{} found{}",
                diags.len(),
                if diags.len() == 1 { "" } else { "s" },
                if verb == "built" {
                    "; nothing was written"
                } else {
                    ""
                }
            );
            ExitCode::from(1)
        }
        Err(Failure::Tool(msg)) => {
            let _ = writeln!(err, "error: {msg}");
            if pillar::build::interrupt::requested() {
                ExitCode::from(pillar::build::interrupt::EXIT_CODE)
            } else {
                ExitCode::from(2)
            }
        }
    }
}
