//! OpenAPI Overlay 1.0 documents: an ordered list of actions, each a JSONPath `target` with an
//! `update` merged into every node it selects, or `remove: true`. Merging follows the Overlay
//! specification: maps merge key by key, recursively; a scalar or a list in `update` replaces
//! the value it meets; an `update` aimed at a list is appended to it.

use serde_yaml::{Mapping, Value};

use super::path::{self, Step};

pub struct Overlay {
    pub actions: Vec<Action>,
}

pub struct Action {
    pub target: String,
    /// Why the project changes Gladia's document here.
    pub description: String,
    selectors: Vec<path::Selector>,
    change: Change,
}

enum Change {
    Update(Value),
    Remove,
}

/// What applying an overlay did.
#[derive(Default)]
pub struct Applied {
    /// The targets of the actions that selected nothing (a deviation whose place Gladia's
    /// document no longer has).
    pub unmatched: Vec<String>,
    /// Each place an action changed, as a JSON pointer, with the action's index: what it
    /// removed, the keys it merged into a map, the list it appended to.
    pub places: Vec<(usize, String)>,
}

impl Overlay {
    /// Reads an Overlay document; `name` is the file, for messages.
    pub fn parse(text: &str, name: &str) -> Result<Overlay, String> {
        let document: Value = serde_yaml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        let version = document.get("overlay").and_then(Value::as_str);
        if !version.is_some_and(|v| v.starts_with("1.")) {
            return Err(format!(
                "{name}: not an Overlay 1.x document (no `overlay: 1.0.0`)"
            ));
        }
        let Some(list) = document.get("actions").and_then(Value::as_sequence) else {
            return Err(format!("{name}: `actions` is not a list"));
        };
        let mut actions = Vec::with_capacity(list.len());
        for (index, action) in list.iter().enumerate() {
            let at = |what: &str| format!("{name}: actions[{index}]: {what}");
            let target = action
                .get("target")
                .and_then(Value::as_str)
                .ok_or_else(|| at("no `target`"))?;
            // Why the project changes Gladia's document here: every action must say.
            let description = action
                .get("description")
                .and_then(Value::as_str)
                .filter(|d| !d.trim().is_empty())
                .ok_or_else(|| {
                    at("no `description`: say why the project changes Gladia's document here")
                })?;
            let remove = action.get("remove").and_then(Value::as_bool) == Some(true);
            let change = match (action.get("update"), remove) {
                (Some(_), true) => return Err(at("both `update` and `remove`")),
                (Some(update), false) => Change::Update(update.clone()),
                (None, true) => Change::Remove,
                (None, false) => return Err(at("neither `update` nor `remove: true`")),
            };
            let selectors = path::parse(target).map_err(|e| at(&e))?;
            actions.push(Action {
                target: target.to_owned(),
                description: description.to_owned(),
                selectors,
                change,
            });
        }
        Ok(Overlay { actions })
    }

    /// Applies every action in order.
    pub fn apply(&self, document: &mut Value) -> Applied {
        let mut applied = Applied::default();
        for (index, action) in self.actions.iter().enumerate() {
            let mut found = path::select(document, &action.selectors);
            if found.is_empty() {
                applied.unmatched.push(action.target.clone());
                continue;
            }
            for place in &found {
                let at = path::pointer(place);
                match &action.change {
                    // Where an update merges keys into a map, those keys are what it changed.
                    Change::Update(Value::Mapping(update))
                        if path::get(document, place).is_some_and(Value::is_mapping) =>
                    {
                        let keys = update.keys().filter_map(Value::as_str);
                        applied.places.extend(keys.map(|key| {
                            let key = key.replace('~', "~0").replace('/', "~1");
                            (index, format!("{at}/{key}"))
                        }));
                    }
                    _ => applied.places.push((index, at)),
                }
            }
            match &action.change {
                Change::Update(update) => {
                    for place in &found {
                        if let Some(node) = path::get_mut(document, place) {
                            apply_update(node, update);
                        }
                    }
                }
                Change::Remove => {
                    // Later siblings first, so that list indices stay right.
                    found.sort();
                    for place in found.iter().rev() {
                        path::remove(document, place);
                    }
                }
            }
        }
        applied
    }

