//! The API change report: what changes in the generated Rust API between two versions of a spec,
//! which changes break code written against the old one, and the version bump that implies.
//!
//! Compared through the IR, on what users see in Rust (names, field and parameter types with
//! their `Option`s and `Box`es, enum and union variants, endpoint functions); the rules are in
//! `compare`. Changes follow the spec's order: resources, then functions, then types, each with
//! what the old spec had and the new one lacks first.

use std::fmt;
use std::str::FromStr;

use crate::ir::Api;

mod compare;

/// One change to the Rust API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether code that compiled against the old API may not compile, or may silently mean
    /// something else, against the new one.
    pub breaking: bool,
    /// What changed, as Rust code names it: `Job`, `Job.status`, `Status::Done`,
    /// `client.live().init`.
    pub item: String,
    /// How it changed, in Markdown.
    pub what: String,
}

impl Change {
    fn new(breaking: bool, item: String, what: String) -> Self {
        Self {
            breaking,
            item,
            what,
        }
    }

    fn breaking(item: String, what: String) -> Self {
        Self::new(true, item, what)
    }

    fn compatible(item: String, what: String) -> Self {
        Self::new(false, item, what)
    }
}

/// Every change from one API to the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

/// Compares the API generated from the old spec with the one from the new spec.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut changes = Vec::new();
    compare::resources(old, new, &mut changes);
    compare::functions(old, new, &mut changes);
    compare::types(old, new, &mut changes);
    Report { changes }
}

impl Report {
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// The release these changes need after `current`, by Cargo's reading of semver: below 1.0
    /// the first non-zero number is the one that breaks (0.1.x → 0.2.0; every 0.0.x release
    /// breaks), from 1.0 the major. A compatible change bumps the patch below 1.0 and the minor
    /// from 1.0, as additions do.
    pub fn bump(&self, current: Version) -> Bump {
        if self.changes.is_empty() {
            Bump::None
        } else if current.major >= 1 {
            if self.is_breaking() {
                Bump::Major
            } else {
                Bump::Minor
            }
        } else if current.minor >= 1 && self.is_breaking() {
            Bump::Minor
        } else {
            Bump::Patch
        }
    }

    /// The report maintainers paste into CHANGELOG.md, under the release's heading.
    pub fn to_markdown(&self, current: Version) -> String {
        let bump = self.bump(current);
        let why = match bump {
            Bump::None => None,
            Bump::Major => Some("major: breaking changes"),
            Bump::Minor if current.major >= 1 => Some("minor: compatible changes only"),
            Bump::Minor => Some("minor: breaking changes, and the crate is 0.x"),
            Bump::Patch if current.major == 0 && current.minor == 0 => {
                Some("patch: every 0.0.x release is a breaking one")
            }
            Bump::Patch => Some("patch: compatible changes only, and the crate is 0.x"),
        };
        let version = match why {
            Some(why) => format!("Version {current} → {} ({why}).", current.bumped(bump)),
            None => format!("No change to the Rust API: the version stays {current}."),
        };
        let mut text = format!("### Rust API changes\n\n{version}\n");
        for (heading, breaking) in [("Breaking", true), ("Non-breaking", false)] {
            text.push_str(&format!("\n#### {heading}\n\n"));
            let mut any = false;
            for change in self.changes.iter().filter(|c| c.breaking == breaking) {
                text.push_str(&format!("- {}: {}.\n", code(&change.item), change.what));
                any = true;
            }
            if !any {
                text.push_str("None.\n");
            }
        }
        text
    }
}

/// A crate version, `MAJOR.MINOR.PATCH` (the only form the report bumps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// Which number of the version a release must raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Version {
    pub fn bumped(self, bump: Bump) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match bump {
            Bump::None => self,
            Bump::Patch => Version::new(major, minor, patch + 1),
            Bump::Minor => Version::new(major, minor + 1, 0),
            Bump::Major => Version::new(major + 1, 0, 0),
        }
    }

    fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let numbers: Vec<Option<u64>> = text
            .split('.')
            .map(|n| {
                // Semver's numbers: digits, no leading zero.
                let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
                let number = digits && (n == "0" || !n.starts_with('0'));
                number.then(|| n.parse().ok()).flatten()
            })
            .collect();
        match numbers[..] {
            [Some(major), Some(minor), Some(patch)] => Ok(Version::new(major, minor, patch)),
            _ => Err(format!(
                "`{text}` is not a version of the form MAJOR.MINOR.PATCH"
            )),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// `text` as a Markdown code span, whatever backticks it holds.
fn code(text: &str) -> String {
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(breaking: &[bool]) -> Report {
        let changes = breaking
            .iter()
            .map(|&b| Change::new(b, "T".to_owned(), "changed".to_owned()))
            .collect();
        Report { changes }
    }

    #[test]
    fn bumps_follow_cargos_semver() {
        let cases = [
            ("0.1.3", &[][..], "0.1.3"),
            ("0.1.3", &[false][..], "0.1.4"),
            ("0.1.3", &[false, true][..], "0.2.0"),
            ("0.0.3", &[true][..], "0.0.4"),
            ("0.0.3", &[false][..], "0.0.4"),
            ("1.4.2", &[false][..], "1.5.0"),
            ("1.4.2", &[true, false][..], "2.0.0"),
        ];
        for (current, changes, next) in cases {
            let current: Version = current.parse().unwrap();
            let report = report(changes);
            assert_eq!(
                current.bumped(report.bump(current)).to_string(),
                next,
                "{current} with {changes:?}"
            );
        }
    }

    #[test]
    fn versions_other_than_three_numbers_are_refused() {
        for text in [
            "1.2",
            "1.2.3.4",
            "1.2.3-beta.1",
            "v1.2.3",
            "1..3",
            "",
            "1.2.+3",
            "01.2.3",
        ] {
            assert!(text.parse::<Version>().is_err(), "{text}");
        }
        assert_eq!("10.0.30".parse::<Version>(), Ok(Version::new(10, 0, 30)));
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("Option<T>"), "`Option<T>`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("``"), "``` `` ```");
    }

    #[test]
    fn empty_sections_say_none() {
        let text = report(&[]).to_markdown("0.1.0".parse().unwrap());
        assert!(text.contains("No change to the Rust API: the version stays 0.1.0."));
        assert_eq!(text.matches("None.").count(), 2, "{text}");
    }
}
