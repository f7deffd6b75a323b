//! Go values with methods that library functions return (`*semver.Version`,
//! `time.Time`): the runtime calls [`call`] for `.Name args` on them.

use minijinja::{Error, Value};

use super::dates::GoTime;
use super::semver::SemVer;

/// Whether `.Name` on the value is a Go method call handled here.
pub fn has_methods(v: &Value) -> bool {
    v.downcast_object_ref::<SemVer>().is_some() || v.downcast_object_ref::<GoTime>().is_some()
}

/// Calls the Go method `name` of a value with methods (`None`: not one).
pub fn call(v: &Value, name: &str, args: &[Value]) -> Option<Result<Value, Error>> {
    if let Some(s) = v.downcast_object_ref::<SemVer>() {
        return Some(s.method(name, args));
    }
    if let Some(t) = v.downcast_object_ref::<GoTime>() {
        return Some(t.method(name, args));
    }
    None
}

/// The string Go's encoders (`encoding/json`, hence toJson/toYaml) write for
/// a value with methods: `*semver.Version` marshals as its `String()`,
/// `time.Time` as RFC 3339 with nanoseconds. `None`: not such a value.
pub fn marshal_text(v: &Value) -> Option<String> {
    if v.downcast_object_ref::<SemVer>().is_some() {
        return Some(v.to_string());
    }
    if let Some(t) = v.downcast_object_ref::<GoTime>() {
        return Some(t.format("2006-01-02T15:04:05.999999999Z07:00"));
    }
    None
}

#[cfg(test)]
mod tests {
    /// Every Sprig v3.3.0 function Helm keeps (crypto aside) is registered.
    #[test]
    fn sprig_function_names_are_registered() {
        let mut env = minijinja::Environment::new();
        crate::render::funcs::register(&mut env);
        let names = "hello ago date date_in_zone date_modify dateInZone dateModify duration \
            durationRound htmlDate htmlDateInZone must_date_modify mustDateModify mustToDate now \
            toDate unixEpoch abbrev abbrevboth trunc trim upper lower title untitle substr repeat \
            trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha \
            randAscii randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith \
            contains hasPrefix hasSuffix quote squote cat indent nindent replace plural sha1sum \
            sha256sum sha512sum adler32sum toString atoi int64 int float64 seq toDecimal split \
            splitList splitn toStrings until untilStep add1 add sub div mod mul randInt add1f \
            addf subf divf mulf biggest max min maxf minf ceil floor round join sortAlpha default \
            empty coalesce all any compact mustCompact fromJson toJson toPrettyJson toRawJson \
            mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy \
            typeOf typeIs typeIsLike kindOf kindIs deepEqual getHostByName base dir clean ext \
            isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc b32dec tuple list dict \
            get set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge \
            mustMergeOverwrite values append push mustAppend mustPush prepend mustPrepend first \
            mustFirst rest mustRest last mustLast initial mustInitial reverse mustReverse uniq \
            mustUniq without mustWithout has mustHas slice mustSlice concat dig chunk mustChunk \
            semver semverCompare regexMatch mustRegexMatch regexFindAll mustRegexFindAll \
            regexFind mustRegexFind regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral \
            mustRegexReplaceAllLiteral regexSplit mustRegexSplit regexQuoteMeta urlParse urlJoin \
            toToml fromToml";
        let have: std::collections::HashSet<String> =
            env.globals().map(|(k, _)| k.to_string()).collect();
        let missing: Vec<&str> = names
            .split_whitespace()
            .filter(|n| !have.contains(&format!("f_{n}")))
            .collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }
}

#[cfg(test)]
mod marshal_tests {
    use super::*;

    #[test]
    fn marshal_text_of_objects() {
        let t = crate::render::funcs::dates::parse_time("2006-01-02", "2021-03-04").unwrap();
        assert_eq!(
            marshal_text(&Value::from_object(t)).as_deref(),
            Some("2021-03-04T00:00:00Z")
        );
        let v = crate::semver_range::Version::parse("v1.2").unwrap();
        assert_eq!(
            marshal_text(&Value::from_object(SemVer(v))).as_deref(),
            Some("1.2.0")
        );
        assert_eq!(marshal_text(&Value::from(1)), None);
    }
}
