//! Where the command's config comes from: `--config FILE` (a JSON object, the library's
//! own config format), then `PAYTOKEN_*` environment variables, one per config key,
//! derived from the library's key table. Secrets never come from the command line.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use paytoken::{config_key_table, ConfigKeyType};
use serde_json::{Map, Value};

use crate::exit::{CliError, EX_NOINPUT, EX_NOPERM};

/// `clientKey` -> `PAYTOKEN_CLIENT_KEY`.
pub fn env_name(key: &str) -> String {
    let mut name = String::from("PAYTOKEN_");
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

/// Every variable the command reads, with its key and value type (for `--help`).
pub fn variables() -> Vec<(String, &'static str, ConfigKeyType)> {
    config_key_table()
        .into_iter()
        .map(|(key, kind)| (env_name(key), key, kind))
        .collect()
}

/// The config the command will use, and whether the user chose `cacheDir` themselves.
pub struct Settings {
    pub config: Map<String, Value>,
    pub cache_dir_chosen: bool,
}

impl Settings {
    pub fn load(config_file: Option<&Path>) -> Result<Settings, CliError> {
        let mut config = match config_file {
            Some(path) => read_config_file(path)?,
            None => Map::new(),
        };
        let mut cache_dir_chosen = config.contains_key("cacheDir");
        for (var, key, kind) in variables() {
            let Some(raw) = std::env::var_os(&var) else {
                continue;
            };
            let Some(text) = raw.to_str() else {
                return Err(CliError::config(format!("{var} is not UTF-8")));
            };
            if key == "cacheDir" {
                cache_dir_chosen = true;
                if text.is_empty() {
                    // PAYTOKEN_CACHE_DIR= (empty) turns the host-wide cache off.
                    config.remove(key);
                    continue;
                }
            }
            config.insert(key.to_owned(), typed(&var, text, kind)?);
        }
        Ok(Settings {
            config,
            cache_dir_chosen,
        })
    }

    pub fn json(&self) -> String {
        Value::Object(self.config.clone()).to_string()
    }

    /// The config without the host-wide cache.
    pub fn without_cache_dir(&self) -> String {
        let mut config = self.config.clone();
        config.remove("cacheDir");
        Value::Object(config).to_string()
    }

    /// Adds the default `cacheDir` unless the user chose one (or chose none).
    pub fn with_default_cache_dir(&mut self) -> Option<PathBuf> {
        if self.cache_dir_chosen {
            return None;
        }
        let dir = default_cache_dir()?;
        self.config.insert(
            "cacheDir".into(),
            Value::String(dir.to_string_lossy().into_owned()),
        );
        Some(dir)
    }
}

/// The value's text read as the key's JSON type; the value itself is never echoed (it
/// may be a secret).
fn typed(var: &str, text: &str, kind: ConfigKeyType) -> Result<Value, CliError> {
    match kind {
        ConfigKeyType::String => Ok(Value::String(text.to_owned())),
        ConfigKeyType::Integer => text
            .trim()
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| CliError::config(format!("{var} must be a whole number"))),
        ConfigKeyType::Boolean => match text.trim() {
            "true" | "1" | "yes" => Ok(Value::Bool(true)),
            "false" | "0" | "no" => Ok(Value::Bool(false)),
            _ => Err(CliError::config(format!("{var} must be true or false"))),
        },
    }
}

/// `$XDG_RUNTIME_DIR/paytoken` (a per-user tmpfs, emptied at logout and reboot), else
/// `~/.cache/paytoken/tokens`. The parents are created `0700` here; the library creates
/// the directory itself and checks its owner and mode.
fn default_cache_dir() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| {
        let p = PathBuf::from(v);
        p.is_absolute().then_some(p)
    };
    let (parent, dir) = match std::env::var_os("XDG_RUNTIME_DIR").and_then(absolute) {
        Some(runtime) => (runtime.clone(), runtime.join("paytoken")),
        None => {
            let home = std::env::var_os("HOME").and_then(absolute)?;
            let parent = home.join(".cache").join("paytoken");
            (parent.clone(), parent.join("tokens"))
        }
    };
    if !parent.is_dir() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&parent)
            .ok()?;
    }
    Some(dir)
}

/// Reads `--config FILE`, refusing a file that another user owns or that other users can
/// read or write (it holds secrets).
fn read_config_file(path: &Path) -> Result<Map<String, Value>, CliError> {
    let shown = path.display();
    let mut file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| CliError::new(EX_NOINPUT, format!("--config {shown}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| CliError::new(EX_NOINPUT, format!("--config {shown}: {e}")))?;
    let me = paytoken::sys::effective_uid();
    if meta.uid() != me {
        return Err(CliError::new(
            EX_NOPERM,
            format!(
                "--config {shown} is owned by uid {}, not by you (uid {me}); refused: it holds secrets",
                meta.uid()
            ),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(CliError::new(
            EX_NOPERM,
            format!(
                "--config {shown} can be read or written by other users (mode {:o}); refused: it holds secrets (chmod 600 it)",
                meta.mode() & 0o777
            ),
        ));
    }
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| CliError::new(EX_NOINPUT, format!("--config {shown}: {e}")))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        // serde_json's message gives line and column, never the text.
        Err(e) => Err(CliError::config(format!(
            "--config {shown} is not valid JSON: {e}"
        ))),
        Ok(_) => Err(CliError::config(format!(
            "--config {shown} must hold a JSON object"
        ))),
    }
}
