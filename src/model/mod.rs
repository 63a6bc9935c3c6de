//! The model stage: the validated site as plain data — pages, sections and the reform — with
//! every cross-reference resolved and every URL assigned. Nothing here renders or writes.

pub mod reform;
pub mod site;

pub use site::{Page, PageKind, Site, assemble};
