use std::path::PathBuf;

use serde::Serialize;

use crate::config::{Loaded, StewardConfig};
use crate::output::Output;

#[derive(Debug, Serialize)]
struct Shown {
    /// The config file read, or null when only defaults and env vars apply.
    file: Option<PathBuf>,
    /// The configuration in effect, secrets masked and paths resolved.
    config: StewardConfig,
}

pub fn run(loaded: &Loaded, out: &Output) -> anyhow::Result<()> {
    let shown = Shown {
        file: loaded.file.clone(),
        config: loaded.shown(),
    };
    out.print(&shown, |s| {
        let source = match &s.file {
            Some(file) => format!(
                "# from {} and STEWARD__* environment variables",
                file.display()
            ),
            None => "# no config file: defaults and STEWARD__* environment variables".to_string(),
        };
        let body = toml::to_string_pretty(&s.config)
            .unwrap_or_else(|e| format!("# cannot render the configuration: {e}\n"));
        format!("{source}\n{body}")
    })
}
