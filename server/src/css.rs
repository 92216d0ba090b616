//! A stylesheet as it is sent: comments and layout whitespace removed, once
//! per process. The source (`style/widget.css`) keeps its comments for the
//! next person; every survey page's first load pays for what is sent (a fifth
//! less gzipped). Only our own stylesheets pass through here: no comment
//! markers or runs of spaces inside quoted strings.

/// `css` without comments, with each run of whitespace one space, and none
/// beside `{`, `}`, `;` or `,`.
pub fn minify(css: &str) -> String {
    let mut plain = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        plain.push_str(&rest[..start]);
        plain.push(' ');
        rest = rest[start + 2..].find("*/").map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    plain.push_str(rest);

    let mut out = String::with_capacity(plain.len());
    let mut pending_space = false;
    for c in plain.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let tight = |c: char| matches!(c, '{' | '}' | ';');
        let after_tight = out.chars().next_back().is_none_or(|last| tight(last) || last == ',');
        if pending_space && !after_tight && !tight(c) && c != ',' {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minify;

    fn without_whitespace(text: &str) -> String {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn removes_comments_and_layout_only() {
        let css = "/* head */\n.a  .b:not(.c) ,\n.d > .e {\n  color: red;  /* why */\n  font-family: \"Segoe UI\", sans-serif;\n}\n";
        assert_eq!(minify(css), ".a .b:not(.c),.d > .e{color: red;font-family: \"Segoe UI\",sans-serif;}");
    }

    #[test]
    fn an_unclosed_comment_ends_the_sheet() {
        assert_eq!(minify(".a{color:red}/* never closed"), ".a{color:red}");
    }

    #[test]
    fn the_widget_stylesheet_keeps_every_rule() {
        let source = include_str!("../../style/widget.css");
        let minified = minify(source);
        assert!(!minified.contains("/*") && !minified.contains('\n'));
        // Nothing but comments and whitespace went: the rest is the same text.
        let mut uncommented = String::new();
        for (i, part) in source.split("/*").enumerate() {
            uncommented.push_str(if i == 0 { part } else { part.split_once("*/").map_or("", |(_, after)| after) });
        }
        assert_eq!(without_whitespace(&minified), without_whitespace(&uncommented));
        // Descendant combinators keep their space.
        assert!(minified.contains(".vox-widget input[type=\"text\"]"));
        assert!(minified.len() * 10 < source.len() * 9);
    }
}
