//! The one table of lenient reading rules: what published documents write loosely, how each is
//! read, where the code is, and the construct spec under `tests/specs/constructs/` that hits
//! it. Every warning names its rule (`warning[items-tuple]: …`), so a user can find it here,
//! deny it (`cargo xtask codegen --deny items-tuple`) or deny them all (`--strict`).
//!
//! The table's order is the order of the pipeline: the text (`source`), `bundle`, then `normalize` (document, then
//! schemas: 3.1 spellings first, lenient rewrites next, checks last), then `convert`. A test
//! checks that ARCHITECTURE.md's table is [`markdown`] of this one, and another that each
//! rule's spec gives its warning.

/// A lenient reading: a loose construct, and what it becomes.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Printed in warnings, given to `--deny`.
    pub name: &'static str,
    /// What documents write, and how it is read.
    pub reads: &'static str,
    /// The module (and function) that applies it.
    pub place: &'static str,
    /// The construct spec (`tests/specs/constructs/{spec}.yaml`) whose warnings include it.
    pub spec: &'static str,
}

macro_rules! rules {
    ($($id:ident = $name:literal, $reads:literal, $place:literal, $spec:literal;)*) => {
        $(pub const $id: &Rule = &Rule { name: $name, reads: $reads, place: $place, spec: $spec };)*
        /// Every rule, in the pipeline's order.
        pub const ALL: &[&Rule] = &[$($id),*];
    };
}

