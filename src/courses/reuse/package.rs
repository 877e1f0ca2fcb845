//! Course packages: Bayanihan's own ZIP (a JSON manifest, Markdown lessons per language,
//! the files of the linked resources with their SHA-256), written and read back, and IMS
//! Common Cartridge 1.3 (web content and web links), written.
//!
//! Packages are built in, and read from, temporary files (never whole in memory); the
//! synchronous work runs off the async workers (`web::block`). Reading a package guards
//! against hostile archives: at most [`MAX_ENTRIES`] entries, at most
//! [`Limits::uncompressed`] bytes once inflated (declared sizes checked first, real ones
//! while reading), entry names that are relative paths without `..`, backslashes or
//! control characters, no symbolic links, no encryption.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::courses::dto::{
    CourseTexts, CourseTranslationRequest, CreateCourseRequest, CreateLessonRequest,
    LessonTranslationRequest, NewCourseInput, NewLessonInput, lesson_texts, module_title,
};
use crate::courses::dto::{MAX_LESSONS, MAX_MODULES};
use crate::courses::model::{Format, LessonKind, Level, Visibility};
use crate::courses::reuse::model::{CourseAttribution, Origin};
use crate::courses::reuse::service::{
    CourseTree, ExportData, LessonText, LessonTree, MAX_LESSON_RESOURCES, ModuleTree,
};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::library::model::{
    NewResourceInput, ResourceDraft, ResourceKind, ResourceTexts, ResourceVisibility, UploadInput,
};
use crate::types::ids::ResourceId;
use crate::types::markdown::{escape_html, to_safe_html};
use crate::types::{LanguageTag, Licence};

/// The `format` of a Bayanihan package's manifest.
pub const FORMAT: &str = "bayanihan-course";
/// The manifest version this server writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Most entries an imported package may hold.
pub const MAX_ENTRIES: usize = 2_000;
/// Largest manifest read.
const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;
/// Most resources, languages per text, files per resource in a manifest.
const MAX_RESOURCES: usize = 500;
const MAX_LANGUAGES: usize = 50;

// ---------------------------------------------------------------- the manifest

/// `manifest.json` of a Bayanihan package.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `bayanihan-course`.
    pub format: String,
    /// 1.
    pub format_version: u32,
    /// RFC 3339.
    pub exported_at: String,
    /// The exported course's own attribution: who to credit in what is made from it.
    pub attribution: ManifestAttribution,
    pub course: ManifestCourse,
    pub modules: Vec<ManifestModule>,
    pub resources: Vec<ManifestResource>,
}

/// Title, authors and licence of a course.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestAttribution {
    pub title: String,
    pub language: String,
    pub authors: String,
    pub licence: Option<String>,
}

/// A course's own fields and texts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestCourse {
    pub slug: String,
    pub default_language: String,
    pub level: Level,
    pub format: Format,
    pub estimated_hours: Option<f64>,
    pub licence: Option<String>,
    pub visibility: Visibility,
    pub capacity: Option<i32>,
    pub topics: Vec<String>,
    /// The default language first.
    pub texts: Vec<ManifestCourseText>,
}

/// A course's texts in one language (the description is Markdown).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestCourseText {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
}

/// A module: its title per language and its lessons in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestModule {
    pub titles: Vec<ManifestTitle>,
    pub lessons: Vec<ManifestLesson>,
}

/// A title in one language.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestTitle {
    pub language: String,
    pub title: String,
}

/// A lesson: its fields, its title per language with the Markdown file of its content,
/// and the resources (keys of `resources`) it points to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLesson {
    pub kind: LessonKind,
    pub required: bool,
    pub duration_minutes: Option<i32>,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    pub caption_languages: Vec<String>,
    pub texts: Vec<ManifestLessonText>,
    pub resources: Vec<String>,
}

/// A lesson's title in one language and the package path of its content (Markdown).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLessonText {
    pub language: String,
    pub title: String,
    pub content: String,
}

/// A library resource with its texts and files.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestResource {
    /// Unique within the package; lessons name it.
    pub key: String,
    pub kind: ResourceKind,
    pub default_language: String,
    pub licence: Licence,
    /// `public` or `members`.
    pub visibility: ResourceVisibility,
    pub url: Option<String>,
    pub topics: Vec<String>,
    pub countries: Vec<String>,
    /// The default language first.
    pub texts: Vec<ManifestResourceText>,
    pub files: Vec<ManifestFile>,
}

