//! `steward pii` (the sensitive columns and why) and `steward classify` (a
//! steward's decision on one column).

use steward_pii::Label;
use steward_service::{
    ClassifyOutcome, QUASI_IDENTIFIER, SensitiveColumn, StewardDecision, classify_column,
    sensitive_columns,
};
use steward_types::{ClassificationOrigin, ErrorKind};

use crate::cli::{ClassifyArgs, PiiArgs};
use crate::commands::{actor, open_store, refresh_index};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

fn parse_label(text: &str) -> anyhow::Result<Label> {
    text.parse::<Label>()
        .map_err(|e| Failure::new(ErrorKind::Invalid, e).into())
}

pub async fn list(loaded: &Loaded, args: &PiiArgs, out: &Output) -> anyhow::Result<()> {
    let wanted = match args.label.as_deref() {
        Some(l) if l.eq_ignore_ascii_case(QUASI_IDENTIFIER) => Some(QUASI_IDENTIFIER.to_string()),
        Some(l) => Some(parse_label(l)?.to_string()),
        None => None,
    };
    let store = open_store(loaded).await?;
    let result = sensitive_columns(&store, args.source.as_deref()).await;
    store.close().await;
    let columns: Vec<SensitiveColumn> = result?
        .into_iter()
        .filter(|c| wanted.as_ref().is_none_or(|w| *w == c.label))
        .collect();
    out.print(&columns, human)
}

fn human(columns: &Vec<SensitiveColumn>) -> String {
    if columns.is_empty() {
        return "no sensitive columns found (scan a source with `steward scan`)\n".to_string();
    }
    let mut text = String::new();
    for c in columns {
        let who = match (c.origin, &c.decided_by) {
            (ClassificationOrigin::Steward, Some(by)) => format!("confirmed by {by}"),
            (origin, _) => format!("{origin}, {:.0}%", c.confidence * 100.0),
        };
        let qualified = format!("{}.{}.{}", c.source, c.table, c.column);
        text.push_str(&format!("{qualified:<44} {:<20} {who}\n", c.label));
        for reason in c.evidence.iter().chain(c.reason.iter()) {
            text.push_str(&format!("    {reason}\n"));
        }
    }
    let labelled = columns
        .iter()
        .filter(|c| c.label != QUASI_IDENTIFIER)
        .count();
    text.push_str(&format!(
        "{labelled} sensitive column(s), {} in quasi-identifier combinations\n",
        columns.len() - labelled
    ));
    text
}

pub async fn classify(loaded: &Loaded, args: &ClassifyArgs, out: &Output) -> anyhow::Result<()> {
    let decision = match (&args.label, args.reject) {
        (Some(label), false) => StewardDecision::Label(parse_label(label)?),
        (None, true) => StewardDecision::Reject,
        _ => {
            return Err(
                Failure::new(ErrorKind::Invalid, "give either --label LABEL or --reject").into(),
            );
        }
    };
    let by = actor(&args.by);
    let store = open_store(loaded).await?;
    let result = classify_column(&store, &args.column, decision, args.reason.clone(), &by).await;
    if result.is_ok() {
        refresh_index(loaded, &store).await;
    }
    store.close().await;
    let outcome = result?;
    out.print(&outcome, |o: &ClassifyOutcome| {
        let what = match o.classification.verdict {
            steward_types::Verdict::Rejected => "not sensitive".to_string(),
            _ => o.classification.label.clone(),
        };
        let detector = o
            .detector_label
            .as_deref()
            .map_or("nothing".to_string(), str::to_string);
        format!(
            "{}: {what} (decided by {}; the detector suggests {detector}); re-scans keep this decision\n",
            o.column, by
        )
    })
}
