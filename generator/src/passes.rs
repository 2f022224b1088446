//! Passes over the finished IR: checks that need every type (alias cycles), and decisions that
//! depend on how types refer to each other (boxing, union tags, field docs, validation).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::error::Error;
use crate::ir::*;

pub(crate) fn index(types: &[TypeDef]) -> HashMap<&str, usize> {
    types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect()
}

/// `type A = Vec<A>;` and `type A = B; type B = A;` do not compile, and no `Box` helps: an alias
/// that reaches itself through aliases, lists and maps only is an error at its schema.
pub fn check_alias_cycles(types: &[TypeDef]) -> Result<(), Error> {
    let index = index(types);
    let alias_target = |i: usize| match &types[i].kind {
        TypeKind::Alias(ty) => named_within(ty).and_then(|n| index.get(n.as_str()).copied()),
        _ => None,
    };
    for start in 0..types.len() {
        let mut path = vec![start];
        let mut node = start;
        while let Some(next) = alias_target(node) {
            if next == start {
                let names: Vec<&str> = path.iter().map(|i| types[*i].name.as_str()).collect();
                return Err(Error::unsupported(
                    &types[start].pointer,
                    format!(
                        "a schema that is only itself ({} → {}): give it properties or a type",
                        names.join(" → "),
                        types[start].name
                    ),
                ));
            }
            if path.contains(&next) {
                break;
            }
            path.push(next);
            node = next;
        }
    }
    Ok(())
}

/// Marks the fields and union variants through which a type contains itself, directly or through
/// other types held by value, so that emission can `Box` them. `Vec` and maps already allocate
/// and break the cycle.
pub fn box_cycles(types: &mut [TypeDef]) {
    let held: Vec<BTreeSet<usize>> = {
        let index = index(types);
        types
            .iter()
            .map(|t| {
                held_by_value(&t.kind)
                    .filter_map(|n| index.get(n.as_str()).copied())
                    .collect()
            })
            .collect()
    };
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let needs_box = |ty: &TypeRef, owner: usize| match ty {
        TypeRef::Named(target) => index
            .get(target)
            .is_some_and(|&target| reaches(&held, target, owner)),
        _ => false,
    };
    for (owner, def) in types.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(fields) => {
                for field in fields {
                    field.boxed = needs_box(&field.ty, owner);
                }
            }
            TypeKind::Untagged(variants) | TypeKind::Tagged { variants, .. } => {
                for variant in variants {
                    variant.boxed = needs_box(&variant.ty, owner);
                }
            }
            _ => {}
        }
    }
}

fn named(ty: &TypeRef) -> Option<&String> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

fn held_by_value(kind: &TypeKind) -> Box<dyn Iterator<Item = &String> + '_> {
    match kind {
        TypeKind::Struct(fields) => Box::new(fields.iter().filter_map(|f| named(&f.ty))),
        TypeKind::Untagged(variants) | TypeKind::Tagged { variants, .. } => {
            Box::new(variants.iter().filter_map(|v| named(&v.ty)))
        }
        TypeKind::Alias(ty) => Box::new(named(ty).into_iter()),
        _ => Box::new(std::iter::empty()),
    }
}

fn reaches(held: &[BTreeSet<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; held.len()];
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if !std::mem::replace(&mut seen[node], true) {
            stack.extend(held[node].iter().copied());
        }
    }
    false
}

/// The named type a reference holds, through lists and maps.
pub fn named_within(ty: &TypeRef) -> Option<&String> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Array(item) | TypeRef::Map(item) | TypeRef::Nullable(item) => named_within(item),
        _ => None,
    }
}

/// The list of each page type an operation answers with ([`PAGE_ITEMS`]) decodes item by
/// item: set once here, so that emit reads a field's flag instead of looking for pages.
pub fn mark_page_items(types: &mut [TypeDef], operations: &[Operation]) {
    for paged in operations.iter().filter_map(|op| op.paged.as_ref()) {
        for def in types.iter_mut().filter(|t| t.name == paged.page) {
            if let TypeKind::Struct(fields) = &mut def.kind {
                for field in fields.iter_mut().filter(|f| f.wire == PAGE_ITEMS) {
                    field.page_items = true;
                }
            }
        }
    }
}

