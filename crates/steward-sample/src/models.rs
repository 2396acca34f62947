//! `models/`: the dbt project that builds staging and marts from raw. The
//! generator computes the same tables (see `derived.rs`), so the SQL here is
//! the lineage truth.

/// The project around the models: `dbt_project.yml` (folder configs and a
/// default owner), the sources the models read, and the models' properties
/// (descriptions, owners in `meta`, tags, columns and their tests).
pub const PROJECT: [(&str, &str); 4] = [
    ("dbt_project.yml", DBT_PROJECT),
    ("models/_sources.yml", SOURCES),
    ("models/schema.yml", SCHEMA),
    ("macros/age_band.sql", AGE_BAND),
];

/// A macro, as real projects keep shared SQL: the age band of a birth date.
const AGE_BAND: &str = "\
{% macro age_band(birth_date, as_of) -%}
    case
    {%- for upper, band in [(25, '18-24'), (35, '25-34'), (45, '35-44'), (55, '45-54'), (65, '55-64')] %}
        when date_diff('year', {{ birth_date }}, date '{{ as_of }}') < {{ upper }} then '{{ band }}'
    {%- endfor %}
        else '65+'
    end
{%- endmacro %}
";

const DBT_PROJECT: &str = "\
name: shop
version: \"1.0.0\"
profile: shop
model-paths: [\"models\"]

models:
  shop:
    +materialized: table
    +meta:
      owner: data-platform@shop.example
";

const SOURCES: &str = "\
version: 2

sources:
  - name: raw
    schema: raw
    description: The shop's exports, landed in the lake as they are written.
    tables:
      - name: customers
        description: One row per customer account, as the CRM exports it.
      - name: orders
        description: Every order, with its status and amount.
";

const SCHEMA: &str = "\
version: 2

models:
  - name: stg_customers
    description: >
      Customers for analysts: the email hashed so they can join on it without
      reading it, the birth date reduced to an age band.
    meta:
      owner: analytics-engineering@shop.example
    columns:
      - name: customer_id
        description: The customer's id in the shop.
        data_tests: [unique, not_null]
      - name: email_sha256
        description: SHA-256 of the trimmed, lowercased email address.
      - name: age_band
        data_tests:
          - accepted_values:
              values: ['18-24', '25-34', '35-44', '45-54', '55-64', '65+']

  - name: customer_360
    description: The customer view the CRM and marketing read; it carries name and email.
    meta:
      owner: crm-team@shop.example
    tags: [crm]
    columns:
      - name: customer_id
        data_tests:
          - unique
          - not_null
          - relationships:
              to: ref('stg_customers')
              field: customer_id
      - name: email
        description: The customer's email address, in clear.

  - name: revenue_daily
    description: Revenue kept (paid or shipped) per day and country, with the legal entity that books it.
    meta:
      owner: finance-analytics@shop.example
    tags: [finance]
    columns:
      - name: day
        data_tests: [not_null]
";

pub const MODELS: [(&str, &str); 3] = [
    ("models/stg_customers.sql", STG_CUSTOMERS),
    ("models/customer_360.sql", CUSTOMER_360),
    ("models/revenue_daily.sql", REVENUE_DAILY),
];

const STG_CUSTOMERS: &str = "\
-- One row per customer; the email is hashed so analysts can join on it
-- without reading it.
{{ config(materialized='table', schema='staging') }}

with source as (

    select * from {{ source('raw', 'customers') }}

)

select
    customer_id,
    sha256(lower(trim(email))) as email_sha256,
    country,
    {{ age_band('date_of_birth', var('as_of', '2024-01-01')) }} as age_band,
    strftime(created_at, '%Y-%m') as signup_month
from source
";

const CUSTOMER_360: &str = "\
-- The customer view the CRM and marketing read. Carries name and email.
{{ config(materialized='table', schema='mart') }}

with customers as (

    select * from {{ source('raw', 'customers') }}

),

staged as (

    select customer_id, country from {{ ref('stg_customers') }}

),

order_stats as (

    select
        customer_id,
        sum(case when status in ('paid', 'shipped') then amount else 0 end) as lifetime_value,
        count(case when status <> 'cancelled' then 1 end) as order_count,
        max(created_at) as last_order_at
    from {{ source('raw', 'orders') }}
    group by customer_id

)

select
    c.customer_id,
    c.first_name || ' ' || c.last_name as full_name,
    c.email,
    s.country,
    coalesce(o.lifetime_value, 0) as lifetime_value,
    coalesce(o.order_count, 0) as order_count,
    o.last_order_at
from customers c
join staged s on s.customer_id = c.customer_id
left join order_stats o on o.customer_id = c.customer_id
";

const REVENUE_DAILY: &str = "\
-- Revenue kept (paid or shipped) per day and country, with the legal entity
-- that books it.
{{ config(materialized='table', schema='mart') }}

with orders as (

    select * from {{ source('raw', 'orders') }}
    where status in ('paid', 'shipped')

)

select
    cast(o.created_at as date) as day,
    s.country,
    sum(o.amount) as revenue,
    count(*) as orders,
    case s.country
        when 'US' then 'Globex Corporation'
        when 'GB' then 'Initech Ltd'
        when 'DE' then 'Acme GmbH'
        when 'FR' then 'Soylent SARL'
        when 'ES' then 'Umbrella Iberia S.L.'
        when 'IN' then 'Wayne Enterprises Pvt Ltd'
        when 'CN' then 'Stark Industries (Shanghai) Co., Ltd.'
        else 'Cyberdyne Systems Nigeria Ltd'
    end as company_name
from orders o
join {{ ref('stg_customers') }} s on s.customer_id = o.customer_id
group by 1, 2, 5
order by 1, 2
";
