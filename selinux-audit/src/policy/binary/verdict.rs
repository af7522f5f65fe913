//! The answer of [`BinaryPolicy::decide`](super::BinaryPolicy::decide): whether the policy
//! allows an access and every reason why not, as values that serialize to JSON.
//!
//! Reasons follow the kernel's order of checks: invalid contexts first, then type enforcement
//! (a missing allow rule, or conditional rules waiting for booleans), constraints, role
//! transitions, type bounds; then what shapes the log rather than the decision (dontaudit,
//! permissive domain). Checks later in that order are evaluated even when an earlier one
//! already denies: a constraint that would still refuse the access after the allow rule is
//! added is reported with `active: false`. [`Verdict::audit2why`] gives what audit2why would
//! print for the same query, for comparison.

use serde::Serialize;

/// A boolean and a value for it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BooleanValue {
    /// Boolean name.
    pub name: String,
    /// Value.
    pub value: bool,
}

/// One sufficient change of booleans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BooleanOption {
    /// Booleans to set (each differs from its current value). No subset is enough.
    pub set: Vec<BooleanValue>,
    /// Booleans that must keep their current value for this option to work (the rules it
    /// enables are also conditional on them).
    pub requires: Vec<BooleanValue>,
}

/// Which context a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The subject (`scontext`).
    Source,
    /// The object (`tcontext`).
    Target,
}

/// One reason in a [`Verdict`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// The kernel would not accept this context in this policy (the log came from another
    /// policy); the decision below is computed anyway.
    InvalidContext {
        /// Source or target.
        side: Side,
        /// The context.
        context: String,
        /// What is wrong.
        problems: Vec<String>,
    },
    /// No allow rule grants these permissions (and no searched boolean change would).
    MissingAllow {
        /// Permissions without an allow rule.
        perms: Vec<String>,
        /// True when conditional rules for them exist but no searched combination of
        /// booleans enables all of them.
        conditional: bool,
    },
    /// Conditional allow rules grant these permissions once booleans change.
    Booleans {
        /// The permissions they grant.
        perms: Vec<String>,
        /// Each sufficient change, narrowest first.
        options: Vec<BooleanOption>,
        /// False when the search stopped at its limits (larger combinations not tried).
        complete: bool,
    },
    /// A constraint refuses these permissions.
    Constraint {
        /// Requested permissions the constraint covers.
        perms: Vec<String>,
        /// The constraint, with every false clause marked `-Fail-`.
        statement: String,
        /// The clauses that decide the failure.
        failed: Vec<String>,
        /// The same, in words for these contexts.
        explanation: Vec<String>,
        /// True for an `mlsconstrain`.
        mls: bool,
        /// True when type enforcement grants these permissions, so this is what denies them
        /// now; false when it would deny them once they are granted.
        active: bool,
    },
    /// A process transition changes role and no `allow OLD NEW` role rule exists.
    Rbac {
        /// `transition`/`dyntransition`.
        perms: Vec<String>,
        /// The current role.
        from_role: String,
        /// The new role.
        to_role: String,
        /// As for constraints.
        active: bool,
    },
    /// The source domain is bounded (`typebounds`) and its bounding domain lacks these
    /// permissions.
    Bounds {
        /// Masked permissions.
        perms: Vec<String>,
        /// The bounded domain.
        domain: String,
        /// Its bounding domain.
        bound: String,
    },
    /// A `dontaudit` rule hides these denied permissions: the denial is only logged with
    /// `semodule -DB`.
    Dontaudit {
        /// The hidden permissions.
        perms: Vec<String>,
    },
    /// The source domain is permissive: the denial is logged but not enforced.
    Permissive {
        /// The domain.
        domain: String,
    },
    /// This policy allows the access: the log came from another policy, or a boolean has
    /// changed since.
    Allowed,
}

/// audit2why's verdict categories (`selinux.audit2why` constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Audit2WhyCategory {
    /// Would be allowed.
    Allow,
    /// Missing allow rule, and a requested permission is dontaudited.
    Dontaudit,
    /// Missing allow rule.
    Terule,
    /// One boolean flipped alone allows it.
    Boolean,
    /// A constraint denies a permission type enforcement grants.
    Constraint,
    /// Role transition not allowed.
    Rbac,
    /// Typebounds violation.
    Bounds,
    /// The source context is not valid in the policy.
    Badscon,
    /// The target context is not valid in the policy.
    Badtcon,
}

/// What audit2why reports for the same query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Audit2Why {
    /// The category.
    pub category: Audit2WhyCategory,
    /// For [`Audit2WhyCategory::Boolean`]: each boolean whose flip alone allows the access,
    /// with the value needed, sorted by name.
    pub booleans: Vec<BooleanValue>,
}

/// The decision on one access and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// True when the policy, with its stored boolean values, allows every requested
    /// permission (type enforcement, constraints, role transitions and bounds).
    pub allowed: bool,
    /// True when the source domain is permissive (denials are not enforced).
    pub permissive: bool,
    /// Every reason that applies, in the kernel's order of checks.
    pub reasons: Vec<Reason>,
    /// What audit2why would say.
    pub audit2why: Audit2Why,
}

impl Verdict {
    /// The `kind` names of the reasons, in order (handy for tests and summaries).
    pub fn kinds(&self) -> Vec<&'static str> {
        self.reasons.iter().map(Reason::kind).collect()
    }
}

impl Reason {
    /// The `kind` name this reason serializes with.
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::InvalidContext { .. } => "invalid_context",
            Reason::MissingAllow { .. } => "missing_allow",
            Reason::Booleans { .. } => "booleans",
            Reason::Constraint { .. } => "constraint",
            Reason::Rbac { .. } => "rbac",
            Reason::Bounds { .. } => "bounds",
            Reason::Dontaudit { .. } => "dontaudit",
            Reason::Permissive { .. } => "permissive",
            Reason::Allowed => "allowed",
        }
    }
}