/// The tag of a tagged union's variant (a message's `type`) is one value the variant's schema
/// fixes (`const`, or an `enum` of one value). Such a field is made a constant: users neither
/// write nor read it, the encoder writes it and the decoder checks it. The one-value enums that
/// typed those fields go when nothing else refers to them: each cost a type with its own parsing
/// and printing code, for a value that never varies.
pub fn constant_tags(types: &mut Vec<TypeDef>, operations: &[Operation]) {
    let index = index(types);
    // (struct, field) → the value every union that holds the struct gives its tag.
    let mut constants: BTreeMap<(usize, usize), Option<String>> = BTreeMap::new();
    for def in types.iter() {
        let TypeKind::Tagged { tag, variants } = &def.kind else {
            continue;
        };
        for variant in variants {
            let (TypeRef::Named(name), Some(value)) = (&variant.ty, &variant.wire) else {
                continue;
            };
            let Some(&owner) = index.get(name.as_str()) else {
                continue;
            };
            let TypeKind::Struct(fields) = &types[owner].kind else {
                continue;
            };
            let Some(position) = fields.iter().position(|f| &f.wire == tag) else {
                continue;
            };
            let field = &fields[position];
            let fixed = field.required
                && !field.nullable
                && match &field.ty {
                    TypeRef::Named(ty) => index.get(ty.as_str()).is_some_and(|&i| {
                        matches!(&types[i].kind, TypeKind::StringEnum(values)
                            if values.len() == 1 && &values[0].wire == value)
                    }),
                    _ => false,
                };
            let entry = constants
                .entry((owner, position))
                .or_insert_with(|| Some(value.clone()));
            if !fixed || entry.as_deref() != Some(value.as_str()) {
                *entry = None;
            }
        }
    }
    let mut freed = BTreeSet::new();
    for ((owner, position), value) in constants {
        let (Some(value), TypeKind::Struct(fields)) = (value, &mut types[owner].kind) else {
            continue;
        };
        let field = &mut fields[position];
        if let TypeRef::Named(ty) = &field.ty {
            freed.insert(ty.clone());
        }
        field.constant = Some(value);
    }
    let used = referenced(types, operations);
    types.retain(|t| !freed.contains(&t.name) || used.contains(&t.name));
}

/// Every type name that a type or an operation refers to, constant fields aside.
fn referenced(types: &[TypeDef], operations: &[Operation]) -> BTreeSet<String> {
    let defined = types.iter().flat_map(|def| defined_with(&def.kind));
    let signed = operations.iter().flat_map(signed_with);
    defined
        .chain(signed)
        .filter_map(named_within)
        .cloned()
        .collect()
}

/// Every type a definition's code names (a constant field's type is not written).
pub(crate) fn defined_with(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(fields) => fields
            .iter()
            .filter(|f| f.constant.is_none())
            .map(|f| &f.ty)
            .collect(),
        TypeKind::Query(params) => params.iter().map(|p| &p.field.ty).collect(),
        TypeKind::Untagged(variants) | TypeKind::Tagged { variants, .. } => {
            variants.iter().map(|v| &v.ty).collect()
        }
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => Vec::new(),
    }
}

/// Every type an endpoint function's signature names, but its query type (named by name).
pub(crate) fn signed_with(op: &Operation) -> Vec<&TypeRef> {
    let mut refs: Vec<&TypeRef> = op.path_params.iter().map(|f| &f.ty).collect();
    refs.extend(op.body.as_ref().and_then(Body::sent_type));
    refs.extend(op.responses.iter().filter_map(|r| match &r.body {
        ResponseBody::Json(ty) | ResponseBody::Events(ty) => Some(ty),
        ResponseBody::Empty | ResponseBody::Binary | ResponseBody::Text => None,
    }));
    refs.extend(op.paged.as_ref().map(|p| &p.item));
    refs
}

/// A field the spec leaves undescribed points at the type it holds, so that every public item
/// of the generated code is documented. The type's own description is not copied: specs often
/// describe a shared type in the words of one of its uses, which would be wrong on the others.
pub fn describe_fields(types: &mut [TypeDef]) {
    let described: BTreeSet<String> = types
        .iter()
        .filter(|t| t.docs.description.is_some())
        .map(|t| t.name.clone())
        .collect();
    for def in types.iter_mut() {
        let TypeKind::Struct(fields) = &mut def.kind else {
            continue;
        };
        for field in fields {
            if field.docs.description.is_none() {
                field.docs.see = named_within(&field.ty)
                    .filter(|name| described.contains(*name))
                    .cloned();
            }
        }
    }
}

