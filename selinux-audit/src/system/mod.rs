//! Everything that touches the machine: reading policy files, looking up inodes and labels.
//! No other module of the library does I/O.

pub mod policy_files;
