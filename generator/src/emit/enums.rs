//! String and integer enums: every listed value a variant, and `Unknown` for the others.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::*;

pub(super) fn string_enum(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    values: &[EnumValue<String>],
) -> TokenStream {
    let variants: Vec<_> = values.iter().map(|v| ident(&v.variant)).collect();
    let wires: Vec<&String> = values.iter().map(|v| &v.wire).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    let type_name = name.to_string();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this version of the crate does not know, kept as received.
            Unknown(String),
        }
        impl #name {
            /// Every value the spec lists, in the spec's order.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];
            /// The wire value of each of `ALL`, in the same order: what parsing searches.
            const WIRE: &'static [&'static str] = &[#(#wires),*];
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unknown(value) => value,
                }
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for #name {
            type Err = crate::wire::UnknownValue;
            /// Accepts only the values the spec lists.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match crate::wire::position(Self::WIRE, value) {
                    Some(index) => Ok(Self::ALL[index].clone()),
                    None => Err(crate::wire::UnknownValue::new(#type_name, value)),
                }
            }
        }
        impl From<&str> for #name {
            /// Never fails: a value the spec does not list becomes `Unknown`.
            fn from(value: &str) -> Self {
                match crate::wire::position(Self::WIRE, value) {
                    Some(index) => Self::ALL[index].clone(),
                    None => Self::Unknown(value.to_owned()),
                }
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::wire::deserialize_str_enum(deserializer)
            }
        }
    }
}

pub(super) fn integer_enum(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    values: &[EnumValue<i64>],
) -> TokenStream {
    let variants: Vec<_> = values.iter().map(|v| ident(&v.variant)).collect();
    let wires: Vec<i64> = values.iter().map(|v| v.wire).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    let type_name = name.to_string();
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this version of the crate does not know, kept as received.
            Unknown(i64),
        }
        impl #name {
            /// Every value the spec lists, in the spec's order.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];
            /// The value as it is sent on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unknown(value) => value,
                }
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.value(), f)
            }
        }
        impl std::str::FromStr for #name {
            type Err = crate::wire::UnknownValue;
            /// Accepts only the values the spec lists.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value.parse::<i64>().map(Self::from) {
                    Ok(Self::Unknown(_)) | Err(_) => Err(crate::wire::UnknownValue::new(#type_name, value)),
                    Ok(known) => Ok(known),
                }
            }
        }
        impl From<i64> for #name {
            /// Never fails: a value the spec does not list becomes `Unknown`.
            fn from(value: i64) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::Unknown(other),
                }
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::wire::deserialize_int_enum(deserializer)
            }
        }
    }
}
