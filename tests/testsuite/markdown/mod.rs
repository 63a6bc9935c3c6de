//! Markdown: the CommonMark and GFM spec examples, and properties of the passes that read
//! and locate text.

mod properties;
mod spec;
