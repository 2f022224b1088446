//! A document split over several files made one tree, and `$ref`s into the middle of a schema
//! made references to components: after this step every `$ref` is local and names a component,
//! or is one the resolver reports.
//!
//! Each file is read once (keyed by its canonical path). What a `$ref` reaches in another file
//! goes where OpenAPI keeps such things:
//! - a schema, parameter, response, request body or header is hoisted into `components`, under
//!   the name of the component entry that refers to it, else the pointer's last segment, else
//!   the file's stem; a name already taken gets `2`, `3`… in the order references are met. The
//!   same target referred to twice is hoisted once.
//! - anything else (a path item, an operation, a whole `schemas` map, a description) is copied
//!   where the `$ref` was; a loop of such copies is an error.
//!
//! `$ref`s inside a copied or hoisted part are relative to the file it came from. Every copied
//! part keeps its origin (file and pointer), so that errors and warnings found later in the
//! bundled tree name the file, line and column a maintainer has to edit.
//!
//! A `$ref` into the middle of a schema (`#/components/schemas/Tag/allOf/0`) is resolved the same
//! way once the tree is whole: the part it names moves into a component of its own (named by its
//! pointer: `TagAllOf0`), and both its old place and the `$ref` refer to that component.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::error::{Error, Place, Warning};
use crate::source::{self, escape, unescape};

mod ids;
mod inner;
mod kind;
mod tree;

pub(crate) use ids::is_url;
use kind::{collect, Kind};
use tree::*;

/// The files a document was read from, and where each part of the bundled tree came from.
pub struct Bundle<'a> {
    /// `files[0]` is the document `--spec` names.
    files: Vec<SourceFile<'a>>,
    /// A pointer of the bundled tree to the file and pointer its node was copied from.
    origins: HashMap<String, (usize, String)>,
    /// What was read leniently as the text was read, located already.
    pub warnings: Vec<Warning>,
}

struct SourceFile<'a> {
    /// How messages name the file: relative to the root document's folder where it can be.
    shown: String,
    text: Cow<'a, str>,
}

impl Bundle<'_> {
    /// Fills in the file, line and column of a place of the bundled tree.
    pub fn locate(&self, place: &mut Place) {
        self.locate_all(vec![place]);
    }

    /// [`Bundle::locate`] of many places, each file read once for all of its places.
    pub fn locate_all(&self, places: Vec<&mut Place>) {
        let mut by_file: Vec<Vec<&mut Place>> = self.files.iter().map(|_| Vec::new()).collect();
        for place in places {
            if place.line_column.is_some() {
                continue;
            }
            if let Some(file) = self.file_of(place) {
                by_file[file].push(place);
            }
        }
        for (file, places) in self.files.iter().zip(by_file) {
            if places.is_empty() {
                continue;
            }
            let pointers: Vec<&str> = places.iter().map(|p| p.pointer.as_str()).collect();
            let found = crate::locate::locate_all(&file.text, &pointers);
            for (place, line_column) in places.into_iter().zip(found) {
                place.line_column = line_column;
            }
        }
    }

    /// The file a place is in, its pointer made one into that file.
    fn file_of(&self, place: &mut Place) -> Option<usize> {
        if let Some(shown) = &place.file {
            return self.files.iter().position(|f| &f.shown == shown);
        }
        let Some((file, pointer)) = origin(&self.origins, &place.pointer) else {
            return Some(0);
        };
        place.pointer = pointer;
        if file != 0 {
            place.file = Some(self.files[file].shown.clone());
        }
        Some(file)
    }
}

