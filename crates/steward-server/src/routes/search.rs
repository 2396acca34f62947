//! Search across tables, columns, policies and findings, with facets and
//! highlighted snippets, typos forgiven (the in-process Tantivy index).

use axum::extract::State;
use serde::Deserialize;
use steward_service::{SearchResults, ServiceError};
use steward_types::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Json, Query};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to search for.
    pub q: Option<String>,
    /// Only this kind: `table`, `column`, `policy`, `finding`.
    pub kind: Option<String>,
    pub source: Option<String>,
    pub schema: Option<String>,
    /// Only assets with this sensitivity label.
    pub label: Option<String>,
    pub owner: Option<String>,
    pub tag: Option<String>,
    /// Hits to return, 1 to 200 [default: 20].
    pub limit: Option<usize>,
}

/// Searches the catalog.
#[utoipa::path(get, path = "/api/v1/search", tag = "catalog", params(SearchQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = SearchResults), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchResults>, Problem> {
    caller.require(Role::Viewer)?;
    let limit = query.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(
            ServiceError::Invalid(format!("limit {limit} is out of range: 1 to 200")).into(),
        );
    }
    let filters: Vec<(String, String)> = [
        ("kind", query.kind),
        ("source", query.source),
        ("schema", query.schema),
        ("label", query.label),
        ("owner", query.owner),
        ("tag", query.tag),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
    .collect();
    let words = query.q.unwrap_or_default();
    if words.trim().is_empty() && filters.is_empty() {
        return Err(ServiceError::Invalid(
            "give words to search for (`q`) or a facet (`kind`, `label`, ...)".to_string(),
        )
        .into());
    }
    Ok(Json(state.steward.search(&words, filters, limit).await?))
}