/// A resource's texts in one language.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestResourceText {
    pub language: String,
    pub title: String,
    pub description: String,
}

/// A resource's file in one language.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    pub language: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    /// Lower-case hexadecimal SHA-256 of the file.
    pub sha256: String,
    /// Where it is in the package.
    pub path: String,
}

// ---------------------------------------------------------------- temporary files

/// A temporary file, removed when dropped.
#[derive(Debug)]
pub struct TempFile(pub PathBuf);

impl TempFile {
    /// A new name under `dir` (created if needed).
    pub fn new(dir: &Path, suffix: &str) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self(dir.join(format!(
            "{}{suffix}",
            uuid::Uuid::new_v4().simple()
        ))))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The folder for packages being built or read.
pub fn temp_dir(data_dir: &Path) -> PathBuf {
    if data_dir.as_os_str().is_empty() {
        std::env::temp_dir().join("bayanihan-packages")
    } else {
        data_dir.join("packages")
    }
}

fn io_error(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("course package: {err}"))
}

/// A file name safe inside an archive: ASCII letters, digits, `.`, `-`, `_`.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

// ---------------------------------------------------------------- writing

/// A resource file fetched from storage into a temporary file, for the archive.
#[derive(Debug)]
pub struct FetchedFile {
    pub resource: ResourceId,
    pub language: String,
    pub file: TempFile,
}

fn zip_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
}

fn copy_into<W: Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    name: &str,
    from: &Path,
) -> Result<(), ApiError> {
    zip.start_file(name, zip_options()).map_err(io_error)?;
    let mut f = File::open(from).map_err(io_error)?;
    std::io::copy(&mut f, zip).map_err(io_error)?;
    Ok(())
}

fn write_text<W: Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    name: &str,
    text: &str,
) -> Result<(), ApiError> {
    zip.start_file(name, zip_options()).map_err(io_error)?;
    zip.write_all(text.as_bytes()).map_err(io_error)
}

