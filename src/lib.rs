//! mdbook-vision: an mdBook preprocessor for vision docs.
//!
//! Data flows one way: wire → scan → index → check + render → wire.

pub mod anchor;
