//! `steward pii` (the sensitive columns and why) and `steward classify` (a
//! steward's decision on one column).

use steward_service::{
    ClassifyOutcome, QUASI_IDENTIFIER, SensitiveColumn, StewardDecision, label_decision,
};
use steward_types::{ClassificationOrigin, ErrorKind};

use crate::cli::{ClassifyArgs, PiiArgs};
use crate::commands::{actor, with_steward};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

pub async fn list(loaded: &Loaded, args: &PiiArgs, out: &Output) -> anyhow::Result<()> {
    let columns = with_steward(loaded, async |s| {
        s.sensitive_columns(args.source.as_deref(), args.label.as_deref())
            .await
    })
    .await?;
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
        (Some(label), false) => label_decision(label)?,
        (None, true) if args.reason.as_deref().is_none_or(|r| r.trim().is_empty()) => {
            return Err(Failure::new(
                ErrorKind::Invalid,
                "a rejection needs a reason, kept for the next steward: give --reason TEXT",
            )
            .into());
        }
        (None, true) => StewardDecision::Reject,
        _ => {
            return Err(
                Failure::new(ErrorKind::Invalid, "give either --label LABEL or --reject").into(),
            );
        }
    };
    let by = actor(&args.by);
    let outcome = with_steward(loaded, async |s| {
        s.classify(&args.column, decision, args.reason.clone(), &by)
            .await
    })
    .await?;
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