/// The manifest of `data`, and the package path of each fetched file.
fn manifest_of(data: &ExportData) -> (Manifest, HashMap<(ResourceId, String), String>) {
    let keys: HashMap<ResourceId, String> = data
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.resource.id, format!("r{}", i + 1)))
        .collect();
    let mut paths = HashMap::new();
    let resources = data
        .resources
        .iter()
        .map(|r| {
            let key = keys.get(&r.resource.id).cloned().unwrap_or_default();
            ManifestResource {
                kind: r.resource.kind,
                default_language: r.resource.default_language.clone(),
                licence: r.resource.licence,
                visibility: r.resource.visibility,
                url: r.resource.url.clone(),
                topics: r.topics.clone(),
                countries: r.countries.clone(),
                texts: r
                    .texts
                    .iter()
                    .map(|(language, title, description)| ManifestResourceText {
                        language: language.clone(),
                        title: title.clone(),
                        description: description.clone(),
                    })
                    .collect(),
                files: r
                    .files
                    .iter()
                    .map(|f| {
                        let path = format!(
                            "resources/{key}/{}/{}",
                            safe_name(&f.language),
                            safe_name(&f.file_name)
                        );
                        paths.insert((r.resource.id, f.language.clone()), path.clone());
                        ManifestFile {
                            language: f.language.clone(),
                            file_name: f.file_name.clone(),
                            media_type: f.media_type.clone(),
                            size: u64::try_from(f.size_bytes).unwrap_or(0),
                            sha256: f.sha256.clone(),
                            path,
                        }
                    })
                    .collect(),
                key,
            }
        })
        .collect();
    let tree = &data.tree;
    let modules = tree
        .modules
        .iter()
        .enumerate()
        .map(|(mi, m)| ManifestModule {
            titles: m
                .titles
                .iter()
                .map(|(language, title)| ManifestTitle {
                    language: language.clone(),
                    title: title.clone(),
                })
                .collect(),
            lessons: m
                .lessons
                .iter()
                .enumerate()
                .map(|(li, l)| ManifestLesson {
                    kind: l.fields.kind,
                    required: l.fields.required,
                    duration_minutes: l.fields.duration_minutes,
                    url: l.fields.url.clone(),
                    size_bytes: l.fields.size_bytes,
                    media_type: l.fields.media_type.clone(),
                    caption_languages: l.fields.caption_languages.clone(),
                    texts: l
                        .texts
                        .iter()
                        .map(|t| ManifestLessonText {
                            language: t.language.clone(),
                            title: t.title.clone(),
                            content: format!(
                                "lessons/{:03}-{:03}/{}.md",
                                mi + 1,
                                li + 1,
                                safe_name(&t.language)
                            ),
                        })
                        .collect(),
                    resources: l
                        .resources
                        .iter()
                        .filter_map(|r| keys.get(r).cloned())
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let f = &tree.fields;
    let a = &data.attribution;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        attribution: ManifestAttribution {
            title: a.title.clone(),
            language: a.language.clone(),
            authors: a.authors.clone(),
            licence: a.licence.clone(),
        },
        course: ManifestCourse {
            slug: f.slug.clone(),
            default_language: f.default_language.clone(),
            level: f.level,
            format: f.format,
            estimated_hours: f.estimated_hours,
            licence: f.licence.clone(),
            visibility: f.visibility,
            capacity: f.capacity,
            topics: f.topics.clone(),
            texts: tree
                .texts
                .iter()
                .map(|(language, t)| ManifestCourseText {
                    language: language.clone(),
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    description: t.description.clone(),
                })
                .collect(),
        },
        modules,
        resources,
    };
    (manifest, paths)
}

/// Writes a Bayanihan package of `data` (with the `fetched` files) to `out`.
pub fn write_package(
    data: &ExportData,
    fetched: &[FetchedFile],
    out: &Path,
) -> Result<(), ApiError> {
    let (manifest, paths) = manifest_of(data);
    let file = File::create(out).map_err(io_error)?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let json = serde_json::to_string_pretty(&manifest).map_err(io_error)?;
    write_text(&mut zip, "manifest.json", &json)?;
    for (m, mm) in data.tree.modules.iter().zip(&manifest.modules) {
        for (l, ml) in m.lessons.iter().zip(&mm.lessons) {
            for (t, mt) in l.texts.iter().zip(&ml.texts) {
                write_text(&mut zip, &mt.content, &t.content)?;
            }
        }
    }
    for f in fetched {
        if let Some(path) = paths.get(&(f.resource, f.language.clone())) {
            copy_into(&mut zip, path, f.file.path())?;
        }
    }
    zip.finish().map_err(io_error)?.flush().map_err(io_error)
}

/// XML text and attribute values escaped.
fn xml(text: &str) -> String {
    escape_html(text)
}

/// The text of `items` in the language `prefs` picks (else `default`, else the first).
fn pick<'a, T>(
    prefs: &Preferences,
    items: &'a [T],
    lang: impl Fn(&T) -> &str,
    default: &str,
) -> Option<&'a T> {
    prefs
        .pick_item(items, lang, default)
        .or_else(|| items.first())
}

