//! Rendering a [`selinux_audit::report::Report`] for people (`text`) or programs (`json`).

pub mod json;
pub mod text;
