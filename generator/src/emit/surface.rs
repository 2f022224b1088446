//! The generated items as a user's code sees them, as text: what `diff` compares. Spelled by the
//! functions that emit the code, so that the report and the crate cannot disagree on a type.

use proc_macro2::TokenStream;

use super::operations::{output, params};
use crate::ir::*;
use crate::typemap;

/// A public function of a resource handle: `client.{resource}().{name}(params…)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub resource: String,
    pub name: String,
    /// Name and type of each parameter after `&self`.
    pub params: Vec<(String, String)>,
    /// The function's whole return type.
    pub returns: String,
    /// `GET /v2/live/{id}`, for the operation's own function; `None` for its `list_all`.
    pub route: Option<String>,
    pub deprecated: bool,
}

/// Every public endpoint function, in the spec's order of operations.
pub fn functions(api: &Api) -> Vec<Function> {
    let mut functions = Vec::new();
    for op in &api.operations {
        let params: Vec<(String, String)> = params(op, api)
            .iter()
            .map(|p| (text(&p.arg), text(&p.ty)))
            .collect();
        functions.push(Function {
            resource: op.name.resource.clone(),
            name: op.name.method.clone(),
            params: params.clone(),
            returns: format!("Result<{}, Error>", text(&output(op))),
            route: Some(format!("{} {}", op.http_method.as_upper(), op.path)),
            deprecated: op.docs.deprecated,
        });
        if let Some(paged) = &op.paged {
            functions.push(Function {
                resource: op.name.resource.clone(),
                name: paged.all.clone(),
                params,
                returns: format!(
                    "impl Stream<Item = Result<{}, Error>>",
                    type_ref(&paged.item)
                ),
                route: None,
                deprecated: op.docs.deprecated,
            });
        }
    }
    functions
}

/// The Rust type of a field of `owner` (a struct or query type), `Option` and `Box` included.
pub fn field_type(field: &Field) -> String {
    text(&super::field_type(field))
}

/// The type a union variant holds, `Box` included.
pub fn variant_type(variant: &Variant) -> String {
    text(&super::variant_type(variant))
}

pub fn type_ref(ty: &TypeRef) -> String {
    text(&typemap::rust_type(ty))
}

/// Tokens as a person writes them (`Option<Vec<String>>`, not `Option < Vec < String > >`), with
/// the crate's own paths left out: users see `gladia_api::Download`, not `crate::Download`.
fn text(tokens: &TokenStream) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [
        ("crate :: types :: ", ""),
        ("crate :: ", ""),
        (" :: ", "::"),
        (" < ", "<"),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
    ] {
        text = text.replace(from, to);
    }
    text
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn text_reads_like_written_rust() {
        let cases = [
            (
                quote!(Option<Vec<Result<crate::types::Job, crate::UnreadableItem>>>),
                "Option<Vec<Result<Job, UnreadableItem>>>",
            ),
            (
                quote!(std::collections::BTreeMap<String, Box<crate::types::Node>>),
                "std::collections::BTreeMap<String, Box<Node>>",
            ),
            (quote!(&str), "&str"),
            (
                quote!(impl Into<crate::UploadFile>),
                "impl Into<UploadFile>",
            ),
            (quote!(r#type), "r#type"),
        ];
        for (tokens, expected) in cases {
            assert_eq!(super::text(&tokens), expected);
        }
    }
}