/// Writes an IMS Common Cartridge 1.3 of `data` in the language `prefs` picks to `out`:
/// `imsmanifest.xml` with one organisation (modules as folders, lessons as items), text
/// and quiz lessons as `webcontent` HTML pages (through the Markdown sanitiser), video,
/// link and file lessons as `imswl_xmlv1p3` web links, and the linked resources' files as
/// `webcontent` under `web_resources/` (their web addresses as web links), each a
/// dependency of the lessons that point to it.
pub fn write_cartridge(
    data: &ExportData,
    fetched: &[FetchedFile],
    prefs: &Preferences,
    out: &Path,
) -> Result<String, ApiError> {
    let tree = &data.tree;
    let default = tree.fields.default_language.as_str();
    let file = File::create(out).map_err(io_error)?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let course_text = pick(prefs, &tree.texts, |t| t.0.as_str(), default);
    let language = course_text.map_or(default, |t| t.0.as_str()).to_owned();
    let title = course_text.map(|t| t.1.title.clone()).unwrap_or_default();
    let mut resources_xml = String::new();
    // Each library resource: its identifiers (files and web address) for dependencies.
    let mut resource_ids: HashMap<ResourceId, Vec<String>> = HashMap::new();
    for (ri, r) in data.resources.iter().enumerate() {
        let mut ids = Vec::new();
        for f in fetched.iter().filter(|f| f.resource == r.resource.id) {
            let Some(meta) = r.files.iter().find(|m| m.language == f.language) else {
                continue;
            };
            let ident = format!(
                "RES_{}_{}",
                ri + 1,
                safe_name(&f.language).replace('.', "_")
            );
            let href = format!(
                "web_resources/r{}/{}/{}",
                ri + 1,
                safe_name(&f.language),
                safe_name(&meta.file_name)
            );
            copy_into(&mut zip, &href, f.file.path())?;
            resources_xml.push_str(&format!(
                "    <resource identifier=\"{ident}\" type=\"webcontent\" href=\"{href}\">\n      <file href=\"{href}\"/>\n    </resource>\n",
                href = xml(&href)
            ));
            ids.push(ident);
        }
        if let Some(url) = &r.resource.url {
            let ident = format!("RES_{}_LINK", ri + 1);
            let href = format!("web_links/r{}.xml", ri + 1);
            let t = pick(
                prefs,
                &r.texts,
                |t| t.0.as_str(),
                &r.resource.default_language,
            );
            write_text(
                &mut zip,
                &href,
                &web_link(&t.map(|t| t.1.clone()).unwrap_or_default(), url),
            )?;
            resources_xml.push_str(&format!(
                "    <resource identifier=\"{ident}\" type=\"imswl_xmlv1p3\">\n      <file href=\"{href}\"/>\n    </resource>\n"
            ));
            ids.push(ident);
        }
        resource_ids.insert(r.resource.id, ids);
    }
    let mut items = String::new();
    for (mi, m) in tree.modules.iter().enumerate() {
        let module_title = pick(prefs, &m.titles, |t| t.0.as_str(), default)
            .map(|t| t.1.clone())
            .unwrap_or_default();
        items.push_str(&format!(
            "        <item identifier=\"MOD_{}\">\n          <title>{}</title>\n",
            mi + 1,
            xml(&module_title)
        ));
        for (li, l) in m.lessons.iter().enumerate() {
            let n = format!("{}_{}", mi + 1, li + 1);
            let text = pick(prefs, &l.texts, |t| t.language.as_str(), default);
            let lesson_title = text.map(|t| t.title.clone()).unwrap_or_default();
            let content = text.map(|t| t.content.clone()).unwrap_or_default();
            let deps: Vec<String> = l
                .resources
                .iter()
                .flat_map(|r| resource_ids.get(r).cloned().unwrap_or_default())
                .collect();
            let deps_xml: String = deps
                .iter()
                .map(|d| format!("      <dependency identifierref=\"{d}\"/>\n"))
                .collect();
            let ident = format!("LES_{n}");
            match &l.fields.url {
                Some(url) => {
                    let href = format!("web_links/lesson_{n}.xml");
                    write_text(&mut zip, &href, &web_link(&lesson_title, url))?;
                    resources_xml.push_str(&format!(
                        "    <resource identifier=\"{ident}\" type=\"imswl_xmlv1p3\">\n      <file href=\"{href}\"/>\n{deps_xml}    </resource>\n"
                    ));
                }
                None => {
                    let href = format!("lessons/lesson_{n}.html");
                    write_text(
                        &mut zip,
                        &href,
                        &lesson_page(&lesson_title, &language, &content),
                    )?;
                    resources_xml.push_str(&format!(
                        "    <resource identifier=\"{ident}\" type=\"webcontent\" href=\"{href}\">\n      <file href=\"{href}\"/>\n{deps_xml}    </resource>\n"
                    ));
                }
            }
            items.push_str(&format!(
                "          <item identifier=\"ITEM_{n}\" identifierref=\"{ident}\">\n            <title>{}</title>\n          </item>\n",
                xml(&lesson_title)
            ));
        }
        items.push_str("        </item>\n");
    }
    let licence = tree.fields.licence.clone().unwrap_or_default();
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="BAYANIHAN_COURSE_{id}"
  xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
  xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1 http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.3.0</schemaversion>
    <lomimscc:lom>
      <lomimscc:general>
        <lomimscc:title>
          <lomimscc:string language="{language}">{title}</lomimscc:string>
        </lomimscc:title>
        <lomimscc:language>{language}</lomimscc:language>
      </lomimscc:general>
      <lomimscc:rights>
        <lomimscc:copyrightAndOtherRestrictions>
          <lomimscc:value>yes</lomimscc:value>
        </lomimscc:copyrightAndOtherRestrictions>
        <lomimscc:description>
          <lomimscc:string>{rights}</lomimscc:string>
        </lomimscc:description>
      </lomimscc:rights>
    </lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="ORG_1" structure="rooted-hierarchy">
      <item identifier="ROOT">
{items}      </item>
    </organization>
  </organizations>
  <resources>
{resources_xml}  </resources>
</manifest>
"#,
        id = data.course.id,
        language = xml(&language),
        title = xml(&title),
        rights = xml(&format!("{licence}; authors: {}", data.attribution.authors)),
    );
    write_text(&mut zip, "imsmanifest.xml", &manifest)?;
    zip.finish().map_err(io_error)?.flush().map_err(io_error)?;
    Ok(language)
}

