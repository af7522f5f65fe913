//! Unit tests on synthetic policies (see `tests/binpol.rs` for real ones).
