//! The kernel binary policy (`policy.N`): reader and queries.
//!
//! STUB: interface only; the implementation lands with the binary-policy work.

use crate::error::PolicyError;

/// Why a query could not be answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The type (or attribute/alias) name is not in the policy.
    #[error("type {0} is not defined in the policy")]
    UnknownType(String),
    /// The class is not in the policy.
    #[error("class {0} is not defined in the policy")]
    UnknownClass(String),
    /// The permission is not defined for the class.
    #[error("permission {perm} is not defined for class {class}")]
    UnknownPerm {
        /// The class.
        class: String,
        /// The permission.
        perm: String,
    },
}

/// A parsed kernel policy.
#[derive(Debug, Default)]
pub struct BinaryPolicy {
    version: u32,
}

impl BinaryPolicy {
    /// Parses a kernel policy file's bytes. Never panics; a damaged file gives
    /// [`PolicyError::Binary`] naming the section and offset.
    pub fn parse(bytes: &[u8]) -> Result<BinaryPolicy, PolicyError> {
        let _ = bytes;
        Ok(BinaryPolicy::default())
    }

    /// The policy version (24–35).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// True when `name` is a type, alias or attribute.
    pub fn has_type(&self, name: &str) -> bool {
        let _ = name;
        false
    }

    /// True when `name` is an attribute (not a concrete type).
    pub fn is_attribute(&self, name: &str) -> bool {
        let _ = name;
        false
    }

    /// True when the class exists.
    pub fn has_class(&self, name: &str) -> bool {
        let _ = name;
        false
    }

    /// Names of all concrete (non-attribute) types, sorted.
    pub fn type_names(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Attribute names of a concrete type (not including itself).
    pub fn attributes_of(&self, type_name: &str) -> Result<Vec<&str>, QueryError> {
        Err(QueryError::UnknownType(type_name.to_owned()))
    }

    /// A boolean's value as stored in the policy (the persistent default).
    pub fn boolean(&self, name: &str) -> Option<bool> {
        let _ = name;
        None
    }

    /// Whether `src` may do every one of `perms` on `tgt`:`class` under the policy's boolean
    /// values (TE allow rules, attributes expanded, conditional rules evaluated; constraints
    /// are not evaluated).
    pub fn allows(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<bool, QueryError> {
        let _ = (tgt, class, perms);
        Err(QueryError::UnknownType(src.to_owned()))
    }

    /// All concrete types `T` such that `src` may do every one of `perms` on `T`:`class`.
    pub fn targets_allowing(
        &self,
        src: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<Vec<&str>, QueryError> {
        let _ = (class, perms);
        Err(QueryError::UnknownType(src.to_owned()))
    }

    /// The port type the kernel gives `port` for `protocol` (6 tcp, 17 udp, 33 dccp, 132 sctp):
    /// first matching portcon in policy order; `None` when only the initial SID applies.
    pub fn port_type(&self, protocol: u8, port: u16) -> Option<&str> {
        let _ = (protocol, port);
        None
    }

    /// `type_transition src tgt:class → result` (unnamed), if any.
    pub fn type_transition(&self, src: &str, tgt: &str, class: &str) -> Option<&str> {
        let _ = (src, tgt, class);
        None
    }

    /// True when `type_name` is a permissive domain.
    pub fn is_permissive(&self, type_name: &str) -> bool {
        let _ = type_name;
        false
    }
}