fn web_link(title: &str, url: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<webLink xmlns=\"http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3\">\n  <title>{}</title>\n  <url href=\"{}\" target=\"_blank\"/>\n</webLink>\n",
        xml(title),
        xml(url)
    )
}

fn lesson_page(title: &str, language: &str, markdown: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n<h1>{}</h1>\n{}\n</body>\n</html>\n",
        xml(language),
        xml(title),
        xml(title),
        to_safe_html(markdown)
    )
}

// ---------------------------------------------------------------- reading

/// What the server allows an imported package to be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most bytes all entries may inflate to.
    pub uncompressed: u64,
}

fn refuse(code: &'static str, detail: impl Into<String>) -> ApiError {
    ApiError::Status {
        status: 422,
        code,
        detail: detail.into(),
    }
}

fn invalid_manifest(detail: impl Into<String>) -> ApiError {
    refuse("invalid_manifest", detail)
}

/// An entry name that is a plain relative path: no `..`, no absolute path, no backslash,
/// no control character, at most 255 bytes.
pub fn safe_entry_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.chars().any(char::is_control)
        && !name.contains(':')
        && name.split('/').all(|part| part != ".." && part != ".")
}

/// A resource file read from a package into a temporary file, checked against its
/// manifest entry.
#[derive(Debug)]
pub struct ImportedFile {
    pub language: String,
    /// Cleaned as an upload's name is.
    pub file_name: String,
    /// Lower-case extension of the name: the type the content must be.
    pub extension: String,
    pub sha256: String,
    pub size: u64,
    pub file: TempFile,
}

/// A resource to create, with its texts in other languages and its files.
#[derive(Debug)]
pub struct ImportedResource {
    pub input: NewResourceInput,
    /// Texts in languages other than the default one.
    pub more_texts: Vec<(String, ResourceTexts)>,
    pub files: Vec<ImportedFile>,
}

/// A package, read and checked: everything needed to create the course.
#[derive(Debug)]
pub struct ImportPlan {
    /// The course; each lesson's `resources` hold indexes into `resources` (as ids).
    pub tree: CourseTree,
    pub attribution: CourseAttribution,
    pub resources: Vec<ImportedResource>,
}

/// `msg` of a validation error, with where it is in the manifest.
fn at(path: &str, err: ApiError) -> ApiError {
    match err {
        ApiError::Validation(errors) => invalid_manifest(format!(
            "{path}: {}",
            errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        ApiError::BadRequest { detail, .. } => invalid_manifest(format!("{path}: {detail}")),
        other => other,
    }
}

fn language_of(path: &str, raw: &str) -> Result<String, ApiError> {
    LanguageTag::parse(raw)
        .map(|t| t.as_str().to_owned())
        .map_err(|m| invalid_manifest(format!("{path}: language `{raw}`: {m}")))
}

/// Reads an entry whole into a string, at most `max` bytes (and what remains of `budget`).
fn read_entry_text<R: Read>(entry: R, max: u64, budget: &mut u64) -> Result<String, ApiError> {
    let cap = max.min(*budget);
    let mut buf = Vec::new();
    entry
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| refuse("invalid_package", format!("an entry cannot be read: {e}")))?;
    if buf.len() as u64 > cap {
        return Err(too_big());
    }
    *budget -= buf.len() as u64;
    String::from_utf8(buf).map_err(|_| invalid_manifest("a text entry is not UTF-8"))
}

fn too_big() -> ApiError {
    refuse(
        "uncompressed_too_large",
        "the package inflates to more than this server accepts",
    )
}

/// Reads the text entry `name` (at most 1 MiB) named by the manifest.
fn read_named<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    budget: &mut u64,
) -> Result<String, ApiError> {
    match archive.by_name(name) {
        Ok(entry) => read_entry_text(entry, 1024 * 1024, budget),
        Err(zip::result::ZipError::FileNotFound) => Err(refuse(
            "missing_file",
            format!("the manifest names `{name}`, which is not in the package"),
        )),
        Err(e) => Err(refuse("invalid_package", format!("a broken entry: {e}"))),
    }
}

