//! Building a site: the shipped explainer, the examples, publishing under a sub-path, and
//! what a content section holds and in which order.

mod editions;
mod embeds;
mod examples;
mod highlight;
mod incremental;
mod publishing;
mod sections;
mod shipped;
