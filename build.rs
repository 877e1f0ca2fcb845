//! Compiles the email templates under `templates/email/<lang>/` and the seed content under
//! `src/seed/data/` into the binary.
//!
//! A language is added by adding files, with no Rust change: this script lists every
//! `<name>.subject.txt`, `<name>.txt` and `<name>.html` and writes a table of
//! `include_str!`s that `src/email/templates.rs` includes. A translation with a part
//! missing, or a file that is not one of those three kinds, stops the build, so that a
//! mistake shows up here rather than as an email that cannot be rendered.

#![expect(
    clippy::expect_used,
    reason = "a build script fails by panicking; cargo shows the message and stops the build"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The parts of one template, as file suffixes and the kind named in the table.
/// `.subject.txt` comes before `.txt`, which it also ends with.
const KINDS: [(&str, &str); 3] = [
    (".subject.txt", "subject"),
    (".txt", "text"),
    (".html", "html"),
];

fn main() {
    // Read when the script runs, not when it is compiled: worktrees that share a target
    // directory share this script's binary, which must read the tree being built.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("templates")
        .join("email");
    // A directory is scanned as a whole: a new language or file reruns this script.
    println!("cargo:rerun-if-changed=templates/email");
    // `embed_migrations!` reads the migration folders when the crate compiles, but cargo
    // learns only of the files it read: a new migration folder would leave a stale binary
    // that lacks it. Rerunning this script when the folders change recompiles the crate.
    println!("cargo:rerun-if-changed=migrations");

    // (lang, name) -> kind -> path
    let mut found: BTreeMap<(String, String), BTreeMap<&str, PathBuf>> = BTreeMap::new();
    for lang_dir in sorted_entries(&root) {
        if !lang_dir.is_dir() {
            continue;
        }
        let lang = file_name(&lang_dir);
        if lang.starts_with('.') {
            continue;
        }
        assert!(
            !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "templates/email/{lang}: a language folder is named by its tag, e.g. `fil` or `zh-Hans`"
        );
        for file in sorted_entries(&lang_dir) {
            let file_name = file_name(&file);
            // Editors' swap and backup files are not templates.
            if file_name.starts_with('.') || file_name.ends_with('~') {
                continue;
            }
            let Some((name, kind)) = KINDS.iter().find_map(|(suffix, kind)| {
                file_name
                    .strip_suffix(suffix)
                    .map(|name| (name.to_owned(), *kind))
            }) else {
                panic!(
                    "templates/email/{lang}/{file_name}: expected <name>.subject.txt, <name>.txt or <name>.html"
                );
            };
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "templates/email/{lang}/{file_name}: a template name is snake_case"
            );
            found
                .entry((lang.clone(), name))
                .or_default()
                .insert(kind, file);
        }
    }

    let mut table = String::from(
        "/// Every template part: (language, template name, kind, text).\n\
         static TEMPLATE_FILES: &[(&str, &str, &str, &str)] = &[\n",
    );
    for ((lang, name), parts) in &found {
        for (_, kind) in KINDS {
            let Some(path) = parts.get(kind) else {
                panic!(
                    "templates/email/{lang}/{name}: the {kind} part is missing; a template needs \
                     {name}.subject.txt, {name}.txt and {name}.html"
                );
            };
            let path = path
                .to_str()
                .unwrap_or_else(|| panic!("{}: the path is not UTF-8", path.display()));
            writeln!(
                table,
                "    ({lang:?}, {name:?}, {kind:?}, include_str!({path:?})),"
            )
            .expect("writing to a String cannot fail");
        }
    }
    table.push_str("];\n");

    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("email_templates.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));

    seed_files();
}

/// Embeds every `.toml` file under `src/seed/data/` as `(path relative to it, text)`, so that
/// a demo course, community or translation is added by adding a file; `src/seed/data.rs`
/// parses them (and its tests check them).
fn seed_files() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("src")
        .join("seed")
        .join("data");
    println!("cargo:rerun-if-changed=src/seed/data");
    let mut files = Vec::new();
    collect_toml(&root, &root, &mut files);
    let mut table = String::from(
        "/// Every seed data file: (path under src/seed/data/, text).\n\
         static SEED_FILES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        let path = path
            .to_str()
            .unwrap_or_else(|| panic!("{}: the path is not UTF-8", path.display()));
        writeln!(table, "    ({name:?}, include_str!({path:?})),")
            .expect("writing to a String cannot fail");
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("seed_files.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

fn collect_toml(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    for path in sorted_entries(dir) {
        let name = file_name(&path);
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        // Directories are scanned too: a new course folder reruns this script.
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect_toml(root, &path, out);
            continue;
        }
        assert!(
            name.ends_with(".toml"),
            "{}: seed data files are TOML (<name>.toml)",
            path.display()
        );
        let relative = path
            .strip_prefix(root)
            .expect("found under the root")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.push((relative, path));
    }
}

/// The entries of `dir`, sorted so that the generated table does not depend on the file system.
fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
                .path()
        })
        .collect();
    paths.sort();
    paths
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_else(|| panic!("{}: the name is not UTF-8", path.display()))
        .to_owned()
}
