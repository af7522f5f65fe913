//! Everything that touches the machine: reading policy files, looking up inodes and labels.
//! No other module of the library does I/O.

pub mod booleans;
pub mod inode;
pub mod load;
pub mod policy_files;
pub mod xattr;

pub use load::{PolicyRequest, load_policy};
