//! Checking a site: every link and anchor located in its source, and the broken sites of
//! tests/broken/ with their exact messages.

mod broken;
mod external;
mod links;
