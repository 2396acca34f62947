//! dbt models rendered the way dbt compiles them: Jinja (on MiniJinja) with
//! the context dbt gives a model (`ref`, `source`, `config`, `var`,
//! `is_incremental`, `this`, `target`) and the project's own macros, so a real
//! project's models are read from their folder and not only from a compiled
//! manifest. Nothing here reaches outside the project's files: `env_var`
//! takes its default (a secret in the environment must never end up in SQL
//! the catalog keeps), `execute` is false and `run_query` returns nothing, as
//! while dbt parses a project. What the context does not hold (a package's
//! macros, `adapter`) is an error that names it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use minijinja::value::{Object, Rest};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior, Value};

use crate::dbt::DbtProperties;

/// What a project's models are rendered against.
#[derive(Debug, Clone, Copy)]
pub struct DbtContext<'a> {
    /// The schema each model is built in, by model name (lowercase).
    pub schemas: &'a BTreeMap<String, String>,
    /// The sources the project declares: `source()` reads their tables.
    pub properties: &'a DbtProperties,
    /// `vars:` of `dbt_project.yml`.
    pub vars: &'a BTreeMap<String, serde_json::Value>,
    /// The project's macro files (path, text): their `{% macro %}`s are
    /// callable from every model.
    pub macros: &'a [(String, String)],
}

/// The instructions one model's rendering may take: far above what a
/// project's loops over columns and payment methods need.
const FUEL: u64 = 5_000_000;

/// A relation as dbt's context hands it to a model: it prints as
/// `schema.name` and has dbt's attributes.
#[derive(Debug)]
struct Relation {
    schema: Option<String>,
    name: String,
}

impl Relation {
    fn parse(relation: &str) -> Self {
        match relation.rsplit_once('.') {
            Some((schema, name)) => Self {
                schema: Some(schema.to_string()),
                name: name.to_string(),
            },
            None => Self {
                schema: None,
                name: relation.to_string(),
            },
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl Object for Relation {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "schema" => Some(Value::from(self.schema.clone())),
            "name" | "identifier" | "table" => Some(Value::from(self.name.clone())),
            "database" => Some(Value::from(())),
            _ => None,
        }
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        Self: Sized + 'static,
    {
        fmt::Display::fmt(self, f)
    }
}

fn relation(text: String) -> Value {
    Value::from_object(Relation::parse(&text))
}

/// The string arguments of a call, keyword arguments aside.
fn strings(args: &[Value]) -> Vec<String> {
    args.iter()
        .filter(|v| !v.is_kwargs())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

/// A Jinja environment with dbt's context for the project's models.
fn environment<'a>(context: DbtContext<'a>) -> Environment<'a> {
    let mut env = Environment::new();
    // An unknown name is an error that names it, not an empty string in SQL.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // A model is a file anyone with the repository can write: a loop that
    // never ends runs out of fuel instead of holding the ingestion.
    env.set_fuel(Some(FUEL));
    let schemas = Arc::new(context.schemas.clone());
    env.add_function("ref", move |args: Rest<Value>| {
        // ref('model'), ref('package', 'model'), ref('model', v=2)
        let names = strings(&args);
        let model = names
            .last()
            .ok_or_else(|| invalid("ref() takes a model's name".into()))?
            .to_lowercase();
        Ok::<_, Error>(match schemas.get(&model) {
            Some(schema) => relation(format!("{schema}.{model}")),
            None => relation(model),
        })
    });
    let sources = Arc::new(context.properties.clone());
    env.add_function("source", move |args: Rest<Value>| {
        match strings(&args).as_slice() {
            [source, table] => Ok(relation(
                sources
                    .source_relation(source, table)
                    .map_or_else(|| format!("{source}.{table}"), str::to_string),
            )),
            _ => Err(invalid(
                "source() takes a source's and a table's name".into(),
            )),
        }
    });
    let vars = Arc::new(context.vars.clone());
    env.add_function("var", move |args: Rest<Value>| {
        let name = args
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("var() takes a variable's name".into()))?;
        match (vars.get(name), args.get(1)) {
            (Some(value), _) => Ok(Value::from_serialize(value)),
            (None, Some(default)) => Ok(default.clone()),
            (None, None) => Err(invalid(format!(
                "var('{name}') has no value and no default: give it in dbt_project.yml's `vars`"
            ))),
        }
    });
    env.add_function("env_var", |args: Rest<Value>| match args.get(1) {
        Some(default) => Ok(default.clone()),
        None => Err(invalid(format!(
            "env_var('{}') has no default, and Steward does not read the environment into SQL",
            args.first().and_then(Value::as_str).unwrap_or_default()
        ))),
    });
    // Settings the project reads elsewhere (`inline_config`): nothing in SQL.
    env.add_function("config", |_: Rest<Value>| Value::from(""));
    env.add_function("is_incremental", || false);
    env.add_function("run_query", |_: Rest<Value>| Value::from(()));
    env.add_function("log", |_: Rest<Value>| Value::from(""));
    env.add_global("execute", false);
    env.add_global(
        "target",
        Value::from_serialize(serde_json::json!({
            "name": "steward", "type": "steward", "schema": "analytics", "database": null,
            "threads": 1,
        })),
    );
    env
}

/// An error as a steward reads it: what is wrong, and on which line.
fn describe(error: &Error) -> String {
    let mut text = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    if let Some(line) = error.line() {
        text.push_str(&format!(" (line {line})"));
    }
    text
}

/// A dbt project's models, rendered with its macros and settings.
pub struct DbtRenderer<'a> {
    env: Environment<'a>,
    /// `{% from 'macros/x.sql' import a, b %}` for every macro file, on one
    /// line, so that a model's lines keep their numbers.
    imports: String,
}

