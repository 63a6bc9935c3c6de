//! The data file: its extra tables, source groups, the deep model's forms and hostile values,
//! escaped in every output format.

mod escaping;
mod extra;
mod model;
mod source_groups;
