//! Output safety: the same bytes every time, nothing lost when a build is killed, stopped or
//! run twice at once, nothing written outside the output, hostile file names and links.

mod bookkeeping;
mod hostile;
mod reliability;
mod scale;