rules! {
    FLOW_COLON = "flow-colon",
        "a colon inside a flow collection followed by its value without a space (Gravitino's `{\"name\": \"t\", indexes:[ ]}`), which js-yaml reads and libyaml refuses: `key: value`",
        "`source.rs` (`read_leniently`)", "flow_colon";
    URL_REF = "url-ref",
        "a `$ref` to a URL: never fetched; read from the folder of local copies `--refs DIR` gives (`DIR/host/path`, else `DIR/file-name`), else a schema is any JSON value and any other part is left out",
        "`bundle/mod.rs` (`Bundler::unfetched`)", "url_refs";
    OPENAPI_32_OPERATION = "openapi-32-operation",
        "OpenAPI 3.2's `query` method and `additionalOperations`: left out",
        "`normalize/mod.rs` (`path_item`)", "openapi_32";
    QUERYSTRING = "querystring",
        "OpenAPI 3.2's `in: querystring`: the fields of its object, as an exploded `form` query",
        "`normalize/mod.rs` (`whole_query`)", "openapi_32";
    TAG_DESCRIPTION = "tag-description",
        "a tag whose `description` is not text: the description left out",
        "`normalize/mod.rs` (`normalize`)", "loose_keywords";
    SWAGGER2_PARAMETER = "swagger2-parameter",
        "Swagger 2's `in: formData` / `in: body` parameters (AnythingLLM): the operation's request body (a form, multipart when a field is a file, or the JSON schema), when it has none",
        "`normalize/mod.rs` (`body_parameters`)", "swagger2_leftovers";
    BARE_PARAMETER = "bare-parameter",
        "a parameter or header without `schema` or `content` (Orthanc): its Swagger 2 keywords, else a string",
        "`normalize/mod.rs` (`schema_of_a_bare_parameter`)", "loose_parameters_and_refs";
    MEDIA_TYPE_BESIDE_CONTENT = "media-type-beside-content",
        "`content:` with its media types one level too high (YAML reads `content: null` and the media types beside it): the media types are the content",
        "`normalize/mod.rs` (`media_types_beside_content`)", "media_type_beside_content";
    UNREADABLE_PART = "unreadable-part",
        "a path item, operation, parameter, header, response, request body or security scheme no rule reads (not a map, a keyword of the wrong shape, an operation that is a `$ref`, an OAuth2 flow without `tokenUrl`): left out; a `$ref` to it then reads as a missing component",
        "`normalize/mod.rs` (`readable`)", "unreadable_parts";
    SCHEMA_AS_LIST = "schema-as-list",
        "a list where a schema belongs (`Name: [{$ref: …}]`, `[]` as an `allOf` part): an empty list says nothing and is dropped; any other is any JSON value",
        "`normalize/schema.rs` (`schema`)", "schema_as_list";
    UNREADABLE_SCHEMA = "unreadable-schema",
        "a schema no rule reads (a keyword of the wrong shape, the `false` schema, a scalar `allOf` part beside an object one, a `$ref` to a missing place inside a component or in a loop): any JSON value",
        "`normalize/schema.rs` (`schema`), `convert/schema.rs` (`type_ref`)", "unreadable_schemas";
    TYPE_NAME_AS_SCHEMA = "type-name-as-schema",
        "a type's name where a schema belongs (FIWARE's `oneOf: [string, number]`): `{type: name}`",
        "`normalize/schema.rs` (`schema`)", "swagger2_leftovers";
    RECURSIVE_REF = "recursive-ref",
        "`$recursiveRef`/`$dynamicRef` outside a component schema: any JSON value (inside one: a `$ref` to it, unwarned)",
        "`normalize/schema.rs` (`recursive_reference`)", "openapi_31_types";
    LOOSE_TYPE = "loose-type",
        "a `type` with a stray character or in another language's words (ShipEngine's `string,`, `int`, Swagger 2's `file`, a format's name such as `date`): the type it means",
        "`normalize/schema.rs` (`read_as_type`)", "loose_keywords";
    MIXED_ENUM = "mixed-enum",
        "an `enum` without `type` whose values have several types: any JSON value",
        "`normalize/schema.rs` (`untyped_enum`)", "openapi_31_types";
    NOT = "not",
        "`not`, which excludes values a Rust type cannot tell apart: ignored",
        "`normalize/schema.rs` (`schema`)", "composition_beside_keywords";
    ANY_OF_BESIDE_ONE_OF = "anyof-beside-oneof",
        "`anyOf` beside `oneOf` (ElevenLabs): the `oneOf` decides",
        "`normalize/schema.rs` (`schema`)", "published_leftovers";
    CONSTRAINT_UNION = "constraint-union",
        "union members that only narrow the schema beside them (`required`, an enum of a property it has): ignored",
        "`normalize/schema.rs` (`drop_constraint_unions`)", "composition_beside_keywords";
    BOUND_IN_ALL_OF = "bound-in-allof",
        "an `allOf` part that only bounds a `$ref` (FIWARE's `{minItems: 2}`): the bound is not checked",
        "`normalize/schema.rs` (`lift_annotation_parts`)", "swagger2_leftovers";
    BESIDE_COMPOSITION = "beside-composition",
        "`format`, `enum`, bounds beside a composition: ignored, the members decide",
        "`normalize/schema.rs` (`drop_type_beside_composition`)", "composition_beside_keywords";
    FOREIGN_KEYWORD = "foreign-keyword",
        "a keyword that cannot apply to the schema's type (`minimum` on a string): ignored",
        "`normalize/schema.rs` (`ignore_foreign_keywords`)", "type_beside_composition";
    INTEGER_BEYOND_I64 = "integer-beyond-i64",
        "an integer bound beyond 64 bits (JavaScript's `-9223372036854776000`): the nearest `i64`",
        "`normalize/schema.rs` (`schema`)", "integer_beyond_i64";
    REQUIRED_ONE_NAME = "required-one-name",
        "`required: name`, one name where a list belongs (Kobo): a list of one",
        "`normalize/schema.rs` (`schema`)", "union_of_its_extensions";
    REQUIRED_FLAG = "required-flag",
        "`required: true` on a schema (Alchemy), a parameter's keyword: ignored",
        "`normalize/schema.rs` (`schema`)", "swagger2_leftovers";
    MALFORMED_DISCRIMINATOR = "malformed-discriminator",
        "a discriminator without a `propertyName`, or with a mapping that is not of strings (Revolut): ignored, the union is untagged",
        "`normalize/schema.rs` (`discriminator`)", "malformed_discriminator";
    PREFIX_ITEMS = "prefix-items",
        "a tuple (`prefixItems`): a list of JSON values",
        "`normalize/schema.rs` (`schema`)", "openapi_31_types";
    ITEMS_TUPLE = "items-tuple",
        "`items` as a list of schemas, the tuple form of older JSON Schema: a list of JSON values (`items: []`: a list of anything)",
        "`normalize/schema.rs` (`schema`)", "items_tuple";
    NUMBERS_IN_STRING_ENUM = "numbers-in-string-enum",
        "numbers in a string enum (Google Maps, Plaid): their text",
        "`normalize/schema.rs` (`enum_keyword`)", "openapi_31_types";
    ENUM_ON_LIST = "enum-on-list",
        "an `enum` of single values on a list (Vimeo): the values of its items",
        "`normalize/schema.rs` (`values_of_items`)", "loose_keywords";
    NUMBERS_AS_TEXT = "numbers-as-text",
        "integer or number enums of quoted numbers (GetStream): the numbers they spell; an enum that spells none is dropped, the type holds",
        "`normalize/schema.rs` (`numbers_written_as_text`)", "loose_keywords";
    SCALAR_ENUM_ON_OBJECT = "scalar-enum-on-object",
        "`type: object` with an enum of scalars (Transitland): the scalars' type",
        "`normalize/schema.rs` (`scalar_values_of_an_object`)", "swagger2_leftovers";
    UNNAMED_TAG = "unnamed-tag",
        "a tag that gives no Rust name (Bungie's `\"\"`): the next tag, or the path, names the resource",
        "`convert/operations.rs`, `naming::resource_tag`", "swagger2_leftovers";
    UNTYPED_PATH_PARAMETER = "untyped-path-parameter",
        "a path parameter of any JSON value (Grocy's missing schema): a string",
        "`convert/operations.rs`", "swagger2_leftovers";
    NO_SUCCESS_RESPONSE = "no-success-response",
        "an operation that lists no 2xx or `default` answer (3.1 lets `responses` out): `()` for any 2xx",
        "`convert/operations.rs`", "operation_names_in_the_field";
    UNNAMABLE_NAME = "unnamable-name",
        "a property or parameter named `\"\"` or with no ASCII letter or digit (SendGrid): `field`, `field_2`…, the wire name in its doc",
        "`convert/schema.rs` (`fields`), `convert/operations.rs` (`parameter`)", "unnamable_fields";
    UNDECLARED_PLACEHOLDER = "undeclared-placeholder",
        "a path placeholder no parameter declares: a `&str` argument",
        "`convert/operations.rs` (`check_placeholders`)", "published_leftovers";
    UNUSED_PATH_PARAMETER = "unused-path-parameter",
        "a path parameter the path has no placeholder for (Sonarr's `path` on `/`): dropped",
        "`convert/operations.rs` (`check_placeholders`)", "unused_path_parameter";
    SECURITY_NOT_SENT = "security-not-sent",
        "a security scheme other than an API key in a header or an HTTP bearer token: the client sends none, `ClientBuilder::header` sets it",
        "`convert/mod.rs` (`service`)", "loose_parameters_and_refs";
    MISSING_COMPONENT = "missing-component",
        "a `$ref` to a component the document does not have (Keycloak's `oas_any_type_not_mapped`): a schema is any JSON value, a parameter is left out, a response's body is not read, a request body is any JSON value",
        "`resolve::unless_missing`, `convert/mod.rs`", "missing_schema_ref";
    ALL_OF_OF_ITSELF = "allof-of-itself",
        "an inline schema met again inside itself through an `allOf`: any JSON value",
        "`convert/schema.rs` (`type_ref`)", "allof_includes_ancestor";
    FRACTIONAL_ENUM = "fractional-enum",
        "a number enum with fractions: a plain number",
        "`convert/schema.rs`", "loose_keywords";
    SCALAR_ALL_OF = "scalar-allof",
        "an `allOf` of scalar parts: the first part",
        "`convert/schema.rs` (`all_of`)", "allof_parts_not_objects";
    OBJECT_AND_SCALAR_ALL_OF = "object-and-scalar-allof",
        "an `allOf` of an object part and a scalar one, as a union of scalars distributed over an object part makes (`allOf: [Base, {oneOf: [$ref: Colour, $ref: Size]}]`): no value is both; the scalar, as a scalar member beside `properties` is",
        "`convert/schema.rs` (`all_of`)", "allof_union_of_scalars";
    REPEATED_ENUM_VALUE = "repeated-enum-value",
        "an enum value listed twice: one variant",
        "`convert/schema.rs`", "openapi_31";
    RENAMED_ENUM_VALUE = "renamed-enum-value",
        "enum values that make one Rust name (`+1`, `-1`): the later one numbered",
        "`convert/schema.rs`", "name_collisions";
    REQUIRED_WITHOUT_PROPERTY = "required-without-property",
        "a `required` entry without its property: ignored",
        "`convert/schema.rs` (`fields`)", "openapi_31";
    ALL_OF_PROPERTY_TWICE = "allof-property-twice",
        "a property two `allOf` parts type differently: the later part's",
        "`convert/schema.rs` (`collect_all_of`)", "composition_beside_keywords";
    UNION_OF_EXTENSIONS = "union-of-extensions",
        "a base that is the discriminated union of the schemas that extend it, each listing it as an `allOf` part (Palo Alto): the part ignored",
        "`convert/schema.rs` (`collect_all_of`)", "union_of_its_extensions";
    UNTAGGED_INLINE_MEMBERS = "untagged-inline-members",
        "a discriminated union with an inline member that has no one tag value: untagged",
        "`convert/schema.rs` (`tag_value`)", "discriminated_inline_members";
    BODY_WITHOUT_CONTENT = "body-without-content",
        "`requestBody: {content: {}}` (PrusaLink): no body",
        "`convert/bodies.rs`", "loose_parameters_and_refs";
    FORM_NOT_OBJECT = "form-not-object",
        "a url-encoded or multipart form whose schema is not an object, beside other media types (Flagsmith): left out",
        "`convert/bodies.rs`", "forms_beside_json";
    MULTIPART_ONE_FILE = "multipart-one-file",
        "a multipart form that is one binary string (listmonk): one file sent as the part `file`",
        "`convert/bodies.rs`", "forms_beside_json";
    LENIENT_EXTENSION = "lenient-extension",
        "`x-rust-lenient` other than `true`/`false`, or on a property whose type is not a named schema: ignored, the property decoded as usual",
        "`convert/schema.rs` (`lenient`)", "lenient_property";
}

