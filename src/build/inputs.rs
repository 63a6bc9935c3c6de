//! The inputs phase: the content, the data file, the templates and the interface strings,
//! read side by side, with every problem of all four reported together, in file order.

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

/// Reads the inputs, or fails with every problem of all four together, in file order: a
/// syntax error in the data file no longer hides the content's, the templates' or the
/// strings' problems until the next run.
pub(super) fn read(config: &Config) -> Result<Inputs, Failure> {
    let Parts {
        loaded,
        validated,
        templates,
        strings,
    } = read_parts(config);
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut warnings: Vec<Diagnostic> = config.warnings().collect();
    let content = loaded.map_err(|d| errors.extend(d)).ok();
    let reform = match validated {
        Err(d) => {
            errors.push(d);
            None
        }
        Ok(Some(v)) => {
            let (errs, warns): (Vec<_>, Vec<_>) =
                v.diagnostics.into_iter().partition(Diagnostic::is_error);
            errors.extend(errs);
            warnings.extend(warns);
            v.reform
        }
        Ok(None) => None,
    };
    let templates = templates.map_err(|d| errors.extend(d)).ok();
    let strings = strings.map_err(|d| errors.extend(d)).ok();
    match (content, templates, strings) {
        (Some(content), Some(templates), Some(strings)) if errors.is_empty() => Ok(Inputs {
            content,
            reform,
            templates,
            strings,
            warnings,
        }),
        _ => Err(Failure::Site(Diagnostics(errors).sorted())),
    }
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
