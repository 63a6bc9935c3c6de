//! The render stage: Tera templates over prepared page contexts. Built-in templates are
//! embedded in the binary; a file of the same name under the project's `theme/templates/`
//! overrides one. Template errors become diagnostics located in the template file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use tera::{Context, Tera};

use crate::diag::Diagnostic;

/// The default theme, compiled into the binary.
pub static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/theme");

/// Where each template came from, for error messages.
pub struct Templates {
    pub tera: Tera,
    files: HashMap<String, (PathBuf, String)>,
}

/// Loads the built-in templates and the project's overrides. Every syntax error is reported.
pub fn load(theme_dir: &Path, root: &Path) -> Result<Templates, Vec<Diagnostic>> {
    let mut sources: HashMap<String, (PathBuf, String)> = HashMap::new();
    if let Some(dir) = THEME.get_dir("templates") {
        collect_embedded(dir, &mut sources);
    }
    let mut problems = Vec::new();
    let user_dir = theme_dir.join("templates");
    if user_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&user_dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(Diagnostic::error(
                        crate::diag::display_path(root, e.path().unwrap_or(&user_dir)),
                        1,
                        1,
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file()
                || crate::load::is_ignored(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&user_dir) else {
                continue;
            };
            let name = rel.to_string_lossy().replace('\\', "/");
            let shown = crate::diag::display_path(root, entry.path());
            match std::fs::read(entry.path()) {
                Ok(bytes) => match crate::load::decode(entry.path(), &bytes, &shown) {
                    Ok(text) => {
                        sources.insert(name, (shown, text));
                    }
                    Err(d) => problems.push(d),
                },
                Err(e) => {
                    problems.push(Diagnostic::error(shown, 1, 1, format!("cannot read: {e}")))
                }
            }
        }
    }
    // Parse each template alone first, so that every syntax error is reported, not only the first.
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    for name in &names {
        let mut probe = Tera::new();
        if let Err(e) = probe.add_raw_template(name, &sources[*name].1)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            problems.push(diagnostic(&e, &sources, name));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut tera = Tera::new();
    let all: Vec<(&String, &String)> = names.iter().map(|n| (*n, &sources[*n].1)).collect();
    if let Err(e) = tera.add_raw_templates(all) {
        return Err(vec![diagnostic(&e, &sources, "")]);
    }
    Ok(Templates {
        tera,
        files: sources,
    })
}

fn collect_embedded(dir: &Dir<'static>, out: &mut HashMap<String, (PathBuf, String)>) {
    for f in dir.files() {
        let Ok(rel) = f.path().strip_prefix("templates") else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        if let Some(text) = f.contents_utf8() {
            out.insert(
                name.clone(),
                (
                    PathBuf::from(format!("<built-in theme>/templates/{name}")),
                    text.to_owned(),
                ),
            );
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

impl Templates {
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders one template; errors point at the template's file.
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| diagnostic(&e, &self.files, name))
    }

    pub fn global(&mut self) -> &mut Context {
        self.tera.global_context()
    }
}

/// A Tera error as a located diagnostic.
fn diagnostic(
    e: &tera::Error,
    files: &HashMap<String, (PathBuf, String)>,
    fallback: &str,
) -> Diagnostic {
    let path_of = |name: &str| {
        files
            .get(name)
            .map_or_else(|| PathBuf::from(name), |f| f.0.clone())
    };
    let mut chain = Vec::new();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let detail = if chain.is_empty() {
        String::new()
    } else {
        format!(": {}", chain.join(": "))
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let name = if r.filename().is_empty() {
                fallback
            } else {
                r.filename()
            };
            let span = r.span();
            let mut d = Diagnostic::error(
                path_of(name),
                span.start_line,
                span.start_col + 1,
                format!("{}{detail}", r.message()),
            );
            d.snippet = files
                .get(name)
                .and_then(|f| crate::diag::line_text(&f.1, span.start_line))
                .map(str::to_owned);
            if r.message().contains("not found in context") || r.message().contains("undefined") {
                d = d.with_hint("check the variable's name; `docs/templates.md` lists what each template receives");
            }
            d
        }
        tera::ErrorKind::TemplateNotFound(t) => Diagnostic::error(
            path_of(fallback),
            1,
            1,
            format!("template {t:?} not found"),
        )
        .with_hint(
            "templates live in theme/templates/; the built-in ones are listed in docs/templates.md",
        ),
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            path_of(current),
            1,
            1,
            format!("extends {parent:?}, which does not exist"),
        ),
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::error(
            path_of(tpl),
            1,
            1,
            format!(
                "templates extend each other in a loop: {}",
                inheritance_chain.join(" → ")
            ),
        ),
        tera::ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
            path_of(tpl),
            1,
            1,
            format!(
                "templates include each other in a loop: {}",
                include_chain.join(" → ")
            ),
        ),
        _ => Diagnostic::error(path_of(fallback), 1, 1, format!("{e}{detail}")),
    }
}
