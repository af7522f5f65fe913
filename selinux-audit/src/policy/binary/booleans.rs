//! Current boolean values: the stored defaults, or values set by the caller (for instance the
//! running kernel's, read by [`crate::system`] from `/sys/fs/selinux/booleans`).
//!
//! Every query that does not take explicit overrides answers under the current values, and
//! overrides apply on top of them. Setting values re-evaluates every conditional node once
//! (a few hundred short expressions), so queries stay as cheap as with the defaults. No I/O
//! here: the values come in as `(name, value)` pairs.

use super::index::{evaluate_all, slot_of};
use super::{BinaryPolicy, QueryError};

impl BinaryPolicy {
    /// A boolean's current value: the stored default unless changed with
    /// [`BinaryPolicy::set_booleans`]. `None` for an unknown boolean.
    pub fn boolean(&self, name: &str) -> Option<bool> {
        let value = self.boolean_value(name)?;
        slot_of(value).and_then(|s| self.idx.bool_state.get(s)).copied()
    }

    /// A boolean's value as stored in the policy file (the persistent default), whatever the
    /// current value is.
    pub fn boolean_default(&self, name: &str) -> Option<bool> {
        let i = *self.idx.bool_by_name.get(name)?;
        self.db.symbols.bools.entries.get(i).map(|b| b.state)
    }

    /// All booleans with their current values, sorted by name.
    pub fn booleans(&self) -> Vec<(&str, bool)> {
        let mut out: Vec<(&str, bool)> = self
            .db
            .symbols
            .bools
            .entries
            .iter()
            .map(|b| {
                let current = slot_of(b.value).and_then(|s| self.idx.bool_state.get(s)).copied();
                (b.name.as_str(), current.unwrap_or(b.state))
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Sets the current value of one boolean (see [`BinaryPolicy::set_booleans`]).
    pub fn set_boolean(&mut self, name: &str, value: bool) -> Result<(), QueryError> {
        self.set_booleans(&[(name, value)])
    }

    /// Sets the current values of some booleans; every later query uses them. All names are
    /// checked first: on an unknown one nothing changes.
    pub fn set_booleans(&mut self, values: &[(&str, bool)]) -> Result<(), QueryError> {
        let mut slots = Vec::with_capacity(values.len());
        for &(name, value) in values {
            let slot = self
                .boolean_value(name)
                .and_then(slot_of)
                .filter(|&s| s < self.idx.bool_state.len())
                .ok_or_else(|| QueryError::UnknownBoolean(name.to_owned()))?;
            slots.push((slot, value));
        }
        for (slot, value) in slots {
            if let Some(state) = self.idx.bool_state.get_mut(slot) {
                *state = value;
            }
        }
        self.idx.default_cond = evaluate_all(&self.db, &self.idx.bool_state);
        Ok(())
    }

    /// The policy with some booleans set (builder form of [`BinaryPolicy::set_booleans`]).
    pub fn with_booleans(mut self, values: &[(&str, bool)]) -> Result<BinaryPolicy, QueryError> {
        self.set_booleans(values)?;
        Ok(self)
    }

    /// Booleans whose current value differs from the stored default, sorted by name.
    pub fn changed_booleans(&self) -> Vec<(&str, bool)> {
        self.booleans()
            .into_iter()
            .filter(|&(name, value)| self.boolean_default(name) != Some(value))
            .collect()
    }

    /// The value (1-based) of a boolean.
    pub(crate) fn boolean_value(&self, name: &str) -> Option<u32> {
        let i = *self.idx.bool_by_name.get(name)?;
        self.db.symbols.bools.entries.get(i).map(|b| b.value)
    }

    /// The current state of boolean value `value`.
    pub(crate) fn current_bool(&self, value: u32) -> bool {
        slot_of(value).and_then(|s| self.idx.bool_state.get(s)).copied().unwrap_or(false)
    }
}
