//! The running kernel's boolean values: one file per boolean under `/sys/fs/selinux/booleans`,
//! holding `"CUR PENDING"` (`"1 1"`, `"0 1"` after `setsebool` without commit). The current
//! value is what the kernel enforces; the pending one only takes effect on commit.

use std::fs;
use std::path::Path;

/// The current value of a sysfs boolean file's text (`"1 0"` → `true`); `None` when the text
/// is not two `0`/`1` fields.
pub fn parse_boolean_file(text: &str) -> Option<bool> {
    let mut fields = text.split_ascii_whitespace();
    let cur = bit(fields.next()?)?;
    bit(fields.next()?)?;
    fields.next().is_none().then_some(cur)
}

fn bit(field: &str) -> Option<bool> {
    match field {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    }
}

/// What a `booleans` directory holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveBooleans {
    /// Current values, sorted by name.
    pub values: Vec<(String, bool)>,
    /// One message per unreadable or malformed entry (left out of `values`).
    pub problems: Vec<String>,
}

/// Reads every boolean of a `booleans` directory. Fails only when the directory cannot be
/// listed.
pub fn read_live_booleans(dir: &Path) -> Result<LiveBooleans, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            problems.push(format!("{}: name is not UTF-8", path.display()));
            continue;
        };
        match fs::read_to_string(&path) {
            Ok(text) => match parse_boolean_file(&text) {
                Some(value) => values.push((name, value)),
                None => problems.push(format!("{}: unexpected content {text:?}", path.display())),
            },
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    values.sort_unstable();
    Ok(LiveBooleans { values, problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cur_and_pending() {
        assert_eq!(parse_boolean_file("1 1"), Some(true));
        assert_eq!(parse_boolean_file("0 1\n"), Some(false));
        assert_eq!(parse_boolean_file("1 0"), Some(true));
        assert_eq!(parse_boolean_file("1"), None);
        assert_eq!(parse_boolean_file("2 0"), None);
        assert_eq!(parse_boolean_file("1 1 1"), None);
        assert_eq!(parse_boolean_file(""), None);
    }

    #[test]
    fn reads_a_directory() {
        let dir = std::env::temp_dir().join(format!("avcfix-bools-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("b_on"), "1 1").unwrap();
        fs::write(dir.join("a_off"), "0 1").unwrap();
        fs::write(dir.join("broken"), "yes").unwrap();
        let LiveBooleans { values, problems } = read_live_booleans(&dir).unwrap();
        assert_eq!(values, [("a_off".to_owned(), false), ("b_on".to_owned(), true)]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("broken"), "{problems:?}");
        fs::remove_dir_all(&dir).unwrap();
        assert!(read_live_booleans(&dir).is_err());
    }
}
