//! Tests of `BinaryPolicy::decide` against the real audit2why and on our own policies.
//!
//! * `differential`: several thousand (scontext, tcontext, class, permissions) queries on
//!   Debian 12's `policy.33`, answered by `selinux.audit2why` (package `python3-selinux`) in
//!   one Python process and compared category by category, boolean list by boolean list, and
//!   constraint text by constraint text.
//! * `cil`: our own CIL policy (`corpus/policy/decide/decide.cil`, compiled with `secilc` at
//!   test time) with constraints on users, roles, types and names, MLS dominance, a
//!   permissive domain, role transitions, type bounds and boolean combinations; every answer
//!   is written out and also checked against audit2why on the same policy.
//!
//! A missing policy, `secilc` or `python3-selinux` fails the tests with what to install; CI
//! installs them (`.ci/run`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "decide/audit2why.rs"]
mod audit2why;
#[path = "decide/cil.rs"]
mod cil;
#[path = "decide/differential.rs"]
mod differential;
