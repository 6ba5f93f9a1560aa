//! Heading ids exactly as the running mdBook line makes them.
