//! The rules: which differences between two IRs are changes to the Rust API, and which of those
//! break code that compiled against the old one. Types are told apart by their Rust names, so a
//! rename is a removal and an addition. Docs, bounds and wire details that no signature shows
//! are not compared (a new `validate()` is, being a method).

use std::fmt::Debug;

use super::{code, Change};
use crate::emit::surface::{self, Function};
use crate::ir::*;

/// Resources: the `client.{name}()` accessors and their handle types.
pub(super) fn resources(old: &Api, new: &Api, out: &mut Vec<Change>) {
    for resource in &old.resources {
        if !new.resources.iter().any(|r| r.name == resource.name) {
            let item = format!("client.{}()", resource.name);
            out.push(Change::breaking(item, "resource removed".to_owned()));
        }
    }
    for resource in &new.resources {
        if !old.resources.iter().any(|r| r.name == resource.name) {
            let item = format!("client.{}()", resource.name);
            out.push(Change::compatible(item, "new resource".to_owned()));
        }
    }
}

/// Endpoint functions, `list_all` pagers included, keyed by resource and name.
pub(super) fn functions(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let (old, new) = (surface::functions(old), surface::functions(new));
    let same = |a: &Function, b: &Function| a.resource == b.resource && a.name == b.name;
    let item = |f: &Function| format!("client.{}().{}", f.resource, f.name);
    for function in &old {
        if !new.iter().any(|f| same(f, function)) {
            out.push(Change::breaking(
                item(function),
                "function removed".to_owned(),
            ));
        }
    }
    for function in &new {
        match old.iter().find(|f| same(f, function)) {
            Some(before) => compare_function(&item(function), before, function, out),
            None => {
                let route = function.route.as_deref().map(code);
                let what = match route {
                    Some(route) => format!("new function ({route})"),
                    None => "new function".to_owned(),
                };
                out.push(Change::compatible(item(function), what));
            }
        }
    }
}

fn compare_function(item: &str, old: &Function, new: &Function, out: &mut Vec<Change>) {
    let types = |f: &Function| {
        f.params
            .iter()
            .map(|(_, ty)| ty.clone())
            .collect::<Vec<_>>()
    };
    let signature = |f: &Function| {
        let params: Vec<String> = f.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        code(&format!("({})", params.join(", ")))
    };
    // Arguments are positional: a renamed parameter breaks no caller.
    if types(old) != types(new) {
        let what = format!("parameters {} → {}", signature(old), signature(new));
        out.push(Change::breaking(item.to_owned(), what));
    } else if old.params != new.params {
        let what = format!(
            "parameters renamed: {} → {}",
            signature(old),
            signature(new)
        );
        out.push(Change::compatible(item.to_owned(), what));
    }
    if old.returns != new.returns {
        let what = format!("returns {} → {}", code(&old.returns), code(&new.returns));
        out.push(Change::breaking(item.to_owned(), what));
    }
    if let (Some(before), Some(after)) = (&old.route, &new.route) {
        if before != after {
            let what = format!("calls {} (was {})", code(after), code(before));
            out.push(Change::compatible(item.to_owned(), what));
        }
    }
    deprecation(item, old.deprecated, new.deprecated, out);
}

fn deprecation(item: &str, old: bool, new: bool, out: &mut Vec<Change>) {
    let what = match (old, new) {
        (false, true) => "deprecated",
        (true, false) => "no longer deprecated",
        _ => return,
    };
    out.push(Change::compatible(item.to_owned(), what.to_owned()));
}

/// Types, keyed by their Rust name.
pub(super) fn types(old: &Api, new: &Api, out: &mut Vec<Change>) {
    for def in &old.types {
        if !new.types.iter().any(|t| t.name == def.name) {
            let what = format!("{} removed", kind_name(&def.kind));
            out.push(Change::breaking(def.name.clone(), what));
        }
    }
    for def in &new.types {
        match old.types.iter().find(|t| t.name == def.name) {
            Some(before) => compare_type((old, before), (new, def), out),
            None => {
                let what = format!("new {}", kind_name(&def.kind));
                out.push(Change::compatible(def.name.clone(), what));
            }
        }
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::StringEnum(_) => "string enum",
        TypeKind::IntegerEnum(_) => "integer enum",
        TypeKind::Untagged(_) => "union",
        TypeKind::Tagged { .. } => "tagged union",
        TypeKind::Alias(_) => "type alias",
        TypeKind::Query(_) => "parameters struct",
    }
}

