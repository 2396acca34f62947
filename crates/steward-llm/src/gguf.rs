//! A look at a GGUF file's header before llama.cpp gets it: a file that is not
//! GGUF, or is cut short, gets a clear error naming the file instead of
//! whatever llama.cpp makes of it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{LlmError, Result};

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GgufHeader {
    pub version: u32,
    pub tensors: u64,
    /// `general.architecture`: `llama`, `qwen2`, ...
    pub architecture: Option<String>,
}

/// Keys longer than this, or strings and arrays this large, mean a corrupt
/// header (real ones are far smaller).
const SANE_LEN: u64 = 1 << 24;

pub fn read_header(path: &Path) -> Result<GgufHeader> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LlmError::ModelNotFound(path.to_path_buf()),
        _ => LlmError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    let mut r = BufReader::new(file);
    let not = |reason: &str| LlmError::NotGguf {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let mut magic = [0u8; 4];
    r.read_exact(&mut magic)
        .map_err(|_| not("the file is shorter than a GGUF header"))?;
    if &magic != b"GGUF" {
        return Err(not("it does not start with the GGUF magic bytes"));
    }
    let mut h = Header { r, path };
    let version = h.u32()?;
    if !(2..=3).contains(&version) {
        return Err(not(&format!(
            "GGUF version {version} is not supported (2 or 3)"
        )));
    }
    let tensors = h.u64()?;
    let kvs = h.u64()?;
    let mut architecture = None;
    for _ in 0..kvs.min(SANE_LEN) {
        let key = h.string()?;
        let kind = h.u32()?;
        if key == "general.architecture" && kind == STRING {
            architecture = Some(h.string()?);
            break;
        }
        h.skip_value(kind)?;
    }
    Ok(GgufHeader {
        version,
        tensors,
        architecture,
    })
}

const STRING: u32 = 8;
const ARRAY: u32 = 9;

struct Header<'a> {
    r: BufReader<File>,
    path: &'a Path,
}

impl Header<'_> {
    fn cut(&self) -> LlmError {
        LlmError::NotGguf {
            path: self.path.to_path_buf(),
            reason: "the header is cut short or corrupt".to_string(),
        }
    }

    fn bytes(&mut self, n: u64) -> Result<Vec<u8>> {
        if n > SANE_LEN {
            return Err(self.cut());
        }
        let mut buf = vec![0u8; n as usize];
        self.r.read_exact(&mut buf).map_err(|_| self.cut())?;
        Ok(buf)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }

    fn string(&mut self) -> Result<String> {
        let n = self.u64()?;
        let b = self.bytes(n)?;
        String::from_utf8(b).map_err(|_| self.cut())
    }

    fn skip_value(&mut self, kind: u32) -> Result<()> {
        let width = match kind {
            0 | 1 | 7 => 1,
            2 | 3 => 2,
            4..=6 => 4,
            10..=12 => 8,
            STRING => {
                self.string()?;
                return Ok(());
            }
            ARRAY => {
                let inner = self.u32()?;
                let n = self.u64()?;
                if n > SANE_LEN {
                    return Err(self.cut());
                }
                for _ in 0..n {
                    self.skip_value(inner)?;
                }
                return Ok(());
            }
            _ => return Err(self.cut()),
        };
        self.bytes(width)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(kvs: &[(&str, &str)]) -> Vec<u8> {
        let mut out = b"GGUF".to_vec();
        out.extend(3u32.to_le_bytes());
        out.extend(0u64.to_le_bytes());
        out.extend((kvs.len() as u64 + 1).to_le_bytes());
        // A u32 value first, to be skipped.
        let key = "general.alignment";
        out.extend((key.len() as u64).to_le_bytes());
        out.extend(key.as_bytes());
        out.extend(4u32.to_le_bytes());
        out.extend(32u32.to_le_bytes());
        for (k, v) in kvs {
            out.extend((k.len() as u64).to_le_bytes());
            out.extend(k.as_bytes());
            out.extend(STRING.to_le_bytes());
            out.extend((v.len() as u64).to_le_bytes());
            out.extend(v.as_bytes());
        }
        out
    }

    #[test]
    fn headers_are_read_and_bad_files_named() {
        let dir = std::env::temp_dir().join(format!("steward-gguf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.gguf");
        std::fs::write(&good, header(&[("general.architecture", "llama")])).unwrap();
        let h = read_header(&good).unwrap();
        assert_eq!(h.architecture.as_deref(), Some("llama"));

        let text = dir.join("notes.gguf");
        std::fs::write(&text, "hello, not a model").unwrap();
        let e = read_header(&text).unwrap_err().to_string();
        assert!(e.contains("notes.gguf") && e.contains("magic"), "{e}");

        let bytes = header(&[("general.architecture", "llama")]);
        let cut = dir.join("cut.gguf");
        std::fs::write(&cut, &bytes[..bytes.len() - 3]).unwrap();
        let e = read_header(&cut).unwrap_err().to_string();
        assert!(e.contains("cut short"), "{e}");

        let e = read_header(&dir.join("missing.gguf")).unwrap_err();
        assert!(matches!(e, LlmError::ModelNotFound(_)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
