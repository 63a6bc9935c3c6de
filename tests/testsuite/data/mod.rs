//! The data file: its extra tables and hostile values, escaped in every output format.

mod escaping;
mod extra;
mod json_schema;
mod open_data;