/// The rule named `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.name == name)
}

/// The table as ARCHITECTURE.md has it.
pub fn markdown() -> String {
    let mut table = String::from(
        "| rule | what documents write, and how it reads | where | spec |\n|---|---|---|---|\n",
    );
    for rule in ALL {
        table.push_str(&format!(
            "| `{}` | {} | {} | `{}` |\n",
            rule.name, rule.reads, rule.place, rule.spec
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_kebab_case() {
        let mut names: Vec<&str> = ALL.iter().map(|r| r.name).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len(), "two rules share a name");
    }

    #[test]
    fn architecture_has_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ARCHITECTURE.md");
        let text = std::fs::read_to_string(path).expect("ARCHITECTURE.md");
        let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
        let from = text
            .find(start)
            .expect("ARCHITECTURE.md marks the rules table")
            + start.len();
        let to = text[from..].find(end).expect("and its end") + from;
        let wanted = markdown();
        if text[from..to] != wanted {
            // As rust-analyzer's generated docs: the file is brought up to date, and the test
            // fails so that the change is seen and committed.
            let updated = format!("{}{wanted}{}", &text[..from], &text[to..]);
            std::fs::write(path, updated).expect("ARCHITECTURE.md is writable");
            panic!("ARCHITECTURE.md's rules table was stale; it is updated now, commit it");
        }
    }
}
