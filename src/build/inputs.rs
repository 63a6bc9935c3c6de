//! The inputs phase: the content, the data file, the templates and the interface strings,
//! read side by side, with every problem of all four reported together, in file order.

use std::path::PathBuf;
use std::sync::Mutex;

use crate::config::{Config, Translation};
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
pub(super) fn read(
    config: &Config,
    last: &load::snapshot::Snapshot,
    parsed: Option<&Parsed>,
) -> Result<Inputs, Failure> {
    let Parts {
        loaded,
        validated,
        templates,
        strings,
    } = read_parts(config, last, parsed);
    if let (Some(p), Ok(t), Ok(v)) = (parsed, &templates, &validated) {
        p.keep(config, t, v.as_ref());
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut warnings: Vec<Diagnostic> = config.warnings().collect();
    let content = loaded.map_err(|d| errors.extend(d)).ok();
    let mut reform = match validated {
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
    if let (Some(t), Some(r)) = (&config.translation, &mut reform) {
        let (errs, warns): (Vec<_>, Vec<_>) = translate(config, t, r)
            .into_iter()
            .partition(Diagnostic::is_error);
        errors.extend(errs);
        warnings.extend(warns);
    }
    if let Some(c) = &content {
        warnings.extend(untranslated(config, &c.untranslated));
    }
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

/// Lays the data file's text in the edition's language over the reform.
fn translate(config: &Config, t: &Translation, reform: &mut Reform) -> Vec<Diagnostic> {
    let Some(path) = &t.overlay else {
        return Vec::new();
    };
    let shown = config.show(path);
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            vec![data::overlay::no_overlay(&shown, &config.language)]
        }
        Err(e) => vec![Diagnostic::file(shown, format!("cannot read: {e}"))],
        Ok(bytes) => match crate::diag::decode(&bytes, &shown) {
            Ok(text) => data::overlay::apply(reform, &shown, &text, &config.language),
            Err(d) => vec![d],
        },
    }
}

/// One warning for the pages this edition shows untranslated, naming the first few.
fn untranslated(config: &Config, pages: &std::collections::BTreeSet<String>) -> Option<Diagnostic> {
    const NAMED: usize = 8;
    pages.first()?;
    let mut list: Vec<&str> = pages.iter().take(NAMED).map(String::as_str).collect();
    let more = pages.len().saturating_sub(NAMED);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    list.sort_unstable();
    let (n, s) = (pages.len(), if pages.len() == 1 { "" } else { "s" });
    let folder = config.show(&config.content_dir);
    let d = Diagnostic::file(
        &folder,
        format!(
            "{n} page{s} of the default edition have no {:?} version in {}/: {}{more}",
            config.language,
            folder.display(),
            list.join(", ")
        ),
    );
    Some(
        d.with_hint(
            "they are shown in the default language, with a note saying so, until translated",
        )
        .warning(),
    )
}

/// The templates and the data file as the first edition of a build parsed them: the other
/// editions, made from the same files, take a copy instead of parsing them again.
#[derive(Default)]
pub(super) struct Parsed {
    templates: Mutex<Option<(PathBuf, PathBuf, render::Templates)>>,
    data: Mutex<Option<(PathBuf, data::validate::Validated)>>,
}

impl Parsed {
    /// The templates of `config`'s theme and project, when an edition parsed them.
    fn templates(&self, config: &Config) -> Option<render::Templates> {
        let kept = self.templates.lock().ok()?;
        let (theme, root, templates) = kept.as_ref()?;
        (*theme == config.theme_dir && *root == config.root).then(|| templates.clone())
    }

    /// `config`'s data file, validated, when an edition parsed it.
    fn data(&self, config: &Config) -> Option<data::validate::Validated> {
        let kept = self.data.lock().ok()?;
        let (path, validated) = kept.as_ref()?;
        (config.data_file.as_ref() == Some(path)).then(|| validated.clone())
    }

    /// Keeps what the first edition parsed.
    fn keep(
        &self,
        config: &Config,
        templates: &render::Templates,
        data: Option<&data::validate::Validated>,
    ) {
        if let Ok(mut kept) = self.templates.lock()
            && kept.is_none()
        {
            *kept = Some((
                config.theme_dir.clone(),
                config.root.clone(),
                templates.clone(),
            ));
        }
        if let (Ok(mut kept), Some(path), Some(v)) = (self.data.lock(), &config.data_file, data)
            && kept.is_none()
        {
            *kept = Some((path.clone(), v.clone()));
        }
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
/// the content (but for the files as `last` recorded them; starting rayon's pool for the page
/// phase) and the interface strings, and whichever is free first parses the templates.
/// Without a second thread, the data file is read here afterwards.
fn read_parts(config: &Config, last: &load::snapshot::Snapshot, parsed: Option<&Parsed>) -> Parts {
    let cached = parsed.and_then(|p| p.templates(config));
    let claimed = std::sync::atomic::AtomicBool::new(cached.is_some());
    let templates_if_free = || {
        (!claimed.swap(true, std::sync::atomic::Ordering::Relaxed))
            .then(|| render::load(&config.theme_dir, &config.root))
    };
    let data = parsed.and_then(|p| p.data(config));
    std::thread::scope(|s| {
        let data_work = || {
            let data = match &data {
                Some(v) => Ok(Some(v.clone())),
                None => load::data_file(config)
                    .map(|f| f.map(|(shown, text)| data::parse(&shown, &text))),
            };
            (data, templates_if_free())
        };
        let spawned = std::thread::Builder::new()
            .name("pillar-data".into())
            .spawn_scoped(s, data_work)
            .ok();
        let loaded = load::load(config, last);
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
        // Exactly one of the two parsed them, or an earlier edition did.
        let templates = (here.or(there))
            .or_else(|| cached.map(Ok))
            .unwrap_or_else(|| render::load(&config.theme_dir, &config.root));
        Parts {
            loaded,
            validated,
            templates,
            strings,
        }
    })
}
