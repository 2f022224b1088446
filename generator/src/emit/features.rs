//! The cargo features of a crate `--crate` writes: one per resource (an operation's first tag).
//! A resource's functions sit behind its feature, and so does every type that only its
//! operations reach; a type that several resources reach is behind any of theirs, one that all
//! reach, or that no operation reaches (a model users may build on), is always there.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::*;
use crate::passes;

/// The features each gated type sits behind, by type name; a type not here is always compiled.
pub struct Gates {
    features: HashMap<String, Vec<String>>,
}

/// The cargo feature of a resource: its name, except where that is one of the features every
/// such crate has.
pub fn feature_name(resource: &str) -> String {
    match resource {
        "full" | "default" | "tracing" => format!("{resource}_endpoints"),
        _ => resource.to_owned(),
    }
}

impl Gates {
    pub fn new(api: &Api) -> Self {
        let index = passes::index(&api.types);
        let named = |ty: &TypeRef| -> Option<usize> {
            passes::named_within(ty).and_then(|n| index.get(n.as_str()).copied())
        };
        let children: Vec<Vec<usize>> = api
            .types
            .iter()
            .map(|t| {
                passes::defined_with(&t.kind)
                    .into_iter()
                    .filter_map(named)
                    .collect()
            })
            .collect();
        let mut reached: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
        for (r, resource) in api.resources.iter().enumerate() {
            let mut stack: Vec<usize> = api
                .operations
                .iter()
                .filter(|op| op.name.resource == resource.name)
                .flat_map(|op| {
                    let mut roots: Vec<usize> = passes::signed_with(op)
                        .into_iter()
                        .filter_map(named)
                        .collect();
                    roots.extend(
                        op.query
                            .as_ref()
                            .and_then(|q| index.get(q.ty.as_str()).copied()),
                    );
                    roots.extend(op.paged.as_ref().and_then(|p| index.get(p.page.as_str())));
                    roots
                })
                .collect();
            while let Some(i) = stack.pop() {
                if reached[i].insert(r) {
                    stack.extend(&children[i]);
                }
            }
        }
        // What an ungated type holds cannot be gated either.
        let all = api.resources.len();
        let mut always: Vec<bool> = reached
            .iter()
            .map(|r| r.is_empty() || r.len() == all)
            .collect();
        let mut stack: Vec<usize> = (0..always.len()).filter(|&i| always[i]).collect();
        while let Some(i) = stack.pop() {
            for &child in &children[i] {
                if !always[child] {
                    always[child] = true;
                    stack.push(child);
                }
            }
        }
        let features = api
            .types
            .iter()
            .enumerate()
            .filter(|&(i, _)| !always[i])
            .map(|(i, t)| {
                let features = reached[i]
                    .iter()
                    .map(|&r| feature_name(&api.resources[r].name))
                    .collect();
                (t.name.clone(), features)
            })
            .collect();
        Gates { features }
    }

    /// `#[cfg(…)]` for a type, or nothing when it is always compiled.
    pub fn of_type(&self, name: &str) -> Option<TokenStream> {
        self.features.get(name).map(|features| cfg(features))
    }
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]`.
pub fn cfg(features: &[String]) -> TokenStream {
    match features {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// Puts each item of `file` behind `gate` (a `#[cfg(…)]`).
pub fn gate_items(file: &mut syn::File, gate: TokenStream) -> Result<(), crate::Error> {
    for item in &mut file.items {
        // syn is built without `clone-impls`: one attribute parsed per item.
        let attribute: syn::Attribute = syn::parse_quote!(#gate);
        let attributes = match item {
            syn::Item::Struct(item) => &mut item.attrs,
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Impl(item) => &mut item.attrs,
            syn::Item::Type(item) => &mut item.attrs,
            syn::Item::Const(item) => &mut item.attrs,
            syn::Item::Fn(item) => &mut item.attrs,
            other => {
                return Err(crate::Error::Internal {
                    file: "types.rs".to_owned(),
                    message: format!("no feature gate for {}", quote!(#other)),
                })
            }
        };
        attributes.insert(0, attribute);
    }
    Ok(())
}