/// The tree of the document `text` (read from `path`, if it was read from a file) with every
/// other file it refers to bundled in; `$ref`s to URLs are read from local copies in `refs`,
/// and those without one are left for `normalize` to warn of.
pub fn bundle<'a>(
    text: &'a str,
    path: Option<&Path>,
    refs: Option<&Path>,
) -> Result<(Value, Bundle<'a>), Error> {
    let read = source::read_leniently(text).map_err(|e| e.locate(text))?;
    let mut tree = read.tree;
    decode_fragments(&mut tree);
    ids::resolve(&mut tree);
    let shown = path.map_or_else(String::new, |p| p.display().to_string());
    let warnings = flow_colon_warnings(&read.repaired, (!shown.is_empty()).then_some(&shown));
    let root = SourceFile {
        shown,
        text: read.text,
    };
    let mut bundler = Bundler {
        tree,
        folder: path.and_then(Path::parent).map(Path::to_owned),
        refs: refs.map(Path::to_owned),
        files: vec![root],
        trees: vec![Value::Null],
        paths: vec![path.map(Path::to_owned).unwrap_or_default()],
        by_path: HashMap::new(),
        hoisted: HashMap::new(),
        taken: HashMap::new(),
        origins: HashMap::new(),
        queue: VecDeque::new(),
        warnings,
    };
    let result = bundler.run();
    let bundle = Bundle {
        files: bundler.files,
        origins: bundler.origins,
        warnings: bundler.warnings,
    };
    match result {
        Ok(()) => Ok((bundler.tree, bundle)),
        Err(mut error) => {
            if let Some(place) = error.place_mut() {
                bundle.locate(place);
            }
            Err(error)
        }
    }
}

/// A part of the bundled tree to walk, with the file its relative references start from.
struct Work {
    pointer: String,
    file: usize,
    kind: Kind,
    /// The copies this part lies in (file, pointer), to refuse a file that copies itself.
    copies: Vec<(usize, String)>,
}

struct Bundler<'a> {
    tree: Value,
    /// The root document's folder; `None` for a document given as text.
    folder: Option<PathBuf>,
    /// The folder of local copies of what `$ref`s to URLs name (`--refs`).
    refs: Option<PathBuf>,
    files: Vec<SourceFile<'a>>,
    /// Each file's tree as read (`trees[0]` is unused: the root's is `tree`).
    trees: Vec<Value>,
    paths: Vec<PathBuf>,
    by_path: HashMap<PathBuf, usize>,
    /// A target (file, pointer) to the bundled pointer of the component it became.
    hoisted: HashMap<(usize, String), String>,
    /// The names taken in each `components` section, as Rust type names.
    taken: HashMap<&'static str, HashSet<String>>,
    origins: HashMap<String, (usize, String)>,
    queue: VecDeque<Work>,
    warnings: Vec<Warning>,
}

