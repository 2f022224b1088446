//! Structs: the type, its written-out `Deserialize`, and `new(required…)` for the types requests
//! send.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, field_ident};
use crate::ir::*;
use crate::typemap;

pub(super) fn is_page(api: &Api, name: &str) -> bool {
    api.operations
        .iter()
        .any(|op| op.paged.as_ref().is_some_and(|p| p.page == name))
}

/// The list of a page type (see `ir::Paged`). Its items decode one by one, so that one item the
/// client cannot read (a job of an older shape) stays in its place as an error and never hides
/// the others.
pub(super) const PAGE_ITEMS: &str = "items";

/// `sent`: users build it for requests, so it gets `new(required…)`; a type that is only
/// received is built by serde and needs none (less code for every crate that compiles it).
pub(super) fn struct_def(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    fields: &[Field],
    page: bool,
    sent: bool,
) -> TokenStream {
    let all_optional = fields.iter().all(Field::has_default);
    let default = all_optional.then(|| quote!(Default,));
    let lenient = |field: &Field| page && field.wire == PAGE_ITEMS;
    let field_tokens = fields.iter().map(|field| {
        let ident = field_ident(&field.name);
        let ty = field_type(field, lenient(field));
        let docs = doc_attrs(&field.docs);
        let mut serde = Vec::new();
        if field.flatten {
            serde.push(quote!(flatten));
        } else if field.name != field.wire {
            let wire = &field.wire;
            serde.push(quote!(rename = #wire));
        }
        if lenient(field) {
            serde.push(quote!(with = "crate::wire::lenient_items"));
        } else if let Some(with) = typemap::serde_with(&field.ty, field.is_optional()) {
            serde.push(quote!(with = #with));
            if field.is_optional() {
                serde.push(quote!(default));
            }
        }
        if !field.required {
            serde.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        let deprecated = field.docs.deprecated.then(|| quote!(#[deprecated]));
        quote! { #docs #serde #deprecated pub #ident: #ty, }
    });
    let constructor = (sent && !all_optional).then(|| constructor(name, fields, lenient));
    let deserialize = deserialize_struct(name, fields, lenient);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize)]
        pub struct #name { #(#field_tokens)* }
        #deserialize
        #constructor
    }
}

/// `Deserialize` for a struct, written out rather than derived: one loop over the object's keys
/// and one `match` of the field names. serde's derive also writes a field enum with its own
/// visitor, sequence support and duplicate checks for every struct; compiling that was half of
/// what `types.rs` cost every crate that depends on it. Unknown keys are skipped (or kept in the
/// flattened map), a missing required field is serde's `missing field` error, and `null` or a
/// missing key gives `None` to an optional field.
fn deserialize_struct(
    name: &proc_macro2::Ident,
    fields: &[Field],
    lenient: impl Fn(&Field) -> bool,
) -> TokenStream {
    let locals = fields.iter().map(|field| {
        let local = local(field);
        let ty = field_type(field, lenient(field));
        if field.flatten {
            quote!(let mut #local: #ty = Default::default();)
        } else if field.is_optional() {
            quote!(let mut #local: #ty = None;)
        } else {
            quote!(let mut #local: Option<#ty> = None;)
        }
    });
    let arms = fields.iter().filter(|f| !f.flatten).map(|field| {
        let local = local(field);
        let wire = &field.wire;
        let date_time = matches!(field.ty, TypeRef::Scalar(Scalar::DateTime));
        let value = match (lenient(field), date_time, field.is_optional()) {
            (true, _, false) => quote!(Some(map.next_value::<crate::wire::LenientItems<_>>()?.0)),
            (true, _, true) => {
                quote!(map
                    .next_value::<Option<crate::wire::LenientItems<_>>>()?
                    .map(|items| items.0))
            }
            (false, true, false) => quote!(Some(map.next_value::<crate::wire::Rfc3339>()?.0)),
            (false, true, true) => {
                quote!(map
                    .next_value::<Option<crate::wire::Rfc3339>>()?
                    .map(|date| date.0))
            }
            (false, false, false) => quote!(Some(map.next_value()?)),
            (false, false, true) => quote!(map.next_value()?),
        };
        quote!(#wire => #local = #value,)
    });
    let other = match fields.iter().find(|f| f.flatten) {
        Some(field) => {
            let local = local(field);
            quote!(_ => { #local.insert(key.into_string(), map.next_value()?); })
        }
        None => quote!(_ => { map.next_value::<serde::de::IgnoredAny>()?; }),
    };
    let inits = fields.iter().map(|field| {
        let ident = field_ident(&field.name);
        let local = local(field);
        if field.flatten || field.is_optional() {
            quote!(#ident: #local)
        } else {
            let wire = &field.wire;
            quote!(#ident: #local.ok_or_else(|| serde::de::Error::missing_field(#wire))?)
        }
    });
    let expecting = format!("a {name} object");
    let allow = fields
        .iter()
        .any(|f| f.docs.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct __Visitor;
                #allow
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #(#locals)*
                        while let Some(key) = map.next_key::<crate::wire::Key<'de>>()? {
                            match key.as_str() {
                                #(#arms)*
                                #other
                            }
                        }
                        Ok(#name { #(#inits),* })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// `new(required...)` for structs that cannot derive `Default`; everything else starts as `None`.
/// The decoder's variable for a field: prefixed, so that no field name (`map`, `key`) can shadow
/// the decoder's own variables. Likewise its visitor is `__Visitor`, a name no spec name becomes,
/// so that no generated type is shadowed inside the decoder.
fn local(field: &Field) -> proc_macro2::Ident {
    quote::format_ident!("field_{}", field.name)
}

pub(super) fn constructor(
    name: &proc_macro2::Ident,
    fields: &[Field],
    lenient: impl Fn(&Field) -> bool,
) -> TokenStream {
    let needed: Vec<&Field> = fields.iter().filter(|f| !f.has_default()).collect();
    let params = needed.iter().map(|field| {
        let ident = field_ident(&field.name);
        let ty = field_type(field, lenient(field));
        quote!(#ident: impl Into<#ty>)
    });
    let inits = fields.iter().map(|field| {
        let ident = field_ident(&field.name);
        if field.flatten {
            quote!(#ident: Default::default())
        } else if field.is_optional() {
            quote!(#ident: None)
        } else {
            quote!(#ident: #ident.into())
        }
    });
    let allow = fields
        .iter()
        .any(|f| f.docs.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let doc = format!(" Builds a `{name}` from its required fields; every other field is `None`.");
    quote! {
        #allow
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

/// `lenient`: a page's list, whose items are each a `Result` (see [`PAGE_ITEMS`]).
pub(super) fn field_type(field: &Field, lenient: bool) -> TokenStream {
    let mut ty = match (&field.ty, lenient) {
        (TypeRef::Array(item), true) => {
            let item = typemap::rust_type(item);
            quote!(Vec<Result<#item, crate::UnreadableItem>>)
        }
        (ty, _) => typemap::rust_type(ty),
    };
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.is_optional() {
        ty = quote!(Option<#ty>);
    }
    ty
}
