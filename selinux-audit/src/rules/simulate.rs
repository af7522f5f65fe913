//! Simulating fixes: what the policy would decide after their commands ran.
//!
//! A [`SimState`] is a model of the changes a person makes by pasting fixes: local file-context
//! rules and equivalences added or deleted (`semanage fcontext`), objects relabeled
//! (`restorecon`, with `-R` and `-F`), port labels (`semanage port`), booleans (`setsebool`)
//! and local modules (the `allow` lines of the module file a fix writes). It is built from
//! the very argv arrays a fix prints, so what is verified is what is shown. [`SimState::outcome`]
//! then recomputes a denial's target context and asks the binary policy again, on full
//! contexts (constraints and MLS count), with the booleans overridden.

use std::collections::BTreeSet;

use super::needs::{mode_of, protocol_of};
use crate::bytes::ByteStr;
use crate::context::SecurityContext;
use crate::denial::Denial;
use crate::fix::Fix;
use crate::policy::PolicyModel;
use crate::policy::fcontext::{FcFile, FcRegex, FileMode, Lookup, has_meta_chars};

/// A local file-context rule added by a simulated `semanage fcontext -a|-m`.
#[derive(Debug)]
struct SimRule {
    regex: FcRegex,
    text: String,
    type_: String,
}

/// An object reset by a simulated `restorecon`.
#[derive(Debug)]
struct Relabel {
    path: Vec<u8>,
    recursive: bool,
    force: bool,
}

/// The simulated changes, in the order they were applied.
#[derive(Debug, Default)]
pub struct SimState {
    rules: Vec<SimRule>,
    /// `semanage fcontext -a -e TARGET DIR`: (DIR, TARGET).
    equivalences: Vec<(Vec<u8>, Vec<u8>)>,
    /// Local rules deleted (`semanage fcontext -d REGEX`).
    deleted: BTreeSet<String>,
    relabels: Vec<Relabel>,
    /// (protocol, low, high, type).
    ports: Vec<(String, u16, u16, String)>,
    booleans: Vec<(String, bool)>,
    /// (source, target, class, perms) from module files.
    module_rules: Vec<(String, String, String, BTreeSet<String>)>,
    /// Commands the simulation does not model (they change no label, port or boolean).
    pub ignored: Vec<String>,
}

/// What the policy decides about a denial after the simulated changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every denied permission would be allowed.
    Allowed,
    /// Still denied.
    Denied,
    /// Could not be decided; the string says why.
    Unknown(String),
}

fn text(a: &ByteStr) -> String {
    a.to_string_lossy()
}

impl SimState {
    /// A state with `fix`'s commands (and module files) applied.
    pub fn of_fix(fix: &Fix) -> SimState {
        let mut s = SimState::default();
        s.apply_fix(fix);
        s
    }

    /// Applies a fix's module files and commands, in order.
    pub fn apply_fix(&mut self, fix: &Fix) {
        let installs_module = fix
            .commands
            .iter()
            .any(|c| c.first().map(text).as_deref() == Some("semodule") && c.len() > 2);
        if installs_module {
            for file in &fix.files {
                self.read_module(&file.content);
            }
        }
        for cmd in &fix.commands {
            self.apply(cmd);
        }
    }

    /// Reads `allow S T:C { p … };` lines of a module source.
    fn read_module(&mut self, content: &str) {
        for line in content.lines() {
            let Some(rest) = line.trim().strip_prefix("allow ") else { continue };
            let rest = rest.trim_end_matches(';');
            let Some((st, perms)) = rest.split_once(':') else { continue };
            let mut words = st.split_whitespace();
            let (Some(s), Some(t)) = (words.next(), words.next()) else { continue };
            let mut parts = perms.split_whitespace();
            let Some(class) = parts.next() else { continue };
            let set: BTreeSet<String> =
                parts.filter(|p| *p != "{" && *p != "}").map(str::to_owned).collect();
            self.module_rules.push((s.to_owned(), t.to_owned(), class.to_owned(), set));
        }
    }

