//! YAML comments of one file, as the YAML scanner sees them: a `#` inside a quoted string or a block
//! scalar is text, not a comment. The main parse skips comments for speed; this second pass runs only on
//! files that a caller has picked (the lint driver: files that mention `evdef-ignore`).

use std::ops::Range;

use granit_parser::{Event, Parser};

use super::NESTING_LIMIT;

/// One `# ...` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, up to the end of the line.
    pub text: String,
    /// Byte range of the whole comment, `#` included.
    pub span: Range<usize>,
    /// Whether only blanks precede the `#` on its line (a comment line, not a trailing comment).
    pub own_line: bool,
}

/// Every comment of `text`, in order. A syntax error ends the scan: the comments before it are returned
/// (the error itself is diagnosed by the main parse).
pub fn scan(text: &str) -> Vec<Comment> {
    let options = granit_parser::options! {
        emit_comments: true,
        // Aliases of prelude anchors are unknown to a single-file parse: they must not end the scan.
        emit_unresolved_aliases: true,
        flow_nesting_limit: NESTING_LIMIT,
        block_nesting_limit: NESTING_LIMIT,
    };
    let mut found = Vec::new();
    for next in Parser::new_from_str_with_options(text, options) {
        let Ok((event, span)) = next else { break };
        if let Event::Comment(body, _) = event {
            let Some(range) = span.byte_range() else {
                continue;
            };
            let line_start = text
                .get(..range.start)
                .map_or(0, |before| before.rfind('\n').map_or(0, |i| i + 1));
            let own_line = text
                .get(line_start..range.start)
                .is_some_and(|lead| lead.chars().all(|c| c == ' ' || c == '\t'));
            found.push(Comment {
                text: body.into_owned(),
                span: range,
                own_line,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(yaml: &str) -> Vec<(String, bool)> {
        scan(yaml)
            .into_iter()
            .map(|c| (c.text, c.own_line))
            .collect()
    }

    #[test]
    fn comments_are_found_with_their_placement() {
        let yaml = "# top\na: b # trailing\n  # indented\nc: d\n";
        assert_eq!(
            texts(yaml),
            vec![
                (" top".to_string(), true),
                (" trailing".to_string(), false),
                (" indented".to_string(), true),
            ]
        );
        let c = &scan(yaml)[1];
        assert_eq!(&yaml[c.span.clone()], "# trailing");
    }

    #[test]
    fn hashes_inside_scalars_are_not_comments() {
        let cases = [
            "a: \"x # evdef-ignore: y -- z\"\n",
            "a: 'x # evdef-ignore: y -- z'\n",
            "a: x#not-a-comment\n",
            "a: |\n  # evdef-ignore: y -- z\n  more\n",
            "a: >-\n  text\n  # evdef-ignore: y -- z\n",
            "a: \"multi\n  # evdef-ignore: y -- z\n  line\"\n",
            "a: [\"# no\", '# no']\n",
        ];
        for yaml in cases {
            assert_eq!(texts(yaml), Vec::<(String, bool)>::new(), "{yaml:?}");
        }
    }

    #[test]
    fn a_comment_after_a_block_scalar_is_a_comment() {
        let yaml = "a: |\n  text # not a comment\n# a comment\nb: c\n";
        assert_eq!(texts(yaml), vec![(" a comment".to_string(), true)]);
    }

    #[test]
    fn aliases_of_other_files_anchors_do_not_end_the_scan() {
        let yaml = "a:\n  <<: *from_prelude\n  b: c # after\n";
        assert_eq!(texts(yaml), vec![(" after".to_string(), false)]);
    }

    #[test]
    fn a_syntax_error_keeps_earlier_comments() {
        let yaml = "# before\na: [\n";
        assert_eq!(texts(yaml), vec![(" before".to_string(), true)]);
    }
}
