//! The model stage: the validated site as data — pages, sections and the reform — with every
//! cross-reference resolved and every URL assigned. Nothing here renders or writes. One part
//! is not plain data: a content file's text, which its page's Markdown takes, and which a big
//! site reads again from disk at that moment (see `load::ContentFile`) so as not to hold every
//! source and every page in memory at once.

pub mod reform;
pub mod site;

pub use site::{Page, PageKind, Site, assemble};
