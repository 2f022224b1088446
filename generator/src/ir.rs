//! The middle layer: what the spec means, with no OpenAPI and no Rust syntax in it.
//!
//! Everything here is already resolved and named: `$ref`s point at type names, `allOf`s are merged,
//! and the order of every list is the order of the spec.

use serde_json::Value;

use crate::naming::OperationName;

/// An API: its types, and its operations grouped into resources.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub types: Vec<TypeDef>,
    pub resources: Vec<Resource>,
    pub operations: Vec<Operation>,
    pub service: Service,
}

/// Where the API lives and how it takes its key: what the generated client's constructors need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    /// The first server's URL, its variables at their defaults; `None` when the spec names none.
    pub base_url: Option<String>,
    /// How requests carry the key; `None` when the spec declares no scheme the client supports.
    pub key: Option<KeyHeader>,
}

/// A header that carries the API key: `name: {prefix}{key}`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyHeader {
    pub name: String,
    /// `Bearer ` for HTTP bearer authentication, empty for an API key header.
    pub prefix: String,
}

/// A group of operations (an OpenAPI tag), reached as `client.{name}()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    /// The handle type its accessor returns (`PreRecorded` for `pre_recorded`).
    pub handle: String,
    pub docs: Docs,
}

/// A named type to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema it comes from, for errors found after conversion.
    pub pointer: String,
    pub docs: Docs,
    pub kind: TypeKind,
    /// Sent in requests and bound by the spec (minimum, maximum, item counts), itself or
    /// through its fields: it gets a `validate` method that requests call before sending.
    pub validated: bool,
    /// Reachable from a request body or parameters: users build it, so it gets `new(required…)`;
    /// types that are only received do not.
    pub sent: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Vec<Field>),
    StringEnum(Vec<EnumValue<String>>),
    IntegerEnum(Vec<EnumValue<i64>>),
    /// `oneOf` without a discriminator: the first variant that fits wins.
    Untagged(Vec<Variant>),
    /// `oneOf` with a discriminator: `tag` names the property whose value picks the variant.
    Tagged {
        tag: String,
        variants: Vec<Variant>,
    },
    /// A named schema that is just another type.
    Alias(TypeRef),
    /// The query parameters of one operation.
    Query(Vec<QueryParam>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue<T> {
    pub wire: T,
    pub variant: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    /// The discriminator value, for tagged unions.
    pub wire: Option<String>,
    pub ty: TypeRef,
    /// Set by the cycle pass: the variant holds its own union by value and needs a `Box`.
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name, possibly a keyword (`type`): emit makes it a raw identifier.
    pub name: String,
    pub wire: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Set by the cycle pass: the field refers back to its own type and needs a `Box`.
    pub boxed: bool,
    /// The map of the properties the spec does not list (`additionalProperties` beside
    /// `properties`), flattened into the object on the wire.
    pub flatten: bool,
    /// Decoded on its own (the spec's `x-rust-lenient`): a value that does not fit its type is
    /// kept as received, a `Result<T, UnreadableItem>`, instead of failing the object (a job's
    /// add-on result of another shape).
    pub lenient: bool,
    /// Set by the page pass: the list of a page type ([`PAGE_ITEMS`]), whose items decode one by
    /// one, so that one item the client cannot read (a job of an older shape) stays in its
    /// place as an error and never hides the others.
    pub page_items: bool,
    /// Set by the tag pass: the only value the field can hold, the tag of a tagged union's
    /// variant (a message's `type`). It is no Rust field: the encoder writes it, the decoder
    /// checks it.
    pub constant: Option<String>,
    pub docs: Docs,
}

impl Field {
    /// `Option<T>` in Rust: the server may leave it out or send `null`.
    pub fn is_optional(&self) -> bool {
        !self.flatten && (!self.required || self.nullable)
    }

    /// The map of the keys an object's schema does not list (`additional_properties`, untyped).
    pub fn keeps_other_keys(&self) -> bool {
        self.flatten && matches!(&self.ty, TypeRef::Map(value) if **value == TypeRef::Json)
    }

    /// Whether a new value can start without it: optional, or a flattened map that starts empty.
    pub fn has_default(&self) -> bool {
        self.flatten || self.is_optional()
    }
}

/// Whether every field of a type can start empty: it then derives `Default`.
pub fn all_have_defaults(fields: &[Field]) -> bool {
    fields
        .iter()
        .all(|f| f.has_default() || f.constant.is_some())
}

/// Whether a type gets `new(required…)`: users build it (`sent`: a request type, a query), and
/// some field has no default. The diff reads this rule too: `new` is API.
pub fn has_constructor(fields: &[Field], sent: bool) -> bool {
    sent && !all_have_defaults(fields)
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueryParam {
    pub field: Field,
    /// Where the value goes: the query string, a header, or the `Cookie` header.
    pub location: ParamIn,
    /// Sent as one JSON document (`content: application/json`) rather than as plain text.
    pub json: bool,
    /// The longest encoded value the server takes, in characters (`x-max-length`).
    pub max_length: Option<usize>,
    /// A query parameter whose value is an object, a union, a map or a list of them: how its
    /// keys are spelled (`None` for plain text and JSON).
    pub object: Option<ObjectStyle>,
    /// Its value prints as text with `Display` (a scalar, an enum, or a list of them).
    pub plain: bool,
}

/// How an object in the query string is spelled (OpenAPI's `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `style: deepObject`: `name[key]=value`.
    Deep,
    /// `style: form`, `explode: true` (the default): the object's keys are the parameters.
    Explode,
    /// `style: form`, `explode: false`: `name=key,value,key,value`.
    Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    Query,
    Header,
    Cookie,
}

/// A reference to a type, as a field or item sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    Named(String),
    Scalar(Scalar),
    Array(Box<TypeRef>),
    /// A JSON object whose values all have this type.
    Map(Box<TypeRef>),
    /// A JSON object with any values.
    JsonObject,
    /// Any JSON value.
    Json,
    /// A list item or map value that may be `null` (`items: {type: [string, 'null']}`).
    Nullable(Box<TypeRef>),
}

