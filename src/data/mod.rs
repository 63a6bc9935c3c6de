//! The reform data file: its schema (`schema`), dates (`date`) and validation into the model
//! (`validate`). All problems in the file are reported together.

pub mod json_schema;
pub mod links;
pub mod overlay;
pub mod schema;
pub mod validate;

pub use validate::parse;