/// Whether a field carries a bound that `validate` checks.
/// An exclusive bound at the end of the `f64` range leaves no number in range: `validate()`
/// could not be written for it (the next value past it is infinite), so it is refused here,
/// at the field.
pub fn check_bounds(types: &[TypeDef]) -> Result<(), Error> {
    for def in types {
        let fields: Vec<&Field> = match &def.kind {
            TypeKind::Struct(fields) => fields.iter().collect(),
            TypeKind::Query(params) => params.iter().map(|p| &p.field).collect(),
            _ => continue,
        };
        for field in fields {
            let ends = [
                (field.docs.minimum, f64::MAX, "exclusiveMinimum", "above"),
                (field.docs.maximum, f64::MIN, "exclusiveMaximum", "below"),
            ];
            for (bound, end, keyword, side) in ends {
                if bound.is_some_and(|b| b.exclusive && b.value == end) {
                    let pointer = match &def.kind {
                        TypeKind::Struct(_) => format!(
                            "{}/properties/{}/{keyword}",
                            def.pointer,
                            crate::source::escape(&field.wire)
                        ),
                        _ => def.pointer.clone(),
                    };
                    return Err(Error::unsupported(
                        &pointer,
                        format!(
                            "`{}` excludes {end:e}, and no number lies {side} it: \
                             the field could never hold a value",
                            field.wire
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn has_bounds(field: &Field) -> bool {
    match &field.ty {
        TypeRef::Scalar(Scalar::Integer | Scalar::Integer32 | Scalar::Number | Scalar::Float) => {
            field.docs.minimum.is_some() || field.docs.maximum.is_some()
        }
        TypeRef::Array(_) => field.docs.min_items.is_some() || field.docs.max_items.is_some(),
        _ => false,
    }
}

/// Marks the types that requests send (`sent`), and those of them that carry bounds, themselves
/// or deeper down (`validated`).
pub fn mark_validated(types: &mut [TypeDef], operations: &[Operation]) {
    let index = index(types);
    // Each type's direct bounds and the types it holds, worked out once.
    fn fields_of(kind: &TypeKind) -> Vec<&Field> {
        match kind {
            TypeKind::Struct(fields) => fields.iter().collect(),
            TypeKind::Query(params) => params.iter().map(|p| &p.field).collect(),
            _ => Vec::new(),
        }
    }
    let bounded: Vec<bool> = types
        .iter()
        .map(|t| fields_of(&t.kind).into_iter().any(has_bounds))
        .collect();
    let children: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let refs: Vec<&TypeRef> = match &t.kind {
                TypeKind::Untagged(variants) | TypeKind::Tagged { variants, .. } => {
                    variants.iter().map(|v| &v.ty).collect()
                }
                other => fields_of(other).into_iter().map(|f| &f.ty).collect(),
            };
            refs.into_iter()
                .filter_map(|ty| named_within(ty).and_then(|n| index.get(n.as_str()).copied()))
                .collect()
        })
        .collect();
    // Only what a request can carry.
    let mut sent = vec![false; types.len()];
    let mut stack: Vec<usize> = operations
        .iter()
        .flat_map(|op| {
            let body = op
                .body
                .as_ref()
                .and_then(Body::sent_type)
                .and_then(named_within);
            op.query.as_ref().map(|q| &q.ty).into_iter().chain(body)
        })
        .filter_map(|name| index.get(name.as_str()).copied())
        .collect();
    while let Some(node) = stack.pop() {
        if !std::mem::replace(&mut sent[node], true) {
            stack.extend(&children[node]);
        }
    }
    // Bounds anywhere below: repeat until nothing changes, as types may refer to each other.
    let mut validated: Vec<bool> = sent.iter().zip(&bounded).map(|(s, b)| *s && *b).collect();
    loop {
        let mut changed = false;
        for node in 0..types.len() {
            if sent[node] && !validated[node] && children[node].iter().any(|c| validated[*c]) {
                validated[node] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for ((def, validated), sent) in types.iter_mut().zip(validated).zip(sent) {
        def.validated = validated;
        def.sent = sent;
    }
}
