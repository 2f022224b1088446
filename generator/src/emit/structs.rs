//! Structs: the type, its written-out `Serialize` and `Deserialize`, and `new(required…)` for the
//! types requests send.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, field_ident, DateTimes};
use crate::ir::*;
use crate::typemap;

/// `sent`: users build it for requests, so it gets `new(required…)`; a type that is only
/// received is built by serde and needs none (less code for every crate that compiles it).
pub(super) fn struct_def(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    fields: &[Field],
    api: &Api,
    sent: bool,
) -> TokenStream {
    let all_optional = all_have_defaults(fields);
    let default = all_optional.then(|| quote!(Default,));
    let form = |field: &Field| wire_form(field, api);
    let field_tokens = rust_fields(fields).map(|field| {
        let ident = field_ident(&field.name);
        let ty = field_type(field);
        let docs = doc_attrs(&field.docs);
        let deprecated = field.docs.deprecated.then(|| quote!(#[deprecated]));
        quote! { #docs #deprecated pub #ident: #ty, }
    });
    let constructor = has_constructor(fields, sent).then(|| constructor(name, fields));
    let serialize = serialize_struct(name, fields, &form);
    let deserialize = deserialize_struct(name, fields, &form);
    let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    let constants = fields.iter().filter_map(|f| {
        let value = f.constant.as_ref()?;
        let doc = format!(
            " On the wire, `{}` is always `{value}`: written and checked by serde.",
            f.wire
        );
        Some(quote!(#separator #[doc = #doc]))
    });
    quote! {
        #docs
        #(#constants)*
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name { #(#field_tokens)* }
        #serialize
        #deserialize
        #constructor
    }
}

/// The fields the Rust struct has: all but the constants.
fn rust_fields(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields.iter().filter(|f| f.constant.is_none())
}

/// How a field's value is written and read on the wire, where its Rust type's own serde form is
/// not the wire form.
enum WireForm {
    Plain,
    /// A date-time, through `crate::wire::Rfc3339` (`time`'s own serde form is another format).
    DateTime,
    /// A value through a wrapper of the runtime: a page's list (`Field::page_items`) through
    /// `crate::wire::LenientItems`, a value decoded on its own through `crate::wire::Lenient`,
    /// date-times through `crate::wire::Rfc3339List` and
    /// `crate::wire::Rfc3339Map`.
    Wrapped(TokenStream),
}

/// For a flattened map, the form of each of its entries: they sit in the object itself.
fn wire_form(field: &Field, api: &Api) -> WireForm {
    if field.page_items {
        return WireForm::Wrapped(quote!(crate::wire::LenientItems));
    }
    if field.lenient {
        return WireForm::Wrapped(quote!(crate::wire::Lenient));
    }
    let ty = match &field.ty {
        TypeRef::Map(entry) if field.flatten => entry,
        ty => ty,
    };
    match DateTimes::of(ty, api) {
        Some(DateTimes::One) => WireForm::DateTime,
        Some(shape) => WireForm::Wrapped(shape.wrapper()),
        None => WireForm::Plain,
    }
}

/// `Serialize` for a struct, written out rather than derived (see [`deserialize_struct`]): the
/// fields in the spec's order, an optional field left out when it is `None`, as serde's derive
/// with `skip_serializing_if` would write them. A struct with a flattened map is written as a map.
fn serialize_struct(
    name: &proc_macro2::Ident,
    fields: &[Field],
    form: &impl Fn(&Field) -> WireForm,
) -> TokenStream {
    let flattened = fields.iter().any(|f| f.flatten);
    let write = |key: TokenStream, value: TokenStream| {
        if flattened {
            quote!(object.serialize_entry(#key, #value)?;)
        } else {
            quote!(object.serialize_field(#key, #value)?;)
        }
    };
    let statements = fields.iter().map(|field| {
        let ident = field_ident(&field.name);
        let wire = &field.wire;
        if let Some(constant) = &field.constant {
            return write(quote!(#wire), quote!(#constant));
        }
        if field.flatten {
            let value = match form(field) {
                WireForm::DateTime => quote!(&crate::wire::Rfc3339(*value)),
                _ => quote!(value),
            };
            return quote! {
                for (key, value) in &self.#ident {
                    object.serialize_entry(key, #value)?;
                }
            };
        }
        let skipped_when_none = left_out_when_none(field);
        let value = match (form(field), field.is_optional()) {
            (WireForm::Plain, _) if skipped_when_none => quote!(value),
            (WireForm::Plain, _) => quote!(&self.#ident),
            (WireForm::DateTime, _) if skipped_when_none => quote!(&crate::wire::Rfc3339(*value)),
            (WireForm::DateTime, true) => quote!(&self.#ident.map(crate::wire::Rfc3339)),
            (WireForm::DateTime, false) => quote!(&crate::wire::Rfc3339(self.#ident)),
            (WireForm::Wrapped(wrapper), _) if skipped_when_none => quote!(&#wrapper(value)),
            (WireForm::Wrapped(wrapper), true) => quote!(&self.#ident.as_ref().map(#wrapper)),
            (WireForm::Wrapped(wrapper), false) => quote!(&#wrapper(&self.#ident)),
        };
        let write = write(quote!(#wire), value);
        if skipped_when_none {
            quote!(if let Some(value) = &self.#ident { #write })
        } else {
            write
        }
    });
    let start = if flattened {
        quote! {
            use serde::ser::SerializeMap;
            let mut object = serializer.serialize_map(None)?;
        }
    } else {
        // The number of fields written, which formats other than JSON may need up front.
        let always = fields.iter().filter(|f| !left_out_when_none(f)).count();
        let always = (always > 0).then(|| proc_macro2::Literal::usize_unsuffixed(always));
        let sometimes = fields.iter().filter(|f| left_out_when_none(f)).map(|f| {
            let ident = field_ident(&f.name);
            quote!(usize::from(self.#ident.is_some()))
        });
        let terms: Vec<TokenStream> = always
            .map(|n| quote!(#n))
            .into_iter()
            .chain(sometimes)
            .collect();
        let len = if terms.is_empty() {
            quote!(0)
        } else {
            quote!(#(#terms)+*)
        };
        let type_name = name.to_string();
        quote! {
            use serde::ser::SerializeStruct;
            let mut object = serializer.serialize_struct(#type_name, #len)?;
        }
    };
    let allow = allow_deprecated(fields);
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #start
                #(#statements)*
                object.end()
            }
        }
    }
}

/// An optional field that the spec does not require is left out of the object when `None`; a
/// required one that may be `null` is written as `null`.
fn left_out_when_none(field: &Field) -> bool {
    field.is_optional() && !field.required
}

/// `Deserialize` for a struct, written out rather than derived: one loop over the object's keys
/// and one `match` of the field names, inside the visitor every struct shares
/// (`crate::wire::deserialize_object`). serde's derive also writes a field enum with its own
/// visitor, sequence support and duplicate checks for every struct; compiling that was half of
/// what `types.rs` cost every crate that depends on it. Unknown keys are skipped (or kept in the
/// flattened map), a missing required field is serde's `missing field` error, and `null` or a
/// missing key gives `None` to an optional field.
fn deserialize_struct(
    name: &proc_macro2::Ident,
    fields: &[Field],
    form: &impl Fn(&Field) -> WireForm,
) -> TokenStream {
    let locals = fields.iter().map(|field| {
        let local = local(field);
        let ty = field_type(field);
        if field.constant.is_some() {
            // Whether the constant was there: it is required like any other field.
            quote!(let mut #local = false;)
        } else if field.flatten {
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
        if let Some(constant) = &field.constant {
            return quote!(#wire => {
                crate::wire::expect_constant(&mut map, #constant)?;
                #local = true;
            });
        }
        let value = match (form(field), field.is_optional()) {
            (WireForm::Wrapped(wrapper), false) => quote!(Some(map.next_value::<#wrapper<_>>()?.0)),
            (WireForm::Wrapped(wrapper), true) => {
                quote!(map.next_value::<Option<#wrapper<_>>>()?.map(|list| list.0))
            }
            (WireForm::DateTime, false) => {
                quote!(Some(map.next_value::<crate::wire::Rfc3339>()?.0))
            }
            (WireForm::DateTime, true) => {
                quote!(map
                    .next_value::<Option<crate::wire::Rfc3339>>()?
                    .map(|date| date.0))
            }
            (WireForm::Plain, false) => quote!(Some(map.next_value()?)),
            (WireForm::Plain, true) => quote!(map.next_value()?),
        };
        quote!(#wire => #local = #value,)
    });
    let other = match fields.iter().find(|f| f.flatten) {
        Some(field) => {
            let local = local(field);
            let value = match form(field) {
                WireForm::DateTime => quote!(map.next_value::<crate::wire::Rfc3339>()?.0),
                _ => quote!(map.next_value()?),
            };
            quote!(_ => { #local.insert(key.into_string(), #value); })
        }
        None => quote!(_ => { map.next_value::<serde::de::IgnoredAny>()?; }),
    };
    let inits = rust_fields(fields).map(|field| {
        let ident = field_ident(&field.name);
        let local = local(field);
        if field.flatten || field.is_optional() {
            quote!(#ident: #local)
        } else {
            let wire = &field.wire;
            quote!(#ident: #local.ok_or_else(|| serde::de::Error::missing_field(#wire))?)
        }
    });
    let constants_present = fields.iter().filter(|f| f.constant.is_some()).map(|field| {
        let local = local(field);
        let wire = &field.wire;
        quote! {
            if !#local {
                return Err(serde::de::Error::missing_field(#wire));
            }
        }
    });
    let type_name = name.to_string();
    let allow = allow_deprecated(fields);
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::wire::deserialize_object(deserializer)
            }
        }
        #allow
        impl crate::wire::Object for #name {
            const NAME: &'static str = #type_name;
            fn from_entries<'de, __A: serde::de::MapAccess<'de>>(mut map: __A) -> Result<Self, __A::Error> {
                #(#locals)*
                while let Some(key) = map.next_key::<crate::wire::Key<'de>>()? {
                    match key.as_str() {
                        #(#arms)*
                        #other
                    }
                }
                #(#constants_present)*
                Ok(Self { #(#inits),* })
            }
        }
    }
}

/// Reading or writing a deprecated field warns; the generated code does both on purpose.
fn allow_deprecated(fields: &[Field]) -> Option<TokenStream> {
    fields
        .iter()
        .any(|f| f.docs.deprecated)
        .then(|| quote!(#[allow(deprecated)]))
}

/// The decoder's variable for a field: prefixed, so that no field name (`map`, `key`) can shadow
/// the decoder's own variables. Likewise its type parameter is `__A`, a name no spec name
/// becomes, so that no generated type (a schema named `A`) is shadowed inside the decoder.
fn local(field: &Field) -> proc_macro2::Ident {
    quote::format_ident!("field_{}", field.name)
}

/// `new(required...)` for structs that cannot derive `Default`; everything else starts as `None`.
pub(super) fn constructor(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let needed: Vec<&Field> = rust_fields(fields).filter(|f| !f.has_default()).collect();
    let params = needed.iter().map(|field| {
        let ident = field_ident(&field.name);
        let ty = field_type(field);
        quote!(#ident: impl Into<#ty>)
    });
    let inits = rust_fields(fields).map(|field| {
        let ident = field_ident(&field.name);
        if field.flatten {
            quote!(#ident: Default::default())
        } else if field.is_optional() {
            quote!(#ident: None)
        } else {
            quote!(#ident: #ident.into())
        }
    });
    let allow = allow_deprecated(fields);
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

/// A page's list has items that are each a `Result` (`Field::page_items`); a field decoded on
/// its own is a `Result` as a whole.
pub(super) fn field_type(field: &Field) -> TokenStream {
    let mut ty = match (&field.ty, field.page_items) {
        (TypeRef::Array(item), true) => {
            let item = typemap::rust_type(item);
            quote!(Vec<Result<#item, crate::UnreadableItem>>)
        }
        (ty, _) => typemap::rust_type(ty),
    };
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.lenient {
        ty = quote!(Result<#ty, crate::UnreadableItem>);
    }
    if field.is_optional() {
        ty = quote!(Option<#ty>);
    }
    ty
}