    /// Applies one command.
    pub fn apply(&mut self, cmd: &[ByteStr]) {
        let args: Vec<String> = cmd.iter().map(text).collect();
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["restorecon", rest @ ..] => self.restorecon(rest, cmd.get(1..).unwrap_or(&[])),
            ["semanage", "fcontext", rest @ ..] => self.fcontext(rest),
            ["semanage", "port", rest @ ..] => self.port(rest),
            ["setsebool", rest @ ..] => self.setsebool(rest),
            _ => self.ignored.push(words.join(" ")),
        }
    }

    fn restorecon(&mut self, words: &[&str], raw: &[ByteStr]) {
        let (mut recursive, mut force) = (false, false);
        for (w, r) in words.iter().zip(raw) {
            if let Some(flags) = w.strip_prefix('-') {
                recursive |= flags.contains('R') || flags.contains('r');
                force |= flags.contains('F');
            } else {
                self.relabels.push(Relabel { path: r.as_bytes().to_vec(), recursive, force });
            }
        }
    }

    fn fcontext(&mut self, words: &[&str]) {
        let (mut op, mut type_, mut equal) = ("", None, None);
        let mut positional = None;
        let mut it = words.iter();
        while let Some(&w) = it.next() {
            match w {
                "-a" | "-m" | "-d" => op = w,
                "-t" => type_ = it.next().copied(),
                "-e" => equal = it.next().copied(),
                "-f" | "-s" | "-r" => {
                    it.next();
                }
                _ => positional = Some(w),
            }
        }
        let Some(target) = positional else { return };
        match (op, type_, equal) {
            ("-d", _, _) => {
                self.deleted.insert(target.to_owned());
                self.rules.retain(|r| r.text != target);
                self.equivalences.retain(|(d, _)| d.as_slice() != target.as_bytes());
            }
            ("-a" | "-m", Some(t), None) => {
                self.rules.retain(|r| r.text != target);
                if let Ok(regex) = FcRegex::new(target) {
                    self.rules.push(SimRule {
                        regex,
                        text: target.to_owned(),
                        type_: t.to_owned(),
                    });
                }
            }
            ("-a" | "-m", None, Some(e)) => {
                self.equivalences.push((target.as_bytes().to_vec(), e.as_bytes().to_vec()));
            }
            _ => self.ignored.push(format!("semanage fcontext {}", words.join(" "))),
        }
    }

    fn port(&mut self, words: &[&str]) {
        let (mut type_, mut proto, mut number) = (None, None, None);
        let mut it = words.iter();
        while let Some(&w) = it.next() {
            match w {
                "-t" => type_ = it.next().copied(),
                "-p" => proto = it.next().copied(),
                "-a" | "-m" | "-d" => {}
                _ => number = Some(w),
            }
        }
        let (Some(t), Some(p), Some(n)) = (type_, proto, number) else { return };
        let (low, high) = match n.split_once('-') {
            Some((a, b)) => (a.parse().ok(), b.parse().ok()),
            None => (n.parse().ok(), n.parse().ok()),
        };
        if let (Some(low), Some(high)) = (low, high) {
            self.ports.push((p.to_owned(), low, high, t.to_owned()));
        }
    }

    fn setsebool(&mut self, words: &[&str]) {
        let words: Vec<&str> = words.iter().copied().filter(|w| *w != "-P").collect();
        for pair in words.chunks(2) {
            let (name, value) = match pair {
                [one] => match one.split_once('=') {
                    Some((n, v)) => (n, v),
                    None => continue,
                },
                [n, v] => (*n, *v),
                _ => continue,
            };
            let value = matches!(value, "1" | "on" | "true");
            self.booleans.retain(|(n, _)| n != name);
            self.booleans.push((name.to_owned(), value));
        }
    }

    /// True when nothing was changed.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
            && self.equivalences.is_empty()
            && self.deleted.is_empty()
            && self.relabels.is_empty()
            && self.ports.is_empty()
            && self.booleans.is_empty()
            && self.module_rules.is_empty()
    }

    /// The type the simulated file contexts give `path` (`None`: no label, or unknown).
    pub fn default_type(
        &self,
        policy: &PolicyModel,
        path: &[u8],
        mode: FileMode,
    ) -> Option<String> {
        // At most one equivalence applies, as in libselinux.
        let substituted = self.equivalences.iter().rev().find_map(|(dir, target)| {
            let rest = path.strip_prefix(dir.as_slice())?;
            (rest.is_empty() || rest.first() == Some(&b'/')).then(|| {
                let mut p = target.clone();
                p.extend_from_slice(rest);
                p
            })
        });
        let path = substituted.as_deref().unwrap_or(path);
        let base = policy.file_contexts.as_ref().map(|fc| {
            if self.deleted.is_empty() {
                fc.lookup(path, mode)
            } else {
                match fc.lookup(path, mode) {
                    Lookup::Context(_, spec) | Lookup::NoLabel(spec)
                        if spec.file == FcFile::Local && self.deleted.contains(&spec.regex) =>
                    {
                        fc.lookup_without(path, mode, FcFile::Local)
                    }
                    other => other,
                }
            }
        });
        // A base entry naming exactly this path beats a local regex (libselinux orders
        // literal specs after regexes).
        let base_literal = base
            .as_ref()
            .and_then(Lookup::spec)
            .is_some_and(|s| s.file != FcFile::Local && !has_meta_chars(&s.regex));
        if let Some(rule) = self.rules.iter().rev().find(|r| r.regex.is_match(path)) {
            if !base_literal || !has_meta_chars(&rule.text) {
                return Some(rule.type_.clone());
            }
        }
        base.and_then(|l| l.context().map(|c| c.type_.clone()))
    }

    /// The target context `d` would have after the simulated changes.
    fn new_target(&self, policy: &PolicyModel, d: &Denial) -> Option<SecurityContext> {
        let mut t = d.target.clone()?;
        if let (Some(proto), Some(port)) = (protocol_of(&d.class), d.port) {
            if let Some((_, _, _, ty)) = self
                .ports
                .iter()
                .rev()
                .find(|(p, low, high, _)| p == proto && *low <= port && port <= *high)
            {
                t.type_ = ty.clone();
            }
            return Some(t);
        }
        let (Some(path), Some(mode)) = (d.path.as_ref(), mode_of(d)) else { return Some(t) };
        let path = path.as_bytes();
        let hit = self.relabels.iter().rev().find(|r| {
            r.path == path
                || (r.recursive
                    && path
                        .strip_prefix(r.path.as_slice())
                        .is_some_and(|rest| rest.first() == Some(&b'/') || r.path.ends_with(b"/")))
        });
        let Some(relabel) = hit else { return Some(t) };
        let Some(new_type) = self.default_type(policy, path, mode) else { return Some(t) };
        if !relabel.force && policy.is_customizable(&t.type_) {
            return Some(t);
        }
        if relabel.force {
            // -F resets user, role and level to the rule's (semanage's defaults for a rule
            // of our own: system_u, object_r, the lowest level).
            let full = policy
                .file_contexts
                .as_ref()
                .and_then(|fc| fc.lookup(path, mode).context().cloned())
                .filter(|c| c.type_ == new_type);
            t = full.unwrap_or(SecurityContext {
                user: "system_u".to_owned(),
                role: "object_r".to_owned(),
                type_: new_type,
                level: t.level.as_ref().map(|_| "s0".to_owned()),
            });
        } else {
            t.type_ = new_type;
        }
        Some(t)
    }

    /// Decides `d` again after the simulated changes.
    pub fn outcome(&self, policy: &PolicyModel, d: &Denial) -> Outcome {
        let Some(bin) = &policy.binary else {
            return Outcome::Unknown("no binary policy is loaded".to_owned());
        };
        let (Some(s), Some(t)) = (&d.source, self.new_target(policy, d)) else {
            return Outcome::Unknown("the log's contexts could not be read".to_owned());
        };
        let mut perms: Vec<&str> = d.perms.iter().map(String::as_str).collect();
        perms.sort_unstable();
        perms.dedup();
        let overrides: Vec<(&str, bool)> =
            self.booleans.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        // Permissions a simulated module grants are taken out of the type-enforcement
        // question; constraints still apply to them (`decide` reports inactive ones).
        let granted: BTreeSet<&str> = self
            .module_rules
            .iter()
            .filter(|(ms, mt, mc, _)| *ms == s.type_ && *mt == t.type_ && *mc == d.class)
            .flat_map(|(_, _, _, p)| p.iter().map(String::as_str))
            .collect();
        let rest: Vec<&str> = perms.iter().copied().filter(|p| !granted.contains(p)).collect();
        let te_ok = match bin.allowed_under(s, &t, &d.class, &rest, &overrides) {
            Ok(ok) => ok,
            Err(e) => return Outcome::Unknown(e.to_string()),
        };
        if !te_ok {
            return Outcome::Denied;
        }
        if granted.is_empty() {
            return Outcome::Allowed;
        }
        match bin.decide(s, &t, &d.class, &perms) {
            Ok(v) => {
                let blocked = v.reasons.iter().any(|r| {
                    matches!(
                        r,
                        crate::policy::binary::Reason::Constraint { .. }
                            | crate::policy::binary::Reason::Rbac { .. }
                            | crate::policy::binary::Reason::Bounds { .. }
                    )
                });
                if blocked { Outcome::Denied } else { Outcome::Allowed }
            }
            Err(e) => Outcome::Unknown(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::argv;

    #[test]
    fn reads_what_the_fixes_print() {
        let mut s = SimState::default();
        s.apply(&argv(["semanage", "fcontext", "-a", "-t", "web_t", "/srv/a(/.*)?"]));
        s.apply(&argv(["restorecon", "-Rv", "/srv/a"]));
        s.apply(&argv(["semanage", "fcontext", "-a", "-e", "/var/lib/x", "/opt/x"]));
        s.apply(&argv(["semanage", "fcontext", "-d", "/old(/.*)?"]));
        s.apply(&argv(["semanage", "port", "-a", "-t", "p_t", "-p", "tcp", "8000-8010"]));
        s.apply(&argv(["setsebool", "-P", "a", "on", "b", "off"]));
        s.apply(&argv(["restorecon", "-F", "-v", "/etc/x"]));
        s.apply(&argv(["find", "/", "-inum", "3"]));
        assert_eq!(s.rules.len(), 1);
        assert_eq!(s.rules[0].type_, "web_t");
        assert!(s.rules[0].regex.is_match(b"/srv/a/b"));
        assert_eq!(s.equivalences, vec![(b"/opt/x".to_vec(), b"/var/lib/x".to_vec())]);
        assert!(s.deleted.contains("/old(/.*)?"));
        assert_eq!(s.ports, vec![("tcp".to_owned(), 8000, 8010, "p_t".to_owned())]);
        assert_eq!(s.booleans, vec![("a".to_owned(), true), ("b".to_owned(), false)]);
        assert_eq!(s.relabels.len(), 2);
        assert!(s.relabels[0].recursive && !s.relabels[0].force);
        assert!(!s.relabels[1].recursive && s.relabels[1].force);
        assert_eq!(s.ignored, ["find / -inum 3"]);
    }

    #[test]
    fn module_files_grant_their_allow_lines() {
        let mut s = SimState::default();
        s.read_module(
            "module m 1.0;\nallow a_t b_t:file { read open };\nallow a_t c_t:dir search;\n",
        );
        assert_eq!(s.module_rules.len(), 2);
        assert_eq!(s.module_rules[0].3.iter().cloned().collect::<Vec<_>>(), ["open", "read"]);
        assert_eq!(s.module_rules[1].2, "dir");
    }

    #[test]
    fn a_new_local_rule_gives_its_type_to_the_paths_it_matches() {
        let policy = crate::policy::baseline::baseline_model();
        let mut s = SimState::default();
        s.apply(&argv(["semanage", "fcontext", "-a", "-t", "mine_t", "/opt/app(/.*)?"]));
        assert_eq!(
            s.default_type(&policy, b"/opt/app/x", FileMode::File).as_deref(),
            Some("mine_t")
        );
        assert_ne!(
            s.default_type(&policy, b"/opt/other", FileMode::File).as_deref(),
            Some("mine_t")
        );
    }
}
