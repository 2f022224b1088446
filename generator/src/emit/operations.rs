//! Endpoint functions: one per operation, reached through its resource, as in
//! `client.pre_recorded().get(id)`.
//!
//! Generated code relies on the target crate for `crate::Client` and its transport
//! (`crate::request::Request`, `Client::send`), `crate::Error`, `crate::UploadFile`,
//! `crate::Download`, and the pager `crate::paging::{Page, items}`; see ARCHITECTURE.md.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, doc_lines, field_ident, format_file, ident, is_validated, sanitize_doc};
use crate::error::Error;
use crate::ir::*;
use crate::typemap;

/// The text of the generated `operations.rs`.
pub fn operations_file(api: &Api) -> Result<String, Error> {
    operations_file_gated(api, None)
}

/// [`operations_file`], each resource's accessor, handle and functions behind the cargo feature
/// of its name, and each page's impl behind its type's (see `features`), when `gates` are given:
/// what `--crate` writes, so that a crate that uses a few resources of a large API compiles only
/// theirs.
pub fn operations_file_gated(api: &Api, gates: Option<&super::Gates>) -> Result<String, Error> {
    let gate = |resource: &Resource| {
        gates.map(|_| super::features::cfg(&[super::features::feature_name(&resource.name)]))
    };
    let accessors = api.resources.iter().map(|resource| {
        let gate = gate(resource);
        let accessor = accessor(resource);
        quote!(#gate #accessor)
    });
    let mut pages: Vec<&Paged> = Vec::new();
    for paged in api.operations.iter().filter_map(|op| op.paged.as_ref()) {
        if !pages.iter().any(|p| p.page == paged.page) {
            pages.push(paged);
        }
    }
    let pages = pages.into_iter().map(|paged| {
        let gate = gates.and_then(|g| g.of_type(&paged.page));
        let page = page_impl(paged);
        quote!(#gate #page)
    });
    let constructors = constructors(&api.service);
    // A document without operations builds no request: the import would be unused.
    let request = (!api.operations.is_empty()).then(|| {
        quote!(
            use crate::request::Request;
        )
    });
    let header = format_file(
        "operations.rs",
        quote! {
            //! Endpoint functions, generated from the spec: one per operation, reached through
            //! the resource it belongs to, as in `client.pre_recorded().get(id)`.
            #request
            use crate::{Client, Error};
            #constructors
            impl Client { #(#accessors)* }
        },
    )?;
    // Each resource formatted on its own, on every core (see `types_file_gated`).
    let resources = super::format_each(&api.resources, |resource| {
        let operations = api
            .operations
            .iter()
            .filter(|op| op.name.resource == resource.name);
        let tokens = resource_def(resource, operations, api, gate(resource));
        Ok(prettyplease::unparse(&super::parse_file(
            "operations.rs",
            tokens,
        )?))
    })?;
    let pages = prettyplease::unparse(&super::parse_file("operations.rs", quote!(#(#pages)*))?);
    Ok(header + &resources + &pages)
}

/// `Client::new`, `from_env` and `builder`, with the spec's server and key header: the runtime
/// knows neither.
fn constructors(service: &Service) -> TokenStream {
    let base_url = match &service.base_url {
        Some(url) => {
            let doc = format!(
                " Where requests go unless told otherwise: `{url}`, the spec's first server."
            );
            quote! {
                #[doc = #doc]
                pub const DEFAULT_BASE_URL: &str = #url;
            }
        }
        None => TokenStream::new(),
    };
    let service_url = match &service.base_url {
        Some(_) => quote!(Some(DEFAULT_BASE_URL)),
        None => quote!(None),
    };
    let key = match &service.key {
        Some(KeyHeader { name, prefix }) => quote!(Some((#name, #prefix))),
        None => quote!(None),
    };
    let new_doc = match &service.base_url {
        Some(url) => format!(" A client for `{url}` with the default settings."),
        None => " A client with the default settings; the spec names no server, so set one with [`crate::ClientBuilder::base_url`] (through [`Client::builder`]).".to_owned(),
    };
    quote! {
        #base_url
        const SERVICE: crate::client::Service = crate::client::Service {
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
            base_url: #service_url,
            key_header: #key,
        };
        impl Client {
            #[doc = #new_doc]
            pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
                Self::builder(api_key).build()
            }
            /// A client configured from the environment: `{CRATE}_KEY` holds the API key and,
            /// when set, `{CRATE}_URL` another server, `{CRATE}` being this crate's name in
            /// capitals with `_` for `-` (`GLADIA_API_KEY` for `gladia-api`).
            pub fn from_env() -> Result<Self, Error> {
                crate::ClientBuilder::from_env(SERVICE)?.build()
            }
            /// Starts configuring a client.
            pub fn builder(api_key: impl Into<String>) -> crate::ClientBuilder {
                crate::ClientBuilder::new(SERVICE, api_key.into())
            }
        }
    }
}

/// Whether the Rust type of `ty` prints its wire text with `Display`: scalars and enums (and
/// aliases of them) do; structs, unions and JSON values do not.
fn displays(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Scalar(_) => true,
        TypeRef::Named(name) => {
            api.types
                .iter()
                .find(|t| t.name == *name)
                .is_some_and(|t| match &t.kind {
                    TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => true,
                    TypeKind::Alias(target) => displays(api, target),
                    _ => false,
                })
        }
        _ => false,
    }
}

fn types_module() -> TokenStream {
    quote!(crate::types::)
}

fn resource_docs(resource: &Resource) -> Docs {
    let mut docs = resource.docs.clone();
    docs.description
        .get_or_insert_with(|| format!("The `{}` endpoints.", resource.name));
    docs
}

fn accessor(resource: &Resource) -> TokenStream {
    let method = ident(&resource.name);
    let handle = ident(&resource.handle);
    let docs = doc_attrs(&resource_docs(resource));
    quote! {
        #docs
        pub fn #method(&self) -> #handle<'_> {
            #handle { client: self }
        }
    }
}

fn resource_def<'a>(
    resource: &Resource,
    operations: impl Iterator<Item = &'a Operation>,
    api: &Api,
    gate: Option<TokenStream>,
) -> TokenStream {
    let handle = ident(&resource.handle);
    let docs = doc_attrs(&resource_docs(resource));
    let reached = format!(" Reached through [`Client::{}`].", resource.name);
    let functions = operations.map(|op| function(op, api));
    quote! {
        #docs
        #[doc = ""]
        #[doc = #reached]
        #[derive(Debug, Clone, Copy)]
        #gate
        pub struct #handle<'c> {
            // Seen by the crate: helpers written by hand beside the generated functions
            // (gladia-api's `wait`, the live session) reach the client through it.
            pub(crate) client: &'c Client,
        }
        #gate
        impl #handle<'_> { #(#functions)* }
    }
}

/// A parameter of an endpoint function, and how it reaches the request.
pub(super) struct Param {
    /// The parameter's name, to declare it and to pass it on.
    pub(super) arg: TokenStream,
    pub(super) ty: TokenStream,
    /// Statements run before the request is built: checks.
    check: Option<TokenStream>,
    /// A call chained onto `Request::new`.
    build: TokenStream,
}

impl Param {
    fn decl(&self) -> TokenStream {
        let (arg, ty) = (&self.arg, &self.ty);
        quote!(#arg: #ty)
    }
}

pub(super) fn params(op: &Operation, api: &Api) -> Vec<Param> {
    let mut params = path_params(op, api);
    params.extend(op.query.as_ref().map(|query| query_param(query, api)));
    params.extend(body_params(op.body.as_ref(), api));
    params
}

fn path_params(op: &Operation, api: &Api) -> Vec<Param> {
    let types = types_module();
    let mut params = Vec::new();
    // The transport fills the template's placeholders in order, so path parameters follow it.
    for wire in path_placeholders(&op.path) {
        let Some(field) = op.path_params.iter().find(|f| f.wire == wire) else {
            continue;
        };
        let ident = field_ident(&field.name);
        let (ty, value) = match &field.ty {
            TypeRef::Scalar(Scalar::String | Scalar::Uuid | Scalar::Uri) => {
                (quote!(&str), quote!(#ident))
            }
            // A list goes as its items joined by commas (OpenAPI's `simple` style).
            TypeRef::Array(item) => {
                let item = typemap::rust_type_in(item, &types);
                (
                    quote!(&[#item]),
                    quote!(&#ident.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
                )
            }
            // An object or a union (Oxide's NameOrId) goes as the text of its value.
            ty if !displays(api, ty) => {
                let ty = typemap::rust_type_in(ty, &types);
                (
                    quote!(&#ty),
                    quote!(&crate::wire::plain_text(#wire, #ident)?),
                )
            }
            ty => (
                typemap::rust_type_in(ty, &types),
                quote!(&#ident.to_string()),
            ),
        };
        params.push(Param {
            ty,
            arg: ident.clone(),
            check: None,
            build: quote!(.path_param(#wire, #value)?),
        });
    }
    params
}

/// The query type's argument: named, and sent, as convert decided.
fn query_param(query: &QueryArgument, api: &Api) -> Param {
    let types = types_module();
    let ty = ident(&query.ty);
    let arg = field_ident(&query.name);
    let build = query.sends.iter().map(|send| match send {
        QuerySend::Pairs => quote!(.query(#arg.to_query_pairs()?)),
        QuerySend::Objects => quote!(.object_query(#arg.to_object_query_pairs()?)),
        QuerySend::Headers => quote!(.headers(#arg.to_header_pairs()?)?),
        QuerySend::Cookies => quote!(.cookies(#arg.to_cookie_pairs()?)?),
    });
    Param {
        ty: quote!(&#types #ty),
        arg: arg.clone(),
        check: is_validated(api, &TypeRef::Named(query.ty.clone()))
            .then(|| quote!(#arg.validate()?;)),
        build: quote!(#(#build)*),
    }
}

fn body_params(body: Option<&Body>, api: &Api) -> Vec<Param> {
    let types = types_module();
    let body_arg = field_ident(BODY_ARGUMENT);
    let sent = |ty: &TypeRef, arg: &TokenStream, build: TokenStream| Param {
        ty: {
            let ty = typemap::rust_type_in(ty, &types);
            quote!(&#ty)
        },
        arg: arg.clone(),
        check: is_validated(api, ty).then(|| quote!(#arg.validate()?;)),
        build,
    };
    match body {
        Some(Body::Json(ty)) => vec![sent(ty, &body_arg, quote!(.json(#body_arg)?))],
        Some(Body::UrlEncoded(ty)) => vec![sent(ty, &body_arg, quote!(.url_encoded(#body_arg)?))],
        Some(Body::Multipart { part, param }) => {
            let ident = field_ident(param);
            vec![Param {
                ty: quote!(impl Into<crate::UploadFile>),
                arg: ident.clone(),
                check: None,
                build: quote!(.multipart(#part, #ident.into())),
            }]
        }
        Some(Body::Form { fields, files }) => {
            let form = field_ident(FORM_ARGUMENT);
            let mut params: Vec<Param> = fields
                .iter()
                .map(|ty| sent(ty, &form, quote!(.form(#form)?)))
                .collect();
            params.extend(files.iter().map(file_param));
            params
        }
        Some(Body::Text) => vec![Param {
            ty: quote!(&str),
            arg: body_arg.clone(),
            check: None,
            build: quote!(.text(#body_arg)),
        }],
        Some(Body::Binary(media)) => vec![Param {
            ty: quote!(impl Into<crate::UploadFile>),
            arg: body_arg.clone(),
            check: None,
            build: quote!(.binary(#media, #body_arg.into())),
        }],
        None => Vec::new(),
    }
}

fn file_param(file: &FilePart) -> Param {
    let ident = field_ident(&file.param);
    let part = &file.part;
    let (ty, build) = if file.list {
        (
            quote!(Vec<crate::UploadFile>),
            quote!(.form_files(#part, #ident)),
        )
    } else if file.required {
        (
            quote!(impl Into<crate::UploadFile>),
            quote!(.form_file(#part, Some(#ident.into()))),
        )
    } else {
        (
            quote!(Option<crate::UploadFile>),
            quote!(.form_file(#part, #ident)),
        )
    };
    Param {
        ty,
        arg: ident,
        check: None,
        build,
    }
}

fn function(op: &Operation, api: &Api) -> TokenStream {
    let name = ident(&op.name.method);
    let params = params(op, api);
    let decls: Vec<TokenStream> = params.iter().map(Param::decl).collect();
    let checks = params.iter().filter_map(|p| p.check.as_ref());
    let builds = params.iter().map(|p| &p.build);
    let http_method = format_ident!("{}", op.http_method.as_upper());
    let path = &op.path;
    let output = output(op);
    let (streaming, read) = match op.success().map(|r| &r.body) {
        Some(ResponseBody::Json(_)) => (
            None,
            quote!(self.client.transport().send(&request).await?.json().await),
        ),
        Some(ResponseBody::Empty) | None => (
            None,
            quote!(self.client.transport().send(&request).await?.empty().await),
        ),
        Some(ResponseBody::Binary) => (
            Some(quote!(.streaming())),
            quote!(Ok(self.client.transport().send(&request).await?.download())),
        ),
        Some(ResponseBody::Text) => (
            None,
            quote!(self.client.transport().send(&request).await?.text().await),
        ),
        Some(ResponseBody::Events(_)) => (
            Some(quote!(.streaming())),
            quote!(Ok(self
                .client
                .transport()
                .send(&request)
                .await?
                .download()
                .events())),
        ),
    };
    let build = quote! {
        #(#checks)*
        let request = Request::new(reqwest::Method::#http_method, #path) #(#builds)* #streaming;
    };
    let docs = function_docs(op);
    let deprecated = op.docs.deprecated.then(|| quote!(#[deprecated]));
    let Some(paged) = &op.paged else {
        return quote! {
            #docs
            #deprecated
            pub async fn #name(&self, #(#decls),*) -> Result<#output, Error> {
                #build
                #read
            }
        };
    };
    // A paged list builds its first request in one place, for itself and for the stream.
    let request_fn = ident(&paged.request);
    let args: Vec<&TokenStream> = params.iter().map(|p| &p.arg).collect();
    let all_pages = {
        let all = ident(&paged.all);
        let page = ident(&paged.page);
        let item = typemap::rust_type_in(&paged.item, &types_module());
        let doc = format!(
            " Every item of every page of [`Self::{}`], fetching the next page (its `next` link) \
             as the stream is read. An item that does not decode is an \
             [`Error::UnreadableItem`] in its place, and the stream goes on; an error of a \
             whole page ends it.",
            op.name.method
        );
        // `#[inline]`, so that this function is compiled in the crate that calls it, not here.
        // Compiled here, it instantiates the pager (`paging::items::<P>`) and, for its unwinding
        // path, the stream's drop glue, which reaches every future and item type of a page:
        // most of what a release build of the generated crate compiled. The caller instantiates
        // all of it anyway in release builds, where instantiations are not shared.
        quote! {
            #[doc = #doc]
            #deprecated
            #[inline]
            pub fn #all(&self, #(#decls),*) -> impl futures_core::Stream<Item = Result<#item, Error>> + Send + Unpin + 'static {
                let first = Self::#request_fn(#(#args),*);
                crate::paging::items::<crate::types::#page>(self.client.transport(), first)
            }
        }
    };
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#decls),*) -> Result<#output, Error> {
            let request = Self::#request_fn(#(#args),*)?;
            #read
        }
        #all_pages
        fn #request_fn(#(#decls),*) -> Result<Request, Error> {
            #build
            Ok(request)
        }
    }
}

/// What the endpoint function returns inside its `Result`.
pub(super) fn output(op: &Operation) -> TokenStream {
    match op.success().map(|r| &r.body) {
        Some(ResponseBody::Json(ty)) => typemap::rust_type_in(ty, &types_module()),
        Some(ResponseBody::Empty) | None => quote!(()),
        Some(ResponseBody::Binary) => quote!(crate::Download),
        Some(ResponseBody::Text) => quote!(String),
        Some(ResponseBody::Events(ty)) => {
            let ty = typemap::rust_type_in(ty, &types_module());
            quote!(crate::EventStream<#ty>)
        }
    }
}

fn function_docs(op: &Operation) -> TokenStream {
    let mut docs = op.docs.clone();
    let mut text = docs
        .description
        .take()
        .map(|d| sanitize_doc(d.trim()))
        .unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}`", op.http_method.as_upper(), op.path));
    let errors: Vec<String> = op
        .responses
        .iter()
        .filter(|r| r.status.is_error())
        .map(|r| {
            let body = match &r.body {
                ResponseBody::Json(TypeRef::Named(name)) => {
                    format!(" ([`{name}`](crate::types::{name}))")
                }
                _ => String::new(),
            };
            format!(
                "- `{}`: {}{body}",
                r.status,
                sanitize_doc(r.description.trim())
            )
        })
        .collect();
    text.push_str("\n\n# Errors\n\n");
    if !errors.is_empty() {
        text.push_str(
            "[`Error::Api`] for the answers the spec lists, whose typed body \
             [`ApiError::decode_body`](crate::ApiError::decode_body) reads:\n",
        );
        text.push_str(&errors.join("\n"));
        text.push_str("\n\n");
    }
    text.push_str(if errors.is_empty() {
        "An error status is an [`Error::Api`]"
    } else {
        "Any other error status is an [`Error::Api`] too"
    });
    text.push_str(
        "; a value out of the spec's bounds is an [`Error::InvalidRequest`], caught before \
         sending.",
    );
    doc_lines(&text)
}

fn page_impl(paged: &Paged) -> TokenStream {
    let page = ident(&paged.page);
    let item = typemap::rust_type_in(&paged.item, &types_module());
    quote! {
        impl crate::paging::Page for crate::types::#page {
            type Item = #item;
            fn into_parts(self) -> (Vec<Result<Self::Item, crate::UnreadableItem>>, Option<String>) {
                (self.items, self.next)
            }
        }
    }
}