/// Leaf types; `typemap` decides what each is in Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    String,
    Boolean,
    Integer,
    Integer32,
    Number,
    Float,
    Uuid,
    Uri,
    Date,
    DateTime,
    Binary,
}

/// What the spec says about a type or field, for its doc comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub description: Option<String>,
    /// A type whose docs say what the item holds, for items the spec leaves undescribed.
    pub see: Option<String>,
    pub default: Option<Value>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub format: Option<String>,
    pub deprecated: bool,
}

/// A numeric bound; `exclusive` when the value itself is out of range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
}

/// The HTTP methods an OpenAPI path item can hold, in the order openapiv3 lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub fn from_spec(method: &str) -> Option<Self> {
        Some(match method {
            "get" => Self::Get,
            "put" => Self::Put,
            "post" => Self::Post,
            "delete" => Self::Delete,
            "options" => Self::Options,
            "head" => Self::Head,
            "patch" => Self::Patch,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    /// As the spec spells it: `get`.
    pub fn as_lower(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Put => "put",
            Self::Post => "post",
            Self::Delete => "delete",
            Self::Options => "options",
            Self::Head => "head",
            Self::Patch => "patch",
            Self::Trace => "trace",
        }
    }

    /// As HTTP and `reqwest::Method` spell it: `GET`.
    pub fn as_upper(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Resource and function name, from `naming::operation_name`.
    pub name: OperationName,
    pub http_method: HttpMethod,
    pub path: String,
    pub docs: Docs,
    pub path_params: Vec<Field>,
    /// The query, header and cookie parameters, if the operation takes any: one argument.
    pub query: Option<QueryArgument>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// Set when the success answer is one page of a list that links to the next.
    pub paged: Option<Paged>,
}

/// The `{placeholders}` of a path template, in order: whole segments (`{id}`) and inside one
/// (`{Sid}.json`), the way the runtime's `Request::segments` fills them.
pub fn path_placeholders(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some((_, after)) = rest.split_once('{') {
        let Some((name, tail)) = after.split_once('}') else {
            break;
        };
        out.push(name);
        rest = tail;
    }
    out
}

impl Operation {
    /// The answer the endpoint function returns: the first 2xx status, else a `2XX` range,
    /// else `default`.
    pub fn success(&self) -> Option<&Response> {
        success(&self.responses)
    }
}

/// See [`Operation::success`].
pub fn success(responses: &[Response]) -> Option<&Response> {
    let find = |wanted: fn(&Status) -> bool| responses.iter().find(|r| wanted(&r.status));
    find(|s| matches!(s, Status::Code(200..=299)))
        .or_else(|| find(|s| *s == Status::Range(2)))
        .or_else(|| find(|s| *s == Status::Default))
}

/// A response's status as the spec keys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u16),
    Default,
}

