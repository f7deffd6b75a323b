//! Go's template name table for a chart tree: which file body or `define`
//! each template name means, after Go's precedence rules.

use std::borrow::Borrow;

use super::ast::TemplateFile;
use super::compile::is_empty_tree;
use crate::render::NameMap;

/// Where a name points: (file index, `None` for the file's body or the
/// index of the define in that file).
pub type Target = (usize, Option<usize>);

/// The name table of `files` (named `names`, in Helm's order): a file
/// body under its name, then its defines; a later define replaces an
/// earlier one of the same name, except that an empty redefinition never
/// replaces a template (Go's `IsEmptyTree` rule).
pub fn table<F: Borrow<TemplateFile>>(names: &[&str], files: &[F]) -> NameMap<String, Target> {
    let mut table: NameMap<String, Target> = NameMap::default();
    let mut empty: NameMap<&str, bool> = NameMap::default();
    for (fi, file) in files.iter().map(Borrow::borrow).enumerate() {
        table.insert(names[fi].to_string(), (fi, None));
        for (di, d) in file.defines.iter().enumerate() {
            let is_empty = is_empty_tree(&d.body);
            if is_empty
                && table.contains_key(d.name.as_str())
                && !empty.get(d.name.as_str()).copied().unwrap_or(false)
            {
                continue;
            }
            empty.insert(&d.name, is_empty);
            table.insert(d.name.clone(), (fi, Some(di)));
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::parse::parse;

    #[test]
    fn later_defines_win_and_empty_ones_never_replace() {
        let is_fn = |n: &str| n == "include";
        let files = [
            parse("c/templates/b.yaml", r#"{{ include "x" . }}"#, &is_fn).unwrap(),
            parse(
                "c/templates/_a.tpl",
                r#"{{ define "x" }}first{{ end }}{{ define "x" }} {{ end }}{{ define "y" }}y{{ end }}"#,
                &is_fn,
            )
            .unwrap(),
            parse(
                "c/templates/_z.tpl",
                r#"{{ define "x" }}{{ include "z" . }}{{ end }}{{ define "z" }}{{ end }}{{ define "y" }}{{ end }}"#,
                &is_fn,
            )
            .unwrap(),
        ];
        let names = [
            "c/templates/b.yaml",
            "c/templates/_a.tpl",
            "c/templates/_z.tpl",
        ];
        let table = table(&names, &files);
        assert_eq!(table["x"], (2, Some(0)), "the later non-empty x wins");
        assert_eq!(table["y"], (1, Some(1)), "an empty y does not replace");
        assert_eq!(
            table["z"],
            (2, Some(1)),
            "an empty define is still a template"
        );
        assert_eq!(table["c/templates/b.yaml"], (0, None));
        assert_eq!(table.len(), 6);
    }
}
