//! The commands around the preprocessor: `check`, `install` and `new`.

pub mod check;
pub mod install;
pub mod new;
