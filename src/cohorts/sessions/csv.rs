//! A reader of RFC 4180 CSV, enough for a meeting tool's attendance export: fields
//! separated by commas, records by CRLF or LF, fields in double quotes may hold commas,
//! line breaks and doubled quotes (`""`). A byte-order mark at the start is skipped.

/// One record: the line of the file it starts on (1-based) and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Why a file is not CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// The records of `text`, blank lines left out.
pub fn parse(text: &str) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    // Whether the current field began with a quote (and so may only end with one).
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    let end_record =
        |fields: &mut Vec<String>, field: &mut String, records: &mut Vec<Record>, start: usize| {
            fields.push(std::mem::take(field));
            let blank = fields.len() == 1 && fields[0].is_empty();
            let taken = std::mem::take(fields);
            if !blank {
                records.push(Record {
                    line: start,
                    fields: taken,
                });
            }
        };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => {
                return Err(CsvError {
                    line,
                    message: "a quote inside a field that does not start with one".to_owned(),
                });
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                end_record(&mut fields, &mut field, &mut records, start);
                was_quoted = false;
                line += 1;
                start = line;
            }
            _ if was_quoted => {
                return Err(CsvError {
                    line,
                    message: "text after the closing quote of a field".to_owned(),
                });
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(CsvError {
            line: start,
            message: "a quoted field is never closed".to_owned(),
        });
    }
    end_record(&mut fields, &mut field, &mut records, start);
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(usize, Vec<&'static str>)> {
        parse(text)
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                (
                    r.line,
                    r.fields
                        .into_iter()
                        .map(|f| &*Box::leak(f.into_boxed_str()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn reads_quotes_commas_line_breaks_and_both_line_ends() {
        let text = "\u{feff}email,join,leave\r\n\"a,b@x.org\",1,2\r\n\r\n\"say \"\"hi\"\"\",\"two\nlines\",3\nlast,,";
        assert_eq!(
            fields(text),
            vec![
                (1, vec!["email", "join", "leave"]),
                (2, vec!["a,b@x.org", "1", "2"]),
                (4, vec!["say \"hi\"", "two\nlines", "3"]),
                (6, vec!["last", "", ""]),
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_csv() {
        assert_eq!(parse("a,\"b").map_err(|e| e.line), Err(1));
        assert!(parse("a,b\"c\"").is_err());
        assert!(parse("\"a\"b,c").is_err());
    }
}
