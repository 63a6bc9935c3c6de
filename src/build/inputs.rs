//! The inputs phase: the content, the data file, the templates and the interface strings,
//! read side by side, with every problem of all four reported together.

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::i18n::Strings;
use crate::model::reform::Reform;
use crate::{data, load, render};

use super::Failure;

/// What the build reads before anything is derived.
pub(super) struct Inputs {
    pub content: load::Loaded,
    pub reform: Option<Reform>,
    pub templates: render::Templates,
    pub strings: Strings,
    /// Warnings of the configuration and the data file.
    pub warnings: Vec<Diagnostic>,
}

/// Reads the inputs, or fails with their problems: the content's and the data file's
/// together, then the templates', then the strings' (the order users have always seen).
pub(super) fn read(config: &Config) -> Result<Inputs, Failure> {
    let Parts {
        loaded,
        validated,
        templates,
        strings,
    } = read_parts(config);
    let content = match (loaded, &validated) {
        (Err(mut diags), Err(d)) => {
            diags.push(d.clone());
            return Err(Failure::Site(Diagnostics(diags).sorted()));
        }
        (loaded, _) => loaded?,
    };
    let validated = validated.map_err(|d| Failure::Site(vec![d]))?;
    let templates = templates?;
    let mut warnings: Vec<Diagnostic> = config.warnings().collect();
    let reform = match validated {
        Some(v) => {
            let (errors, warns): (Vec<_>, Vec<_>) =
                v.diagnostics.into_iter().partition(Diagnostic::is_error);
            if !errors.is_empty() {
                return Err(Failure::Site(errors));
            }
            warnings.extend(warns);
            v.reform
        }
        None => None,
    };
    Ok(Inputs {
        content,
        reform,
        templates,
        strings: strings?,
        warnings,
    })
}

/// The four inputs, each with its own problems.
struct Parts {
    loaded: Result<load::Loaded, Vec<Diagnostic>>,
    validated: Result<Option<data::validate::Validated>, Diagnostic>,
    templates: Result<render::Templates, Vec<Diagnostic>>,
    strings: Result<Strings, Vec<Diagnostic>>,
}

/// Reads the inputs on two threads: a new one reads and parses the data file, this one reads
/// the content (starting rayon's pool for the page phase) and the interface strings, and
/// whichever is free first parses the templates. Without a second thread, the data file is
/// read here afterwards.
fn read_parts(config: &Config) -> Parts {
    let claimed = std::sync::atomic::AtomicBool::new(false);
    let templates_if_free = || {
        (!claimed.swap(true, std::sync::atomic::Ordering::Relaxed))
            .then(|| render::load(&config.theme_dir, &config.root))
    };
    std::thread::scope(|s| {
        let data_work = || {
            let data =
                load::data_file(config).map(|f| f.map(|(shown, text)| data::parse(&shown, &text)));
            (data, templates_if_free())
        };
        let spawned = std::thread::Builder::new()
            .name("pillar-data".into())
            .spawn_scoped(s, data_work)
            .ok();
        let loaded = load::load(config);
        let strings = Strings::load(
            &config.language,
            &config.theme_dir,
            &config.root,
            config.language_at.clone(),
        );
        let here = templates_if_free();
        let (validated, there) = match spawned {
            Some(h) => h
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => data_work(),
        };
        // Exactly one of the two parsed them.
        let templates = here
            .or(there)
            .unwrap_or_else(|| render::load(&config.theme_dir, &config.root));
        Parts {
            loaded,
            validated,
            templates,
            strings,
        }
    })
}
