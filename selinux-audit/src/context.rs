//! SELinux security contexts: `user:role:type[:level]`.
//!
//! The level (MLS/MCS range) may itself contain `:` (`s0-s0:c0.c1023`) and `,` (`s0:c1,c2`), so
//! a context is split at its first three colons only and everything after the third belongs to
//! the level. [`SecurityContext::parse`] accepts exactly what the kernel prints and
//! `Display` gives it back byte for byte (the round trip is checked by the fuzz target).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A parsed security context.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SecurityContext {
    /// SELinux user, e.g. `system_u`.
    pub user: String,
    /// Role, e.g. `system_r` or `object_r`.
    pub role: String,
    /// Type (domain for processes), e.g. `httpd_t`.
    #[serde(rename = "type")]
    pub type_: String,
    /// MLS/MCS level or range, e.g. `s0` or `s0-s0:c0.c1023`; `None` on non-MLS policies.
    pub level: Option<String>,
}

impl SecurityContext {
    /// Parses `user:role:type[:level]`. Returns `None` when a component is empty or missing, or
    /// when the text contains whitespace, quotes or control bytes (never part of a context).
    pub fn parse(text: &str) -> Option<SecurityContext> {
        if text.bytes().any(|b| b <= b' ' || b == b'"' || b == b'\'' || b == 0x7f) {
            return None;
        }
        let mut parts = text.splitn(4, ':');
        let user = parts.next().filter(|s| !s.is_empty())?;
        let role = parts.next().filter(|s| !s.is_empty())?;
        let type_ = parts.next().filter(|s| !s.is_empty())?;
        let level = match parts.next() {
            Some("") => return None,
            Some(l) => Some(l.to_owned()),
            None => None,
        };
        Some(SecurityContext {
            user: user.to_owned(),
            role: role.to_owned(),
            type_: type_.to_owned(),
            level,
        })
    }

    /// The same context with another type (user, role and level kept, as restorecon without
    /// `-F` does).
    pub fn with_type(&self, type_: &str) -> SecurityContext {
        SecurityContext { type_: type_.to_owned(), ..self.clone() }
    }
}

impl fmt::Display for SecurityContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.user, self.role, self.type_)?;
        if let Some(level) = &self.level {
            write!(f, ":{level}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for SecurityContext {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        SecurityContext::parse(s).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mcs_range() {
        let c = SecurityContext::parse("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023")
            .unwrap();
        assert_eq!(c.user, "unconfined_u");
        assert_eq!(c.role, "unconfined_r");
        assert_eq!(c.type_, "unconfined_t");
        assert_eq!(c.level.as_deref(), Some("s0-s0:c0.c1023"));
        assert_eq!(c.to_string(), "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023");
    }

    #[test]
    fn parses_categories_with_commas_and_no_level() {
        let c = SecurityContext::parse("system_u:object_r:svirt_image_t:s0:c1,c2").unwrap();
        assert_eq!(c.level.as_deref(), Some("s0:c1,c2"));
        let c = SecurityContext::parse("u:r:init").unwrap();
        assert_eq!(c.type_, "init");
        assert_eq!(c.level, None);
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(SecurityContext::parse("system_u:object_r"), None);
        assert_eq!(SecurityContext::parse("a::c:s0"), None);
        assert_eq!(SecurityContext::parse("a:b:c:"), None);
        assert_eq!(SecurityContext::parse("a:b:c d:s0"), None);
        assert_eq!(SecurityContext::parse(""), None);
    }
}