impl Bundler<'_> {
    fn run(&mut self) -> Result<(), Error> {
        let mut refs = Refs::default();
        refs.scan(&self.tree, ["", ""]);
        if refs.foreign {
            self.bundle_files()?;
        }
        // Files bundled in may hold some of their own.
        if refs.inner || refs.foreign {
            self.copy_in_local_parts()?;
            self.hoist_inner_parts()?;
        }
        Ok(())
    }

    fn bundle_files(&mut self) -> Result<(), Error> {
        if let Ok(path) = self.paths[0].canonicalize() {
            self.by_path.insert(path, 0);
        }
        // Components first, so that a component entry that is a `$ref` to another file gives
        // that file's content the entry's name, whoever else refers to it.
        let sections = self.expand_components()?;
        self.taken_names();
        let mut entries = Vec::new();
        for (section, file) in sections {
            let section_pointer = format!("#/components/{}", escape(&section));
            let kind = Kind::Components.child(&section);
            for name in keys(get(&self.tree, &section_pointer)) {
                let pointer = format!("{section_pointer}/{}", escape(&name));
                let kind = kind.child(&name);
                let file = match kind.section() {
                    Some(_) => self.claim_entry(&pointer, file)?,
                    None => file,
                };
                entries.push(Work {
                    pointer,
                    file,
                    kind,
                    copies: Vec::new(),
                });
            }
        }
        self.queue.push_back(Work {
            pointer: "#".to_owned(),
            file: 0,
            kind: Kind::Document,
            copies: Vec::new(),
        });
        self.queue.extend(entries);
        while let Some(work) = self.queue.pop_front() {
            self.walk(work)?;
        }
        Ok(())
    }

    /// Copies `components`, and each of its sections, in where they are `$ref`s to other files;
    /// returns each section with the file its entries' references start from.
    fn expand_components(&mut self) -> Result<Vec<(String, usize)>, Error> {
        let mut copies = Vec::new();
        let components_file = self.expand("#/components", 0, &mut copies)?;
        let mut sections = Vec::new();
        for name in keys(get(&self.tree, "#/components")) {
            if name.starts_with("x-") {
                continue;
            }
            let pointer = format!("#/components/{}", escape(&name));
            let file = self.expand(&pointer, components_file, &mut copies.clone())?;
            sections.push((name, file));
        }
        Ok(sections)
    }

    /// Replaces the node at `pointer` by what its `$ref` names, for as long as it is a `$ref`
    /// to another file; returns the file its content came from.
    fn expand(
        &mut self,
        pointer: &str,
        mut file: usize,
        copies: &mut Vec<(usize, String)>,
    ) -> Result<usize, Error> {
        while let Some(reference) = reference_at(&self.tree, pointer, false) {
            if self.unfetched(&reference) {
                break;
            }
            let (target_file, target) = self.target(&reference, file, pointer)?;
            if target_file == 0 {
                break;
            }
            self.copy_in(pointer, target_file, &target, &reference, copies)?;
            copies.push((target_file, target));
            file = target_file;
        }
        Ok(file)
    }

    fn taken_names(&mut self) {
        for section in [
            "schemas",
            "parameters",
            "responses",
            "requestBodies",
            "headers",
        ] {
            let names = keys(get(&self.tree, &format!("#/components/{section}")))
                .iter()
                .map(|name| taken_key(name))
                .collect();
            self.taken.insert(section, names);
        }
    }

    /// A component entry that is only a `$ref` to another file takes that file's content, under
    /// the entry's name, unless an entry before it took it; returns the file the entry's
    /// content now comes from.
    fn claim_entry(&mut self, pointer: &str, file: usize) -> Result<usize, Error> {
        let Some(reference) = reference_at(&self.tree, pointer, false) else {
            return Ok(file);
        };
        if has_siblings(get(&self.tree, pointer)) || self.unfetched(&reference) {
            return Ok(file);
        }
        let (target_file, target) = self.target(&reference, file, pointer)?;
        let key = (target_file, target);
        if target_file == 0 || self.hoisted.contains_key(&key) {
            return Ok(file);
        }
        let content = self.node(target_file, &key.1, pointer, &reference)?.clone();
        set(&mut self.tree, pointer, content);
        self.origins.insert(pointer.to_owned(), key.clone());
        self.hoisted.insert(key, pointer.to_owned());
        Ok(target_file)
    }

    /// Rewrites every `$ref` of one part of the tree.
    fn walk(&mut self, work: Work) -> Result<(), Error> {
        let mut sites = Vec::new();
        if let Some(node) = get(&self.tree, &work.pointer) {
            collect(
                node,
                &work.pointer,
                work.kind,
                work.kind != Kind::Document,
                &mut sites,
            );
        }
        for site in sites {
            let Some(reference) = reference_at(&self.tree, &site.pointer, site.mapping) else {
                continue;
            };
            if site.mapping && !looks_like_file(&reference) {
                continue;
            }
            if (work.file == 0 && reference.starts_with('#')) || self.unfetched(&reference) {
                // The root's own references: local already. A URL without a local copy is
                // `normalize`'s to warn of, where it knows what the `$ref` stood for.
                continue;
            }
            let (file, target) = self.target(&reference, work.file, &site.pointer)?;
            match site.kind.section() {
                Some(section) => {
                    let local =
                        self.hoist(file, target, section, site.kind, &site.pointer, &reference)?;
                    set_reference(&mut self.tree, &site.pointer, site.mapping, local);
                }
                None => {
                    if work.copies.contains(&(file, target.clone())) {
                        return Err(Error::unsupported(
                            &format!("{}/$ref", site.pointer),
                            format!("`{reference}`: a loop of `$ref`s, each copying the next in"),
                        ));
                    }
                    self.copy_in(&site.pointer, file, &target, &reference, &work.copies)?;
                    let mut copies = work.copies.clone();
                    copies.push((file, target));
                    self.queue.push_back(Work {
                        pointer: site.pointer,
                        file,
                        kind: site.kind,
                        copies,
                    });
                }
            }
        }
        Ok(())
    }

    /// The local `$ref` of what `(file, target)` became in `components`.
    fn hoist(
        &mut self,
        file: usize,
        target: String,
        section: &'static str,
        kind: Kind,
        used_at: &str,
        reference: &str,
    ) -> Result<String, Error> {
        if file == 0 {
            return Ok(target);
        }
        if let Some(local) = self.hoisted.get(&(file, target.clone())) {
            return Ok(local.clone());
        }
        // Inside a part already hoisted: a `$ref` into the middle of it, for the last step.
        let mut prefix = target.as_str();
        while let Some(slash) = prefix.rfind('/') {
            prefix = &prefix[..slash];
            if let Some(local) = self.hoisted.get(&(file, prefix.to_owned())) {
                return Ok(format!("{local}{}", &target[prefix.len()..]));
            }
        }
        let content = self.node(file, &target, used_at, reference)?.clone();
        let name = self.free_name(section, &hoisted_name(&target, &self.paths[file]));
        let pointer = format!("#/components/{section}/{}", escape(&name));
        insert_component(&mut self.tree, section, name, content);
        self.origins.insert(pointer.clone(), (file, target.clone()));
        self.hoisted.insert((file, target), pointer.clone());
        self.queue.push_back(Work {
            pointer: pointer.clone(),
            file,
            kind,
            copies: Vec::new(),
        });
        Ok(pointer)
    }

    /// `name`, or `name2`, `name3`… : the first no component of the section has.
    fn free_name(&mut self, section: &'static str, name: &str) -> String {
        let taken = self.taken.entry(section).or_default();
        let mut candidate = name.to_owned();
        let mut n = 1;
        while !taken.insert(taken_key(&candidate)) {
            n += 1;
            candidate = format!("{name}{n}");
        }
        candidate
    }

    /// Replaces the node at `pointer` by a copy of `(file, target)`, keeping keys written beside
    /// the `$ref` (a description) over the copy's.
    fn copy_in(
        &mut self,
        pointer: &str,
        file: usize,
        target: &str,
        reference: &str,
        copies: &[(usize, String)],
    ) -> Result<(), Error> {
        if copies.iter().any(|(f, t)| *f == file && t == target) {
            return Err(Error::unsupported(
                &format!("{pointer}/$ref"),
                format!("`{reference}`: a loop of `$ref`s, each copying the next in"),
            ));
        }
        let mut content = self.node(file, target, pointer, reference)?.clone();
        if let (Some(Value::Mapping(site)), Value::Mapping(copy)) =
            (get(&self.tree, pointer), &mut content)
        {
            for (key, value) in site {
                if key.as_str() != Some("$ref") {
                    copy.insert(key.clone(), value.clone());
                }
            }
        }
        set(&mut self.tree, pointer, content);
        let origin = match file {
            0 => origin(&self.origins, target).unwrap_or((0, target.to_owned())),
            _ => (file, target.to_owned()),
        };
        self.origins.insert(pointer.to_owned(), origin);
        Ok(())
    }

    /// The node a target names, or the error of a `$ref` that names nothing.
    fn node(
        &self,
        file: usize,
        target: &str,
        used_at: &str,
        reference: &str,
    ) -> Result<&Value, Error> {
        let tree = if file == 0 {
            &self.tree
        } else {
            &self.trees[file]
        };
        get(tree, target).ok_or_else(|| Error::unresolved(reference, used_at))
    }

    /// The file (read now if it was not yet) and the pointer a `$ref` met in `from` names.
    fn target(
        &mut self,
        reference: &str,
        from: usize,
        used_at: &str,
    ) -> Result<(usize, String), Error> {
        let at = format!("{used_at}/$ref");
        // A fragment is a JSON pointer; a `#` before anything else is part of a file name.
        let (file_part, fragment) = match reference.split_once('#') {
            Some((file, fragment)) if fragment.is_empty() || fragment.starts_with('/') => {
                (file, fragment)
            }
            _ => (reference, ""),
        };
        // Already decoded, as the file was read (`decode_fragments`).
        let pointer = format!("#{fragment}");
        if file_part.is_empty() {
            return Ok((from, pointer));
        }
        let path = match self.local_copy(file_part) {
            Some(copy) => copy,
            None => self.path_of(file_part, from, reference, &at)?,
        };
        self.read(path, pointer, &at, reference)
    }

    /// Where a `$ref` to a file that is not a URL leads, from the file `from`.
    fn path_of(
        &self,
        file_part: &str,
        from: usize,
        reference: &str,
        at: &str,
    ) -> Result<PathBuf, Error> {
        let folder = match from {
            0 => self.folder.clone().ok_or_else(|| {
                Error::unsupported(
                    at,
                    format!(
                        "`{reference}`: a `$ref` to another file, in a document given as text: \
                         read it from its file (`--spec PATH`) so that the file can be found"
                    ),
                )
            })?,
            _ => self.paths[from]
                .parent()
                .map(Path::to_owned)
                .unwrap_or_default(),
        };
        Ok(clean(&folder.join(percent_decode(file_part))))
    }

    /// The file at `path`, read now if it was not yet, with `pointer` into it.
    fn read(
        &mut self,
        path: PathBuf,
        pointer: String,
        at: &str,
        reference: &str,
    ) -> Result<(usize, String), Error> {
        let cannot_read = |e: std::io::Error| {
            Error::invalid(
                at,
                format!("`{reference}`: cannot read {}: {e}", self.shown(&path)),
            )
        };
        let canonical = path.canonicalize().map_err(cannot_read)?;
        if let Some(&file) = self.by_path.get(&canonical) {
            return Ok((file, pointer));
        }
        let text = std::fs::read_to_string(&canonical).map_err(cannot_read)?;
        let file = self.files.len();
        let shown = self.shown(&path);
        // Redocly's convention: a `$ref` to a Markdown (or any other text) file is its text,
        // as descriptions are written.
        let is_text = canonical
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| !matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"));
        let (tree, text) = if is_text {
            (Value::String(text.clone()), text)
        } else {
            let read = source::read_leniently(&text).map_err(|mut e| {
                if let Some(place) = e.place_mut() {
                    place.file = Some(shown.clone());
                }
                e
            })?;
            self.warnings
                .extend(flow_colon_warnings(&read.repaired, Some(&shown)));
            let mut tree = read.tree;
            decode_fragments(&mut tree);
            ids::resolve(&mut tree);
            // The text as read, so that places in this file are found in the text its tree
            // came from.
            let text = read.text.into_owned();
            (tree, text)
        };
        self.files.push(SourceFile {
            shown,
            text: Cow::Owned(text),
        });
        self.paths.push(path);
        self.by_path.insert(canonical, file);
        self.trees.resize(file, Value::Null);
        self.trees.push(tree);
        Ok((file, pointer))
    }

    /// Whether a `$ref` is to a URL of which `--refs` has no local copy: it is never fetched.
    fn unfetched(&self, reference: &str) -> bool {
        ids::is_url(reference) && self.local_copy(reference).is_none()
    }

    /// The local copy of what a URL names: `DIR/host/path`, else `DIR/file-name`.
    fn local_copy(&self, reference: &str) -> Option<PathBuf> {
        let folder = self.refs.as_deref()?;
        if !ids::is_url(reference) {
            return None;
        }
        let url = reference.split(['#', '?']).next().unwrap_or_default();
        let after_scheme = url.split_once("//").map_or(url, |(_, rest)| rest);
        let (host, path) = after_scheme.split_once('/').unwrap_or((after_scheme, ""));
        let path = percent_decode(path);
        let name = path.rsplit('/').next().unwrap_or_default();
        [folder.join(host).join(&path), folder.join(name)]
            .into_iter()
            .find(|candidate| !path.is_empty() && candidate.is_file())
    }

    /// A path as messages show it: relative to the root document's folder where it is in it.
    fn shown(&self, path: &Path) -> String {
        let folder = self.folder.as_deref().map(clean).unwrap_or_default();
        path.strip_prefix(&folder)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// What kinds of `$ref` a tree holds: most documents need no bundling, and are read once.
#[derive(Default)]
struct Refs {
    /// To another file.
    foreign: bool,
    /// Into the middle of something, or to a component of another section than its place's.
    inner: bool,
}

impl Refs {
    /// `keys`: the two keys above the node, which tell a response's or a request body's place.
    fn scan(&mut self, node: &Value, keys: [&str; 2]) {
        match node {
            Value::Mapping(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        (Some("$ref"), Value::String(reference)) => {
                            if !reference.starts_with('#') {
                                self.foreign = true;
                            } else {
                                let section = component_section(reference);
                                self.inner |= !section.is_some_and(is_resolved_section)
                                    || section.is_some_and(|s| elsewhere(s, keys));
                            }
                        }
                        _ => self.scan(value, [keys[1], key.as_str().unwrap_or_default()]),
                    }
                }
            }
            Value::Sequence(items) => items.iter().for_each(|item| self.scan(item, keys)),
            _ => {}
        }
    }
}