impl fmt::Debug for DbtRenderer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbtRenderer")
            .field("imports", &self.imports)
            .finish_non_exhaustive()
    }
}

impl<'a> DbtRenderer<'a> {
    /// The renderer for a project with its macros; a macro file that is
    /// not valid Jinja is an error naming it.
    pub fn new(context: DbtContext<'a>) -> Result<Self, String> {
        let mut env = environment(context);
        let mut imports = String::new();
        for (path, text) in context.macros {
            let fail = |e: Error| format!("{path}: {}", describe(&e));
            env.add_template(path, text).map_err(fail)?;
            // What the file defines, as MiniJinja reads it.
            let names = env
                .get_template(path)
                .and_then(|t| t.render_captured(()))
                .map(|captured| captured.state().exports().join(", "))
                .map_err(fail)?;
            if !names.is_empty() {
                imports.push_str(&format!("{{% from {path:?} import {names} %}}"));
            }
        }
        Ok(Self { env, imports })
    }

    /// The renderer for a project without its macros (when one of them
    /// could not be read).
    pub fn without_macros(context: DbtContext<'a>) -> Self {
        Self {
            env: environment(context),
            imports: String::new(),
        }
    }

    /// A model's SQL, rendered: `this` is `target`, the table it builds.
    pub fn render(&self, target: &str, text: &str) -> Result<String, String> {
        let source = format!("{}{text}", self.imports);
        let this = relation(target.to_string());
        self.env
            .render_str(&source, minijinja::context! { this => this })
            .map_err(|e| describe(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, macros: &[(String, String)]) -> Result<String, String> {
        let schemas = BTreeMap::from([("stg_orders".to_string(), "staging".to_string())]);
        let properties = crate::dbt::read_properties(&[(
            "models/_sources.yml",
            "sources:\n  - name: shop\n    schema: raw\n    tables:\n      - name: orders\n        identifier: orders_v2\n",
        )]);
        let vars = BTreeMap::from([("start_date".to_string(), serde_json::json!("2024-01-01"))]);
        let renderer = DbtRenderer::new(DbtContext {
            schemas: &schemas,
            properties: &properties,
            vars: &vars,
            macros,
        })?;
        renderer
            .render("mart.orders", text)
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn models_render_with_dbts_context() {
        let sql = render(
            "{{ config(materialized='incremental') }}\n\
             {% set methods = ['card', 'coupon'] %}\n\
             select order_id,\n\
             {% for m in methods %}sum(case when method = '{{ m }}' then amount end) as {{ m }}_amount,{% endfor %}\n\
             sum(amount) as total\n\
             from {{ ref('stg_orders') }} o join {{ source('shop', 'orders') }} r using (order_id)\n\
             where day >= '{{ var(\"start_date\") }}' and region = '{{ var(\"region\", \"eu\") }}'\n\
             {% if is_incremental() %} and day > (select max(day) from {{ this }}){% endif %}\n\
             {# a comment #} group by order_id",
            &[],
        )
        .unwrap();
        assert_eq!(
            sql,
            "select order_id, sum(case when method = 'card' then amount end) as card_amount,\
             sum(case when method = 'coupon' then amount end) as coupon_amount, sum(amount) as total \
             from staging.stg_orders o join raw.orders_v2 r using (order_id) \
             where day >= '2024-01-01' and region = 'eu' group by order_id"
        );
        assert_eq!(
            render("select * from {{ this.schema }}.x_{{ this.name }}", &[]).unwrap(),
            "select * from mart.x_orders"
        );
    }

    #[test]
    fn the_projects_macros_are_callable_and_lines_keep_their_numbers() {
        let macros = [(
            "macros/cents.sql".to_string(),
            "{% macro cents_to_dollars(column) -%}\n({{ column }} / 100.0)\n{%- endmacro %}"
                .to_string(),
        )];
        assert_eq!(
            render(
                "select {{ cents_to_dollars('amount') }} as amount from t",
                &macros
            )
            .unwrap(),
            "select (amount / 100.0) as amount from t"
        );
        // A macro calls a macro of another file, as dbt allows.
        let more = [
            macros[0].clone(),
            (
                "macros/amounts.sql".to_string(),
                "{% macro net(column) %}{{ cents_to_dollars(column) }} * 0.8{% endmacro %}"
                    .to_string(),
            ),
        ];
        assert_eq!(
            render("select {{ net('amount') }} as net from t", &more).unwrap(),
            "select (amount / 100.0) * 0.8 as net from t"
        );
        let err = render("select 1\nfrom {{ dbt_utils.star('x') }}", &macros).unwrap_err();
        assert!(err.contains("undefined") && err.contains("line 2"), "{err}");
    }

    #[test]
    fn what_the_project_does_not_say_is_an_error_naming_it() {
        let err = render("select {{ var('missing') }}", &[]).unwrap_err();
        assert!(err.contains("var('missing') has no value"), "{err}");
        // The environment is never read into SQL.
        let err = render("select '{{ env_var('HOME') }}'", &[]).unwrap_err();
        assert!(err.contains("does not read the environment"), "{err}");
        assert_eq!(
            render("select '{{ env_var('HOME', 'x') }}' as h", &[]).unwrap(),
            "select 'x' as h"
        );
        assert!(render("select {{ x", &[]).is_err());
        let err = render(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            &[],
        )
        .unwrap_err();
        assert!(err.contains("fuel"), "{err}");
        let bad = [("macros/bad.sql".to_string(), "{% macro x( %}".to_string())];
        let err = render("select 1", &bad).unwrap_err();
        assert!(err.starts_with("macros/bad.sql:"), "{err}");
    }
}
