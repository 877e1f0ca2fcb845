//! What an uploaded file is, decided from its content (magic bytes; for ZIP-based formats
//! the container and the name's extension), never from what the client claims, against the
//! library's allow-list.

use crate::error::ApiError;

crate::vocabulary! {
    /// A file type the library accepts.
    pub enum FileType {
        /// PDF.
        Pdf => "pdf",
        /// Word (OOXML).
        Docx => "docx",
        /// Excel (OOXML).
        Xlsx => "xlsx",
        /// PowerPoint (OOXML).
        Pptx => "pptx",
        /// OpenDocument text.
        Odt => "odt",
        /// OpenDocument spreadsheet.
        Ods => "ods",
        /// OpenDocument presentation.
        Odp => "odp",
        /// Plain text (UTF-8).
        Txt => "txt",
        /// CSV (UTF-8).
        Csv => "csv",
        /// Markdown (UTF-8).
        Markdown => "md",
        /// PNG image.
        Png => "png",
        /// JPEG image.
        Jpeg => "jpeg",
        /// WebP image.
        Webp => "webp",
        /// MP3 audio.
        Mp3 => "mp3",
        /// Ogg audio.
        Ogg => "ogg",
        /// M4A audio.
        M4a => "m4a",
        /// MP4 video.
        Mp4 => "mp4",
        /// WebM video.
        Webm => "webm",
        /// ZIP archive (e.g. a course package).
        Zip => "zip",
        /// SVG image: only ever downloaded, never shown inline.
        Svg => "svg",
        /// HTML page: only ever downloaded, never shown inline.
        Html => "html",
    }
}

impl FileType {
    /// The media type files of this type are served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Self::Odp => "application/vnd.oasis.opendocument.presentation",
            Self::Txt => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Mp3 => "audio/mpeg",
            Self::Ogg => "audio/ogg",
            Self::M4a => "audio/mp4",
            Self::Mp4 => "video/mp4",
            Self::Webm => "video/webm",
            Self::Zip => "application/zip",
            Self::Svg => "image/svg+xml",
            Self::Html => "text/html; charset=utf-8",
        }
    }

    /// Whether a browser may show it inline; SVG and HTML could run scripts in the API's
    /// origin, and office files and archives are meant to be saved.
    pub fn inline(self) -> bool {
        matches!(
            self,
            Self::Pdf
                | Self::Txt
                | Self::Png
                | Self::Jpeg
                | Self::Webp
                | Self::Mp3
                | Self::Ogg
                | Self::M4a
                | Self::Mp4
                | Self::Webm
        )
    }

    /// The type of a stored media type (the inverse of [`FileType::media_type`]).
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.media_type() == media_type)
    }

    /// The type a file name's extension claims (lower-case, without the dot).
    pub fn from_extension(ext: &str) -> Option<Self> {
        Some(match ext {
            "pdf" => Self::Pdf,
            "docx" => Self::Docx,
            "xlsx" => Self::Xlsx,
            "pptx" => Self::Pptx,
            "odt" => Self::Odt,
            "ods" => Self::Ods,
            "odp" => Self::Odp,
            "txt" => Self::Txt,
            "csv" => Self::Csv,
            "md" | "markdown" => Self::Markdown,
            "png" => Self::Png,
            "jpg" | "jpeg" => Self::Jpeg,
            "webp" => Self::Webp,
            "mp3" => Self::Mp3,
            "ogg" | "oga" | "opus" => Self::Ogg,
            "m4a" => Self::M4a,
            "mp4" | "m4v" => Self::Mp4,
            "webm" => Self::Webm,
            "zip" => Self::Zip,
            "svg" => Self::Svg,
            "html" | "htm" => Self::Html,
            _ => return None,
        })
    }

    fn is_text(self) -> bool {
        matches!(
            self,
            Self::Txt | Self::Csv | Self::Markdown | Self::Svg | Self::Html
        )
    }
}

/// A decision on a file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniff {
    pub file_type: FileType,
}

impl Sniff {
    /// Whether the rest of the file must be checked as UTF-8 text.
    pub fn is_text(self) -> bool {
        self.file_type.is_text()
    }
}

/// 415 `file_type_not_allowed`.
pub fn not_allowed(ext: &str) -> ApiError {
    ApiError::Status {
        status: 415,
        code: "file_type_not_allowed",
        detail: format!(
            "files of type `{ext}` are not accepted; the library takes PDF, Office and OpenDocument files, text, CSV, Markdown, PNG, JPEG, WebP, MP3, Ogg, M4A, MP4, WebM, ZIP, SVG and HTML"
        ),
    }
}

/// 415 `file_type_mismatch`.
pub fn mismatch(ext: &str) -> ApiError {
    ApiError::Status {
        status: 415,
        code: "file_type_mismatch",
        detail: format!("the file's content is not what its name (`.{ext}`) says"),
    }
}