/// Opens and checks the package at `path` and reads it into an [`ImportPlan`]; resource
/// files are copied into temporary files under `dir`.
pub fn read_package(path: &Path, dir: &Path, limits: Limits) -> Result<ImportPlan, ApiError> {
    let file = File::open(path).map_err(io_error)?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| refuse("invalid_package", format!("not a ZIP archive: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(refuse(
            "too_many_entries",
            format!("a package holds at most {MAX_ENTRIES} entries"),
        ));
    }
    // Names and declared sizes first, before anything is inflated.
    let mut declared: u64 = 0;
    let mut names: HashSet<String> = HashSet::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| refuse("invalid_package", format!("a broken entry: {e}")))?;
        let name = entry
            .name()
            .map_err(|_| refuse("unsafe_path", "an entry's name cannot be read"))?
            .to_string();
        if !safe_entry_name(&name) || entry.enclosed_name().is_none() {
            return Err(refuse(
                "unsafe_path",
                "an entry's name is not a plain relative path (`..`, absolute, backslash or control characters)",
            ));
        }
        if entry.is_symlink() {
            return Err(refuse("unsafe_path", "the package holds a symbolic link"));
        }
        if entry.encrypted() {
            return Err(refuse("invalid_package", "encrypted entries are not read"));
        }
        declared = declared.saturating_add(entry.size());
        if declared > limits.uncompressed {
            return Err(too_big());
        }
        if !names.insert(name) {
            return Err(refuse("invalid_package", "two entries have the same name"));
        }
    }
    let mut budget = limits.uncompressed;
    let manifest_text = match archive.by_name("manifest.json") {
        Ok(entry) => read_entry_text(entry, MAX_MANIFEST_BYTES, &mut budget)?,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(refuse(
                "missing_manifest",
                "the package has no manifest.json",
            ));
        }
        Err(e) => return Err(refuse("invalid_package", format!("a broken entry: {e}"))),
    };
    let manifest: Manifest = serde_json::from_str(&manifest_text)
        .map_err(|e| invalid_manifest(format!("manifest.json: {e}")))?;
    if manifest.format != FORMAT {
        return Err(invalid_manifest(format!(
            "manifest.json: `format` must be `{FORMAT}`"
        )));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(refuse(
            "unsupported_format_version",
            format!(
                "this server reads format version {FORMAT_VERSION}, not {}",
                manifest.format_version
            ),
        ));
    }
    // Course.
    let c = &manifest.course;
    let Some(first) = c.texts.first() else {
        return Err(invalid_manifest("course.texts is empty"));
    };
    if c.texts.len() > MAX_LANGUAGES {
        return Err(invalid_manifest("course.texts: too many languages"));
    }
    let default = language_of("course.default_language", &c.default_language)?;
    if language_of("course.texts[0].language", &first.language)? != default {
        return Err(invalid_manifest(
            "course.texts: the first must be in the default language",
        ));
    }
    let input = NewCourseInput::try_from(CreateCourseRequest {
        slug: c.slug.clone(),
        default_language: default.clone(),
        title: first.title.clone(),
        summary: Some(first.summary.clone()),
        description: Some(first.description.clone()),
        topics: c.topics.clone(),
        level: c.level,
        format: c.format,
        estimated_hours: c.estimated_hours,
        licence: c.licence.clone(),
        visibility: Some(c.visibility),
        capacity: c.capacity,
    })
    .map_err(|e| at("course", e))?;
    let mut texts = vec![(default.clone(), input.texts)];
    for (i, t) in c.texts.iter().enumerate().skip(1) {
        let path = format!("course.texts[{i}]");
        let language = language_of(&path, &t.language)?;
        let parsed = CourseTexts::try_from(CourseTranslationRequest {
            title: t.title.clone(),
            summary: Some(t.summary.clone()),
            description: Some(t.description.clone()),
            minor: None,
        })
        .map_err(|e| at(&path, e))?;
        if texts.iter().any(|(l, _)| *l == language) {
            return Err(invalid_manifest(format!("{path}: a language given twice")));
        }
        texts.push((language, parsed));
    }
    // Resources.
    if manifest.resources.len() > MAX_RESOURCES {
        return Err(invalid_manifest(format!(
            "resources: at most {MAX_RESOURCES}"
        )));
    }
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut resources = Vec::new();
    for (i, r) in manifest.resources.iter().enumerate() {
        let path = format!("resources[{i}]");
        if keys.insert(r.key.clone(), i).is_some() {
            return Err(invalid_manifest(format!("{path}: the key is used twice")));
        }
        let Some(first) = r.texts.first() else {
            return Err(invalid_manifest(format!("{path}.texts is empty")));
        };
        if r.texts.len() > MAX_LANGUAGES || r.files.len() > MAX_LANGUAGES {
            return Err(invalid_manifest(format!("{path}: too many languages")));
        }
        let visibility = match r.visibility {
            ResourceVisibility::Public => ResourceVisibility::Public,
            _ => ResourceVisibility::Members,
        };
        let input = NewResourceInput::new(ResourceDraft {
            kind: r.kind,
            default_language: r.default_language.clone(),
            title: first.title.clone(),
            description: Some(first.description.clone()),
            licence: r.licence,
            organisation_id: None,
            visibility: Some(visibility),
            cohort_id: None,
            community_id: None,
            url: r.url.clone(),
            topics: r.topics.clone(),
            countries: r.countries.clone(),
        })
        .map_err(|e| at(&path, e))?;
        let mut more_texts = Vec::new();
        for (j, t) in r.texts.iter().enumerate().skip(1) {
            let tpath = format!("{path}.texts[{j}]");
            let language = language_of(&tpath, &t.language)?;
            let parsed =
                ResourceTexts::new(&t.title, Some(&t.description)).map_err(|e| at(&tpath, e))?;
            more_texts.push((language, parsed));
        }
        let mut files = Vec::new();
        for (j, f) in r.files.iter().enumerate() {
            let fpath = format!("{path}.files[{j}]");
            let named = UploadInput::new(&f.language, &f.file_name).map_err(|e| at(&fpath, e))?;
            if !safe_entry_name(&f.path) {
                return Err(refuse("unsafe_path", format!("{fpath}: an unsafe path")));
            }
            let sha = f.sha256.to_ascii_lowercase();
            if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(invalid_manifest(format!("{fpath}.sha256 is not a SHA-256")));
            }
            let entry = match archive.by_name(&f.path) {
                Ok(entry) => entry,
                Err(zip::result::ZipError::FileNotFound) => {
                    return Err(refuse(
                        "missing_file",
                        format!("{fpath}: `{}` is not in the package", f.path),
                    ));
                }
                Err(e) => return Err(refuse("invalid_package", format!("a broken entry: {e}"))),
            };
            let temp = TempFile::new(dir, ".part").map_err(io_error)?;
            let mut out = BufWriter::new(File::create(temp.path()).map_err(io_error)?);
            let mut hasher = Sha256::new();
            let mut reader = entry.take(budget + 1);
            let mut buf = vec![0u8; 64 * 1024];
            let mut size: u64 = 0;
            loop {
                let n = reader.read(&mut buf).map_err(|e| {
                    refuse("invalid_package", format!("{fpath}: cannot be read: {e}"))
                })?;
                if n == 0 {
                    break;
                }
                size += n as u64;
                if size > budget {
                    return Err(too_big());
                }
                hasher.update(&buf[..n]);
                out.write_all(&buf[..n]).map_err(io_error)?;
            }
            out.flush().map_err(io_error)?;
            budget -= size;
            let digest: String = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if digest != sha {
                return Err(refuse(
                    "checksum_mismatch",
                    format!("{fpath}: the file's SHA-256 is not the manifest's"),
                ));
            }
            files.push(ImportedFile {
                language: named.language,
                file_name: named.file_name,
                extension: named.extension,
                sha256: digest,
                size,
                file: temp,
            });
        }
        resources.push(ImportedResource {
            input,
            more_texts,
            files,
        });
    }
    // Modules and lessons.
    if manifest.modules.len() > MAX_MODULES {
        return Err(invalid_manifest(format!("modules: at most {MAX_MODULES}")));
    }
    let mut modules = Vec::new();
    for (mi, m) in manifest.modules.iter().enumerate() {
        let path = format!("modules[{mi}]");
        if m.lessons.len() > MAX_LESSONS || m.titles.len() > MAX_LANGUAGES {
            return Err(invalid_manifest(format!(
                "{path}: at most {MAX_LESSONS} lessons and {MAX_LANGUAGES} languages"
            )));
        }
        let mut titles = Vec::new();
        for (j, t) in m.titles.iter().enumerate() {
            let tpath = format!("{path}.titles[{j}]");
            titles.push((
                language_of(&tpath, &t.language)?,
                module_title(&t.title).map_err(|e| at(&tpath, e))?,
            ));
        }
        let mut lessons = Vec::new();
        for (li, l) in m.lessons.iter().enumerate() {
            let lpath = format!("{path}.lessons[{li}]");
            if l.texts.len() > MAX_LANGUAGES || l.resources.len() > MAX_LESSON_RESOURCES {
                return Err(invalid_manifest(format!(
                    "{lpath}: too many languages or resources"
                )));
            }
            let mut lesson_texts_read = Vec::new();
            for (j, t) in l.texts.iter().enumerate() {
                let tpath = format!("{lpath}.texts[{j}]");
                let language = language_of(&tpath, &t.language)?;
                if !safe_entry_name(&t.content) {
                    return Err(refuse("unsafe_path", format!("{tpath}: an unsafe path")));
                }
                let content = read_named(&mut archive, &t.content, &mut budget)?;
                lesson_texts_read.push((tpath, language, t.title.clone(), content));
            }
            let Some((_, _, first_title, first_content)) = lesson_texts_read.first().cloned()
            else {
                return Err(invalid_manifest(format!("{lpath}.texts is empty")));
            };
            let parsed = NewLessonInput::try_from(CreateLessonRequest {
                kind: l.kind,
                title: first_title,
                content: Some(first_content),
                required: Some(l.required),
                duration_minutes: l.duration_minutes,
                url: l.url.clone(),
                size_bytes: l.size_bytes,
                media_type: l.media_type.clone(),
                caption_languages: Some(l.caption_languages.clone()),
            })
            .map_err(|e| at(&lpath, e))?;
            let mut texts = Vec::new();
            for (tpath, language, title, content) in lesson_texts_read {
                let (title, content) = lesson_texts(LessonTranslationRequest {
                    title,
                    content: Some(content),
                    minor: None,
                })
                .map_err(|e| at(&tpath, e))?;
                texts.push(LessonText {
                    language,
                    title,
                    content,
                });
            }
            let mut links = Vec::new();
            for key in &l.resources {
                let Some(i) = keys.get(key) else {
                    return Err(invalid_manifest(format!(
                        "{lpath}.resources: no resource has the key `{key}`"
                    )));
                };
                let index = ResourceId(i64::try_from(*i).map_err(io_error)?);
                if !links.contains(&index) {
                    links.push(index);
                }
            }
            lessons.push(LessonTree {
                fields: parsed.fields,
                texts,
                resources: links,
                quiz: None,
            });
        }
        modules.push(ModuleTree { titles, lessons });
    }
    let a = &manifest.attribution;
    let attribution = CourseAttribution {
        course_id: crate::types::ids::CourseId(0),
        adapted_from: None,
        origin: Origin::Import,
        title: crate::types::text::clean_line(&a.title, 1, 200)
            .map_err(|m| invalid_manifest(format!("attribution.title: {m}")))?,
        language: language_of("attribution.language", &a.language)?,
        authors: crate::types::text::clean_line(&a.authors, 0, 1000)
            .map_err(|m| invalid_manifest(format!("attribution.authors: {m}")))?,
        licence: match &a.licence {
            Some(l) => Some(
                Licence::parse(l)
                    .map(|l| l.as_str().to_owned())
                    .ok_or_else(|| {
                        invalid_manifest("attribution.licence is not a known SPDX id")
                    })?,
            ),
            None => None,
        },
        created_at: crate::db::now(),
    };
    Ok(ImportPlan {
        tree: CourseTree {
            fields: input.fields,
            texts,
            modules,
        },
        attribution,
        resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_are_plain_relative_paths() {
        for ok in [
            "manifest.json",
            "lessons/001-001/en.md",
            "resources/r1/fil/a_b.pdf",
        ] {
            assert!(safe_entry_name(ok), "{ok}");
        }
        for bad in [
            "../evil",
            "a/../../b",
            "/etc/passwd",
            "a\\b",
            "C:/x",
            "a\u{0}b",
            "./a",
            "",
        ] {
            assert!(!safe_entry_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn names_inside_archives_are_tame() {
        assert_eq!(safe_name("../Toolkit (fil).pdf"), "_Toolkit__fil_.pdf");
        assert_eq!(safe_name("..."), "file");
    }
}