/// A type with the API it belongs to, which some of its fields' Rust types depend on (the
/// `items` of a page type).
type Side<'a> = (&'a Api, &'a TypeDef);

/// A constant (a union's tag) is no Rust field.
fn rust_fields(fields: &[Field]) -> Vec<&Field> {
    fields.iter().filter(|f| f.constant.is_none()).collect()
}

fn compare_type(old: Side<'_>, new: Side<'_>, out: &mut Vec<Change>) {
    let name = &new.1.name;
    match (&old.1.kind, &new.1.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            constructor(
                name,
                has_constructor(a, old.1.sent),
                has_constructor(b, new.1.sent),
                out,
            );
            let (a, b) = (rust_fields(a), rust_fields(b));
            compare_fields(&a, &new.1.name, &b, out);
        }
        (TypeKind::Query(a), TypeKind::Query(b)) => {
            let a: Vec<Field> = a.iter().map(|p| p.field.clone()).collect();
            let b: Vec<Field> = b.iter().map(|p| p.field.clone()).collect();
            constructor(
                name,
                has_constructor(&a, true),
                has_constructor(&b, true),
                out,
            );
            let (a, b): (Vec<&Field>, Vec<&Field>) = (a.iter().collect(), b.iter().collect());
            compare_fields(&a, &new.1.name, &b, out);
        }
        (TypeKind::StringEnum(a), TypeKind::StringEnum(b)) => compare_values(name, a, b, out),
        (TypeKind::IntegerEnum(a), TypeKind::IntegerEnum(b)) => compare_values(name, a, b, out),
        (TypeKind::Untagged(a), TypeKind::Untagged(b)) => compare_variants(name, a, b, None, out),
        (
            TypeKind::Tagged { tag, variants: a },
            TypeKind::Tagged {
                tag: new_tag,
                variants: b,
            },
        ) => {
            if tag != new_tag {
                let what = format!("tagged by {}, was {}", code(new_tag), code(tag));
                out.push(Change::breaking(name.clone(), what));
            }
            compare_variants(name, a, b, Some(new_tag), out);
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            let (a, b) = (surface::type_ref(a), surface::type_ref(b));
            if a != b {
                let what = format!("alias of {}, was {}", code(&b), code(&a));
                out.push(Change::breaking(name.clone(), what));
            }
        }
        (a, b) => {
            let what = format!("{}, was a {}", kind_name(b), kind_name(a));
            out.push(Change::breaking(name.clone(), what));
            return;
        }
    }
    match (old.1.validated, new.1.validated) {
        (true, false) => {
            let what = format!("{} removed", code("validate()"));
            out.push(Change::breaking(name.clone(), what));
        }
        (false, true) => {
            let what = format!(
                "new {}, which requests call before sending",
                code("validate()")
            );
            out.push(Change::compatible(name.clone(), what));
        }
        _ => {}
    }
}

/// `new(required…)`: gone when the type is no longer sent or every field gained a default.
fn constructor(name: &str, old: bool, new: bool, out: &mut Vec<Change>) {
    match (old, new) {
        (true, false) => out.push(Change::breaking(
            name.to_owned(),
            format!("{} removed", code("new()")),
        )),
        (false, true) => out.push(Change::compatible(
            name.to_owned(),
            format!("new {}", code("new()")),
        )),
        _ => {}
    }
}

