//! The data file: its extra tables, source groups and hostile values, escaped in every output
//! format.

mod escaping;
mod extra;
mod source_groups;
