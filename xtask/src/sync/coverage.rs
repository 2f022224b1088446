//! Which of Gladia's facts the spec states otherwise, and the overlay action that says why. The
//! spec is Gladia's facts with the overlays applied, so every difference should have an action
//! behind it; one without would be a fact lost silently, and `sync` refuses to write it.

use serde_yaml::Value;

use super::facts::{self, Change};
use super::path;

pub struct Coverage {
    /// Gladia's facts: every scalar of its document without its prose.
    pub facts: usize,
    /// What the spec lacks or states otherwise: each change, the number of Gladia's facts in it
    /// (a whole route left out is many), and the index of the overlay action whose place holds
    /// it (`None`: no action did it).
    pub differing: Vec<Difference>,
}

pub struct Difference {
    pub change: Change,
    pub facts: usize,
    pub by: Option<usize>,
}

/// `gladia`: Gladia's facts; `spec`: what the overlays made of them; `places`: where each
/// action changed the document (`overlay::Applied::places`).
pub fn coverage(gladia: &Value, spec: &Value, places: &[(usize, String)]) -> Coverage {
    let differing = facts::changes(gladia, &facts::strip_prose(spec))
        .into_iter()
        .filter(|change| !matches!(change, Change::Added(_)))
        .map(|change| {
            // The most specific place wins: an action that gives a type its words may hold the
            // place of a property that a later deviation changes.
            let by = places
                .iter()
                .filter(|(_, place)| within(change.place(), place))
                .max_by_key(|(_, place)| place.len())
                .map(|(action, _)| *action);
            let facts = match &change {
                // A bare pointer: a whole map or list of Gladia's that the spec lacks.
                Change::Removed(at) if at.starts_with('/') && !at.contains([' ', ':']) => {
                    path::get(gladia, &path::steps(at)).map_or(1, count)
                }
                _ => 1,
            };
            Difference { change, facts, by }
        })
        .collect();
    Coverage {
        facts: count(gladia),
        differing,
    }
}

/// Whether the change `at` (a pointer, perhaps followed by `: value` or a parameter's name) is
/// at `place` or inside it.
fn within(at: &str, place: &str) -> bool {
    at.strip_prefix(place)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', ':', ' ']))
}

fn count(node: &Value) -> usize {
    match node {
        Value::Mapping(map) => map.values().map(count).sum(),
        Value::Sequence(list) => list.iter().map(count).sum(),
        Value::Tagged(tagged) => count(&tagged.value),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::tree;

    #[test]
    fn each_difference_is_put_down_to_the_action_that_made_it() {
        let gladia = tree(
            "paths:\n  /a: {get: {tags: [A], parameters: [{name: q, in: query, schema: {type: object}}]}}\n  /old: {post: {}}\ncomponents: {schemas: {S: {type: string, enum: [x, y]}}}\n",
        );
        let spec = tree(
            "paths:\n  /a: {get: {tags: [A], parameters: [{name: q, in: query, content: {}}]}}\ncomponents: {schemas: {S: {type: string, enum: [x]}, Added: {type: string}}}\n",
        );
        let places = [
            (0, "/paths/~1old".to_owned()),
            (1, "/paths/~1a/get/parameters/0".to_owned()),
        ];
        let coverage = coverage(&gladia, &spec, &places);
        assert_eq!(coverage.facts, 7);
        let found: Vec<(String, usize, Option<usize>)> = coverage
            .differing
            .iter()
            .map(|d| (d.change.to_string(), d.facts, d.by))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "- /paths/~1a/get/parameters/0/schema".to_owned(),
                    1,
                    Some(1)
                ),
                ("- /paths/~1old".to_owned(), 0, Some(0)),
                ("- /components/schemas/S/enum: y".to_owned(), 1, None),
            ]
        );
    }
}