/// Fields of a struct or of a parameters struct. Every new field is breaking, as Rust's semver
/// rules and cargo-semver-checks have it: the fields are public and the struct is not
/// `#[non_exhaustive]` (that would forbid `..Default::default()` outside the crate), so a
/// literal that names every field stops compiling. Literals written with `..` and `new(…)` still
/// build, and the change says so; a new field without a default is a new argument of `new`.
fn compare_fields(
    old_fields: &[&Field],
    owner: &str,
    new_fields: &[&Field],
    out: &mut Vec<Change>,
) {
    let item = |field: &Field| format!("{owner}.{}", field.name);
    for field in old_fields {
        if !new_fields.iter().any(|f| f.name == field.name) {
            out.push(Change::breaking(item(field), "field removed".to_owned()));
        }
    }
    for field in new_fields {
        let after = surface::field_type(field);
        let Some(before) = old_fields.iter().find(|f| f.name == field.name) else {
            let what = if field.flatten {
                format!(
                    "new field {}, empty by default (literals with `..` still build)",
                    code(&after)
                )
            } else if field.has_default() {
                format!(
                    "new optional field {} (literals with `..` still build)",
                    code(&after)
                )
            } else {
                format!("new required field {}, an argument of `new`", code(&after))
            };
            out.push(Change::breaking(item(field), what));
            continue;
        };
        let was = surface::field_type(before);
        if was != after {
            let what = if was == format!("Option<{after}>") {
                format!("now required: {} → {}", code(&was), code(&after))
            } else if after == format!("Option<{was}>") {
                format!("now optional: {} → {}", code(&was), code(&after))
            } else {
                format!("type {} → {}", code(&was), code(&after))
            };
            out.push(Change::breaking(item(field), what));
        }
        deprecation(
            &item(field),
            before.docs.deprecated,
            field.docs.deprecated,
            out,
        );
    }
}

/// Enum values, keyed by variant. Enums are `#[non_exhaustive]` with an `Unknown` variant, so a
/// new value breaks no `match`; a variant whose wire value changes compiles but sends and
/// matches another value, so it counts as breaking.
fn compare_values<T: PartialEq + Debug>(
    name: &str,
    old: &[EnumValue<T>],
    new: &[EnumValue<T>],
    out: &mut Vec<Change>,
) {
    let item = |value: &EnumValue<T>| format!("{name}::{}", value.variant);
    let wire = |value: &EnumValue<T>| code(&format!("{:?}", value.wire));
    for value in old {
        if !new.iter().any(|v| v.variant == value.variant) {
            let what = format!("value {} removed", wire(value));
            out.push(Change::breaking(item(value), what));
        }
    }
    for value in new {
        match old.iter().find(|v| v.variant == value.variant) {
            Some(before) if before.wire != value.wire => {
                let what = format!("value {} → {}", wire(before), wire(value));
                out.push(Change::breaking(item(value), what));
            }
            Some(_) => {}
            None => {
                let what = format!("new value {}", wire(value));
                out.push(Change::compatible(item(value), what));
            }
        }
    }
}

/// Union variants. A tagged union (`tag` set) is `#[non_exhaustive]` with an `Unknown` variant,
/// so a new variant is not breaking there; an untagged union is a plain enum, which `match`es
/// must cover whole, so there it is.
fn compare_variants(
    name: &str,
    old: &[Variant],
    new: &[Variant],
    tag: Option<&str>,
    out: &mut Vec<Change>,
) {
    let item = |variant: &Variant| format!("{name}::{}", variant.name);
    let when = |variant: &Variant| match (tag, &variant.wire) {
        (Some(tag), Some(wire)) => format!(" when {} is {}", code(tag), code(wire)),
        _ => String::new(),
    };
    for variant in old {
        if !new.iter().any(|v| v.name == variant.name) {
            out.push(Change::breaking(
                item(variant),
                "variant removed".to_owned(),
            ));
        }
    }
    for variant in new {
        let holds = surface::variant_type(variant);
        let Some(before) = old.iter().find(|v| v.name == variant.name) else {
            let exhaustive = tag.is_none();
            let mut what = format!("new variant holding {}{}", code(&holds), when(variant));
            if exhaustive {
                what.push_str(" (a `match` on the union must handle it)");
            }
            out.push(Change::new(exhaustive, item(variant), what));
            continue;
        };
        let held = surface::variant_type(before);
        if held != holds {
            let what = format!("holds {}, was {}", code(&holds), code(&held));
            out.push(Change::breaking(item(variant), what));
        }
        if before.wire != variant.wire {
            let what = format!("chosen{}, was{}", when(variant), when(before));
            out.push(Change::breaking(item(variant), what));
        }
    }
}
