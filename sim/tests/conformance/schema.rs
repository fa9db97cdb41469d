//! A small validator of JSON answers against PortOne's published schemas: OpenAPI 3.0
//! (V2) and Swagger 2.0 (V1). It checks, field by field, `type`, `format: date-time`,
//! `enum`, `required`, `nullable`, `allOf`, `oneOf` with its `discriminator`, array
//! items — and refuses any property the schema does not declare, so a renamed or
//! invented field fails as surely as a missing one.

use serde_json::{Map, Value};

pub struct Doc {
    pub root: Value,
    /// Swagger 2.0 cannot say `nullable`; PortOne V1 answers `null` for any optional
    /// field that has no value, so V1 accepts null where a field is not required.
    pub optional_null_ok: bool,
}

impl Doc {
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = r.trim_start_matches('#');
            schema = self
                .root
                .pointer(pointer)
                .unwrap_or_else(|| panic!("unresolved $ref {r}"));
        }
        schema
    }

    /// The schema of `method path`'s answer with this status: `Ok(None)` when the
    /// document lists the status without a body schema, `Err` when it does not list it.
    pub fn response_schema(
        &self,
        method: &str,
        path: &str,
        status: u16,
    ) -> Result<Option<&Value>, String> {
        let op = self.root["paths"][path]
            .get(method)
            .ok_or(format!("{method} {path} is not in the document"))?;
        let response = op["responses"]
            .get(status.to_string())
            .ok_or(format!("{method} {path} documents no {status} answer"))?;
        let response = self.resolve(response);
        Ok(response
            .pointer("/content/application~1json/schema")
            .or_else(|| response.get("schema")))
    }

    /// Validates `value`; every mismatch is pushed to `errors` with its JSON path.
    pub fn validate(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                errors.push(format!("{at}: null where the schema allows none"));
            }
            return;
        }
        if let Some(choices) = schema.get("oneOf").and_then(Value::as_array) {
            self.one_of(schema, choices, value, at, errors);
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                errors.push(format!(
                    "{at}: {value} is not one of the schema's enum values"
                ));
            }
        }
        let (properties, required, open) = self.object_parts(schema);
        let kind = schema
            .get("type")
            .and_then(Value::as_str)
            .or(if properties.is_empty() {
                None
            } else {
                Some("object")
            });
        match kind {
            Some("string") => match value.as_str() {
                None => errors.push(format!("{at}: {value} is not a string")),
                Some(s)
                    if schema.get("format") == Some(&Value::from("date-time"))
                        && !is_date_time(s) =>
                {
                    errors.push(format!("{at}: {s:?} is not an RFC 3339 date-time"))
                }
                Some(_) => {}
            },
            Some("integer") if !(value.is_i64() || value.is_u64()) => {
                errors.push(format!("{at}: {value} is not an integer"))
            }
            Some("number") if !value.is_number() => {
                errors.push(format!("{at}: {value} is not a number"))
            }
            Some("boolean") if !value.is_boolean() => {
                errors.push(format!("{at}: {value} is not a boolean"))
            }
            Some("array") => match value.as_array() {
                None => errors.push(format!("{at}: {value} is not an array")),
                Some(items) => {
                    if let Some(item_schema) = schema.get("items") {
                        for (i, item) in items.iter().enumerate() {
                            self.validate(item_schema, item, &format!("{at}[{i}]"), errors);
                        }
                    }
                }
            },
            Some("object") => match value.as_object() {
                None => errors.push(format!("{at}: {value} is not an object")),
                Some(map) => self.object(&properties, &required, open, map, at, errors),
            },
            _ => {}
        }
    }

    fn one_of(
        &self,
        schema: &Value,
        choices: &[Value],
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        if let Some(discriminator) = schema.get("discriminator") {
            let name = discriminator["propertyName"]
                .as_str()
                .expect("propertyName");
            let Some(tag) = value.get(name).and_then(Value::as_str) else {
                errors.push(format!("{at}: no discriminator {name:?}"));
                return;
            };
            match discriminator["mapping"].get(tag) {
                Some(target) => {
                    let target = serde_json::json!({"$ref": target});
                    self.validate(&target, value, &format!("{at}<{tag}>"), errors);
                }
                None => errors.push(format!("{at}: {name} {tag:?} is not one the schema allows")),
            }
            return;
        }
        let passing = choices
            .iter()
            .filter(|choice| {
                let mut sub = Vec::new();
                self.validate(choice, value, at, &mut sub);
                sub.is_empty()
            })
            .count();
        if passing != 1 {
            errors.push(format!(
                "{at}: matches {passing} of the schema's oneOf choices, not one"
            ));
        }
    }

    /// Properties, required names and whether other properties are allowed, merging
    /// `allOf` (V1's envelopes are `allOf` of an annotation and the response).
    fn object_parts<'a>(&'a self, schema: &'a Value) -> (Map<String, Value>, Vec<String>, bool) {
        let schema = self.resolve(schema);
        let mut properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let mut open =
            matches!(schema.get("additionalProperties"), Some(v) if v != &Value::Bool(false));
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (p, r, o) = self.object_parts(part);
            properties.extend(p);
            required.extend(r);
            open |= o;
        }
        (properties, required, open)
    }

    fn object(
        &self,
        properties: &Map<String, Value>,
        required: &[String],
        open: bool,
        map: &Map<String, Value>,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        for name in required {
            if !map.contains_key(name) {
                errors.push(format!("{at}: required field {name:?} is missing"));
            }
        }
        for (name, v) in map {
            let here = format!("{at}.{name}");
            match properties.get(name) {
                None if open => {}
                None => errors.push(format!("{here}: not a field of the schema")),
                Some(_) if v.is_null() && self.optional_null_ok && !required.contains(name) => {}
                Some(schema) => self.validate(schema, v, &here, errors),
            }
        }
    }
}

/// RFC 3339 `date-time`: `2026-11-29T04:40:36.123Z` or with a `+09:00` offset.
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let head = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !head {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    rest == "Z"
        || (rest.len() == 6
            && matches!(&rest[..1], "+" | "-")
            && rest.as_bytes()[3] == b':'
            && rest[1..3]
                .bytes()
                .chain(rest[4..].bytes())
                .all(|c| c.is_ascii_digit()))
}