/// What the magic bytes say, when they say anything.
fn magic(head: &[u8]) -> Option<FileType> {
    let at = |offset: usize, sig: &[u8]| head.get(offset..offset + sig.len()) == Some(sig);
    if at(0, b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if at(0, b"\x89PNG\r\n\x1a\n") {
        return Some(FileType::Png);
    }
    if at(0, b"\xff\xd8\xff") {
        return Some(FileType::Jpeg);
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Some(FileType::Webp);
    }
    if at(0, b"ID3") || (head.len() >= 2 && head[0] == 0xff && head[1] & 0xe0 == 0xe0) {
        return Some(FileType::Mp3);
    }
    if at(0, b"OggS") {
        return Some(FileType::Ogg);
    }
    if at(4, b"ftyp") {
        return Some(if at(8, b"M4A ") {
            FileType::M4a
        } else {
            FileType::Mp4
        });
    }
    if at(0, b"\x1a\x45\xdf\xa3") {
        return Some(FileType::Webm);
    }
    if at(0, b"PK\x03\x04") {
        return Some(FileType::Zip);
    }
    None
}

/// Decides the type of a file named with `ext` (lower-case) whose first bytes are `head`.
pub fn sniff(head: &[u8], ext: &str) -> Result<Sniff, ApiError> {
    let claimed = FileType::from_extension(ext).ok_or_else(|| not_allowed(ext))?;
    let found = magic(head);
    let ok = match (claimed, found) {
        // ZIP containers: the extension tells which format the archive holds.
        (
            FileType::Docx
            | FileType::Xlsx
            | FileType::Pptx
            | FileType::Odt
            | FileType::Ods
            | FileType::Odp
            | FileType::Zip,
            Some(FileType::Zip),
        ) => true,
        // M4A files may carry a generic MP4 brand.
        (FileType::M4a, Some(FileType::Mp4 | FileType::M4a)) => true,
        (claimed, Some(found)) => claimed == found,
        (text, None) if text.is_text() => looks_like(text, head),
        (_, None) => false,
    };
    if ok {
        Ok(Sniff { file_type: claimed })
    } else {
        Err(mismatch(ext))
    }
}

/// Whether a text file's beginning fits its claimed kind: no NUL byte anywhere in it, and
/// SVG and HTML start with markup.
fn looks_like(claimed: FileType, head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    let start = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    match claimed {
        FileType::Svg => {
            (start.starts_with("<?xml") || start.starts_with("<svg") || start.starts_with("<!--"))
                && start.contains("<svg")
        }
        FileType::Html => start.starts_with('<'),
        _ => true,
    }
}

/// Checks a stream of bytes as UTF-8 without NUL, chunk by chunk (a character may be split
/// between chunks).
#[derive(Debug, Default)]
pub struct Utf8Check {
    carry: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    /// Reads the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.invalid {
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(s) => self.invalid = s.contains('\0'),
            Err(err) if err.error_len().is_none() => {
                let (valid, rest) = bytes.split_at(err.valid_up_to());
                self.invalid = valid.contains(&0);
                self.carry = rest.to_vec();
            }
            Err(_) => self.invalid = true,
        }
    }

    /// Whether everything read so far is valid.
    pub fn is_valid(&self) -> bool {
        !self.invalid
    }

    /// Whether the whole stream was valid (no character cut off at the end).
    pub fn finish(&self) -> bool {
        !self.invalid && self.carry.is_empty()
    }
}

/// A client's file name made safe to store and to send back in `Content-Disposition`: the
/// last path segment, without control characters, at most 200 characters; `Err` when
/// nothing is left. It never names anything on disk (objects have generated keys).
pub fn clean_file_name(raw: &str) -> Result<String, String> {
    if raw.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !crate::types::text::is_bidi_control(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        return Err("must name a file, e.g. `toolkit.pdf`".to_owned());
    }
    if raw.chars().count() > 255 {
        return Err("must be at most 255 characters".to_owned());
    }
    Ok(cleaned.chars().take(200).collect())
}

/// The lower-case extension of a file name (`""` without one).
pub fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content_and_extension() {
        assert_eq!(
            sniff(b"%PDF-1.7 ...", "pdf").unwrap().file_type,
            FileType::Pdf
        );
        assert!(sniff(b"%PDF-1.7 ...", "docx").is_err());
        assert_eq!(
            sniff(b"PK\x03\x04rest", "docx").unwrap().file_type,
            FileType::Docx
        );
        assert_eq!(
            sniff(b"PK\x03\x04rest", "odt").unwrap().file_type,
            FileType::Odt
        );
        assert!(sniff(b"MZ\x90\x00", "exe").is_err());
        assert!(sniff(b"MZ\x90\x00", "pdf").is_err());
        assert_eq!(
            sniff(b"name,count\n", "csv").unwrap().file_type,
            FileType::Csv
        );
        assert!(sniff(b"a\0b", "txt").is_err());
        assert!(sniff(b"hello", "svg").is_err());
        assert!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "svg").is_ok());
        assert_eq!(
            sniff(b"\0\0\0\x20ftypM4A \0\0", "m4a").unwrap().file_type,
            FileType::M4a
        );
    }

    #[test]
    fn utf8_is_checked_across_chunks() {
        let mut check = Utf8Check::default();
        let bytes = "héllo".as_bytes();
        check.feed(&bytes[..2]);
        check.feed(&bytes[2..]);
        assert!(check.finish());
        let mut bad = Utf8Check::default();
        bad.feed(b"ok \xff");
        assert!(!bad.is_valid());
    }

    #[test]
    fn file_names_lose_paths_and_controls() {
        assert_eq!(clean_file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_file_name("C:\\x\\a\u{202e}b.pdf").unwrap(), "ab.pdf");
        assert!(clean_file_name("a\u{0}b.pdf").is_err());
        assert!(clean_file_name("../").is_err());
        assert!(clean_file_name(&"a".repeat(300)).is_err());
        assert_eq!(extension("Toolkit.PDF"), "pdf");
        assert_eq!(extension(".bashrc"), "");
    }
}