/// Whether a `$ref` to a component of `section` may stand where another section's belongs (a
/// response that names a request body): the keys above it say where it stands.
fn elsewhere(section: &str, [grandparent, parent]: [&str; 2]) -> bool {
    let place = match (grandparent, parent) {
        ("responses", _) => "responses",
        ("requestBodies", _) | (_, "requestBody") => "requestBodies",
        ("headers", _) => "headers",
        (_, "schema" | "items" | "additionalProperties" | "allOf" | "oneOf" | "anyOf")
        | ("properties", _) => "schemas",
        _ => return false,
    };
    place != section
}

/// The origin of a bundled pointer, through its nearest copied ancestor.
fn origin(origins: &HashMap<String, (usize, String)>, pointer: &str) -> Option<(usize, String)> {
    let mut prefix = pointer;
    loop {
        if let Some((file, at)) = origins.get(prefix) {
            return Some((*file, format!("{at}{}", &pointer[prefix.len()..])));
        }
        prefix = &prefix[..prefix.rfind('/')?];
    }
}

/// Two names that make one Rust type name are one name.
fn taken_key(name: &str) -> String {
    crate::naming::type_name(name).unwrap_or_else(|| name.to_owned())
}

/// The name of a part hoisted from another file: the pointer's last segment, else the file's
/// stem.
fn hoisted_name(target: &str, path: &Path) -> String {
    let last = target.rsplit('/').next().map(unescape).unwrap_or_default();
    let usable = |name: &str| {
        !name.starts_with('#')
            && !name.chars().all(|c| c.is_ascii_digit())
            && crate::naming::type_name(name).is_some()
    };
    if usable(&last) {
        return last;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if usable(&stem) {
        stem
    } else {
        "Part".to_owned()
    }
}

/// The warnings of the colons [`source::read_leniently`] added a space after, in `file`.
fn flow_colon_warnings(repaired: &[(usize, usize)], file: Option<&String>) -> Vec<Warning> {
    repaired
        .iter()
        .map(|&line_column| {
            let mut warning = Warning::new(
                crate::rules::FLOW_COLON,
                "#",
                "a colon inside a flow collection is followed by its value without a space; read as `key: value`",
            );
            warning.at.line_column = Some(line_column);
            warning.at.file = file.cloned();
            warning
        })
        .collect()
}
