//! The printable certificate: one self-contained HTML page (no scripts, no external
//! assets), laid out for A4 or Letter paper.

use crate::learning::dto::CertificateResponse;

use crate::types::markdown::escape_html as escape;

const STYLE: &str = "\
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: Georgia, 'Times New Roman', serif; color: #1b2a3a; background: #fff; }
.sheet { max-width: 270mm; margin: 0 auto; padding: 16mm 18mm; border: 3px double #1b4f72; text-align: center; }
.org { font-size: 11pt; letter-spacing: .2em; text-transform: uppercase; color: #1b4f72; }
h1 { font-size: 28pt; margin: 8mm 0 4mm; font-weight: normal; }
.holder { font-size: 24pt; margin: 6mm 0; border-bottom: 1px solid #1b4f72; display: inline-block; padding: 0 8mm 2mm; }
.course { font-size: 18pt; font-style: italic; margin: 4mm 0 8mm; }
.meta { font-family: Helvetica, Arial, sans-serif; font-size: 10pt; color: #444; }
.code { font-family: 'Courier New', monospace; word-break: break-all; }
.revoked { border: 2px solid #a00; color: #a00; font-family: Helvetica, Arial, sans-serif; padding: 3mm; margin-bottom: 6mm; font-weight: bold; }
@media print { .sheet { border-color: #000; } }
";

/// The certificate page; `verify_url` is where anyone can check it.
pub fn render(cert: &CertificateResponse, verify_url: &str) -> String {
    let revoked = match (&cert.revoked_at, cert.valid) {
        (Some(at), false) => format!(
            "<div class=\"revoked\">REVOKED on {}{}</div>\n",
            at.format("%Y-%m-%d"),
            cert.reason
                .as_deref()
                .map(|r| format!(": {}", escape(r)))
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    format!(
        "<!DOCTYPE html>
<html lang=\"{lang}\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>Certificate of completion: {title}</title>
<style>{STYLE}</style>
</head>
<body>
<main class=\"sheet\">
{revoked}<div class=\"org\">Bayanihan Learning Cloud</div>
<h1>Certificate of completion</h1>
<p>This certifies that</p>
<div class=\"holder\">{holder}</div>
<p>has completed the {what}</p>
<div class=\"course\" lang=\"{lang}\">{title}</div>
<p class=\"meta\">Completed on {date}</p>
<p class=\"meta\">Verification code: <span class=\"code\">{code}</span><br>
Check it at <span class=\"code\">{url}</span></p>
</main>
</body>
</html>
",
        what = if cert.cohort_id.is_some() {
            "training programme"
        } else {
            "course"
        },
        lang = escape(&cert.language),
        title = escape(&cert.course_title),
        holder = escape(&cert.holder_name),
        date = cert.issued_at.format("%Y-%m-%d"),
        code = escape(&cert.code),
        url = escape(verify_url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