impl Status {
    /// Whether the status is an error one (4xx or 5xx).
    pub fn is_error(self) -> bool {
        match self {
            Status::Code(code) => code >= 400,
            Status::Range(hundreds) => hundreds >= 4,
            Status::Default => false,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(hundreds) => write!(f, "{hundreds}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// The endpoint function's argument of a JSON, url-encoded, text or binary request body.
pub const BODY_ARGUMENT: &str = "body";
/// The endpoint function's argument of a multipart form's text parts.
pub const FORM_ARGUMENT: &str = "form";

/// The wire name of a page type's list (see [`Paged`]).
pub const PAGE_ITEMS: &str = "items";

/// A page type: a struct with an `items` list and a nullable `next` link.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged {
    pub page: String,
    pub item: TypeRef,
    /// The function that streams every item of every page (`naming::all_pages_method`).
    pub all: String,
    /// The function that builds the first page's request, which both call
    /// (`naming::request_method`).
    pub request: String,
}

/// An operation's query, header and cookie parameters as its function takes them: one value
/// of a generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryArgument {
    /// The generated type (a `TypeKind::Query`).
    pub ty: String,
    /// The argument: `query`, or `params` once headers or cookies join.
    pub name: String,
    /// What the request is given of it, in this order.
    pub sends: Vec<QuerySend>,
}

/// One way a query type's fields go out, each a method of the type that the request calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuerySend {
    /// Plain fields as `name=value` pairs (`to_query_pairs`).
    Pairs,
    /// Object fields in their `style` (`to_object_query_pairs`).
    Objects,
    /// `to_header_pairs`.
    Headers,
    /// `to_cookie_pairs`.
    Cookies,
}

/// A request body. A spec body that takes several media types becomes one operation per form.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(TypeRef),
    /// `multipart/form-data` with one file: `part` is its wire name, `param` the Rust name.
    Multipart {
        part: String,
        param: String,
    },
    /// `multipart/form-data` with several parts: the text parts as one struct (sent one part
    /// per field), and each file part as its own argument.
    Form {
        fields: Option<TypeRef>,
        files: Vec<FilePart>,
    },
    /// `application/x-www-form-urlencoded`: a struct sent as `key=value` pairs.
    UrlEncoded(TypeRef),
    /// `text/plain`.
    Text,
    /// Any other media type (`application/octet-stream`, `image/png`, `*/*`): a file sent as the
    /// whole body; the spec's media type, which the file's own may replace.
    Binary(String),
}

/// A file part of a multipart form.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePart {
    pub part: String,
    pub param: String,
    pub required: bool,
    /// A list of files sent as parts of one name.
    pub list: bool,
}

impl Body {
    /// The struct or type the body sends, which a `validate` call may check.
    pub fn sent_type(&self) -> Option<&TypeRef> {
        match self {
            Body::Json(ty) | Body::UrlEncoded(ty) => Some(ty),
            Body::Form { fields, .. } => fields.as_ref(),
            Body::Multipart { .. } | Body::Text | Body::Binary(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: Status,
    pub description: String,
    pub body: ResponseBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    Empty,
    Json(TypeRef),
    Binary,
    /// `text/event-stream`: server-sent events, each event's data of this type.
    Events(TypeRef),
    /// `text/plain`: the answer as a `String`.
    Text,
}
