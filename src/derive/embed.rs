//! The embeddable views (`embed/…/index.html`): the org chart, the function map, the
//! comparison table and the timeline, each alone on a page that another site shows in an
//! `<iframe>` — a title, the view, a source line and a link back, no navigation.

use super::Context;
use serde::Serialize;

use crate::config::Config;
use crate::markdown::{PageRenderer, Resolver};
use crate::model::reform::Reform;

use super::Shared;
use super::views::Views;

/// One embeddable view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    OrgChart,
    FunctionMap,
    Comparison,
    Timeline,
}

impl View {
    /// Its folder under `embed/`, also its `embed.kind` in the template.
    pub fn slug(self) -> &'static str {
        match self {
            View::OrgChart => "org-chart",
            View::FunctionMap => "function-map",
            View::Comparison => "comparison",
            View::Timeline => "timeline",
        }
    }
}

/// What `embed.html` receives as `embed`.
#[derive(Serialize)]
struct EmbedView<'a> {
    kind: &'static str,
    title: String,
    /// The page of the site that shows the view in full (from the root), for the link back.
    url: String,
    /// This embed's own address from the root (`embed/timeline/`).
    path: String,
    /// The source line's publisher: the site's title.
    site_title: &'a str,
}

/// The context of the embed of `view` (its links start from `embed/SLUG/`).
pub fn context(
    r: &Reform,
    config: &Config,
    shared: &Shared,
    resolver: &Resolver<'_>,
    view: View,
) -> Context {
    let path = format!("embed/{}/", view.slug());
    let mut md = PageRenderer::new(resolver, &path, "", false);
    let strings = resolver.strings;
    let mut ctx = Context::new();
    ctx.insert("root", &md.root());
    let paths = &config.paths;
    let (title, url) = match view {
        View::OrgChart => (strings.get("chart_title").to_owned(), &paths.comparison),
        View::FunctionMap => (
            strings.fill("flow_title", &[("count", &r.functions.len().to_string())]),
            &paths.comparison,
        ),
        View::Comparison => (
            strings.get("title_comparison").to_owned(),
            &paths.comparison,
        ),
        View::Timeline => (strings.get("title_timeline").to_owned(), &paths.timeline),
    };
    let mut v = Views {
        reform: r,
        shared,
        md: &mut md,
    };
    match view {
        View::OrgChart => ctx.insert("chart", shared.chart(r, strings)),
        View::FunctionMap => ctx.insert(
            "flow",
            &super::flow::function_map(r, &shared.unit_refs, strings),
        ),
        View::Comparison => super::comparison(&mut v, &mut ctx),
        View::Timeline => super::timeline(&mut v, &mut ctx),
    }
    ctx.insert("chart_heading", "h2");
    ctx.insert(
        "embed",
        &EmbedView {
            kind: view.slug(),
            title,
            url: format!("{url}/"),
            path,
            site_title: &config.title,
        },
    );
    ctx
}