    /// An action re-adding what a newer document dropped, written as Overlay YAML.
    pub fn action_text(target: &str, description: &str, update: Value) -> Value {
        let mut action = Mapping::new();
        action.insert("target".into(), target.into());
        action.insert("description".into(), description.into());
        action.insert("update".into(), update);
        Value::Mapping(action)
    }
}

fn apply_update(node: &mut Value, update: &Value) {
    match node {
        Value::Sequence(list) => list.push(update.clone()),
        _ => merge(node, update),
    }
}

pub fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Mapping(map), Value::Mapping(changes)) => {
            for (key, value) in changes {
                match map.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        map.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (node, update) => *node = update.clone(),
    }
}

/// Where `path` points, as a target an Overlay reads back (`$['components']['schemas']…`).
pub fn target_of(steps: &[Step]) -> String {
    let mut target = String::from("$");
    for step in steps {
        match step {
            Step::Key(key) if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                target.push('.');
                target.push_str(key);
            }
            Step::Key(key) => {
                target.push_str("['");
                target.push_str(&key.replace('\\', "\\\\").replace('\'', "\\'"));
                target.push_str("']");
            }
            Step::Index(i) => target.push_str(&format!("[{i}]")),
        }
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::tree;

    #[test]
    fn updates_merge_maps_replace_scalars_and_lists_and_append_to_targeted_lists() {
        let overlay = Overlay::parse(
            "overlay: 1.0.0\nactions:\n\
             - {target: '$.a', description: why, update: {b: {c: 2}, list: [9], new: x}}\n\
             - {target: '$.tags', description: why, update: {name: Live}}\n\
             - {target: '$.a.gone', description: why, remove: true}\n\
             - {target: '$.nowhere', description: why, remove: true}\n",
            "o.yaml",
        )
        .unwrap();
        let mut doc = tree("a: {b: {c: 1, d: 1}, list: [1, 2], gone: 1}\ntags: [{name: Upload}]\n");
        let applied = overlay.apply(&mut doc);
        assert_eq!(applied.unmatched, ["$.nowhere"]);
        let places: Vec<_> = applied
            .places
            .iter()
            .map(|(i, p)| (*i, p.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (0, "/a/b"),
                (0, "/a/list"),
                (0, "/a/new"),
                (1, "/tags"),
                (2, "/a/gone")
            ]
        );
        assert_eq!(
            doc,
            tree("a: {b: {c: 2, d: 1}, list: [9], new: x}\ntags: [{name: Upload}, {name: Live}]\n")
        );
    }

    #[test]
    fn removes_every_selected_list_item() {
        let overlay = Overlay::parse(
            "overlay: 1.0.0\nactions: [{target: '$.p[?@.in == \"header\"]', description: why, remove: true}]",
            "o.yaml",
        )
        .unwrap();
        let mut doc = tree("p: [{in: header}, {in: query}, {in: header}]");
        overlay.apply(&mut doc);
        assert_eq!(doc, tree("p: [{in: query}]"));
    }

    #[test]
    fn an_action_without_a_reason_or_a_change_is_refused_with_its_place() {
        for (text, expected) in [
            (
                "overlay: 1.0.0\nactions: [{target: $.a, update: {}}]",
                "actions[0]: no `description`",
            ),
            (
                "overlay: 1.0.0\nactions: [{target: $.a, description: x}]",
                "actions[0]: neither",
            ),
            (
                "overlay: 1.0.0\nactions: [{target: 'a', description: x, remove: true}]",
                "starts with `$`",
            ),
            ("openapi: 3.1.0", "not an Overlay"),
        ] {
            let error = Overlay::parse(text, "o.yaml").err().unwrap();
            assert!(
                error.starts_with("o.yaml: ") && error.contains(expected),
                "{error}"
            );
        }
    }

    #[test]
    fn targets_read_back_to_the_same_place() {
        let steps = [
            Step::Key("paths".into()),
            Step::Key("/v2/live/{id}".into()),
            Step::Key("it's".into()),
            Step::Index(2),
        ];
        let target = target_of(&steps);
        assert_eq!(target, "$.paths['/v2/live/{id}']['it\\'s'][2]");
        assert_eq!(path::parse(&target).unwrap().len(), 4);
    }
}
