//! The data file: its extra tables, source groups, the deep model's forms and hostile values,
//! escaped in every output format.

mod escaping;
mod extra;
mod json_schema;
mod model;
mod open_data;
mod source_groups;
mod xss_formats;
