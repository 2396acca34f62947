//! `lake/hr/employees.csv`: the HR export, with national ids for the US and
//! UK offices and two columns that only look sensitive.

use crate::SampleError;
use crate::clock::{self, DAY, EPOCH};
use crate::finance;
use crate::lake::{Columns, Sink};
use crate::people::{self, Locale, ascii_fold};
use crate::rng::Rng;

pub const EMPLOYEES: usize = 200;
pub const WORK_DOMAIN: &str = "northpeak.io";

const DEPARTMENTS: [(&str, u32, f64); 9] = [
    // (name, weight, median salary in the office's currency)
    ("Engineering", 30, 118_000.0),
    ("Data", 8, 112_000.0),
    ("Sales", 14, 82_000.0),
    ("Marketing", 10, 78_000.0),
    ("Customer Support", 16, 48_000.0),
    ("Operations", 10, 61_000.0),
    ("Finance", 5, 90_000.0),
    ("People", 4, 72_000.0),
    ("Legal", 3, 125_000.0),
];

pub fn write(sink: &mut Sink, scale: u32) -> Result<(), SampleError> {
    let mut rng = Rng::stream("employees");
    let n = EMPLOYEES * scale as usize;
    // The first tenth are managers; everyone else reports to one of them.
    let managers = (n / 10).max(1) as i64;
    let (
        mut names,
        mut ids,
        mut emails,
        mut salaries,
        mut hired,
        mut departments,
        mut bosses,
        mut passports,
        mut invoices,
        mut years,
    ) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for i in 0..n as i64 {
        let us_office = rng.chance(0.55);
        let locale = if rng.chance(0.6) {
            if us_office { Locale::Us } else { Locale::Uk }
        } else {
            *rng.pick(&[
                Locale::Es,
                Locale::De,
                Locale::Fr,
                Locale::In,
                Locale::Cn,
                Locale::Ng,
            ])
        };
        let person = people::person(&mut rng, locale);
        emails.push(format!(
            "{}.{}@{WORK_DOMAIN}",
            ascii_fold(&person.first_name),
            ascii_fold(&person.last_name)
        ));
        names.push(person.full_name());
        ids.push(if us_office {
            finance::ssn(&mut rng)
        } else {
            finance::nino(&mut rng)
        });
        let weights: Vec<(usize, u32)> = DEPARTMENTS
            .iter()
            .enumerate()
            .map(|(d, (_, w, _))| (d, *w))
            .collect();
        let (department, _, median) = DEPARTMENTS[*rng.weighted(&weights)];
        departments.push(department);
        // UK salaries are in pounds; managers earn more.
        let office = if us_office { 1.0 } else { 0.62 };
        let level = if i < managers {
            1.45
        } else {
            0.75 + rng.unit() * 0.6
        };
        salaries.push((median * office * level / 100.0).round() * 100.0);
        hired.push(clock::date(EPOCH - rng.between(30, 12 * 365) * DAY).to_string());
        bosses.push(match i {
            0 => None,
            i if i < managers => Some(1),
            _ => Some(rng.between(1, managers)),
        });
        // Employees who travel for work have a passport on file.
        passports.push(
            (us_office && rng.chance(0.35))
                .then(|| format!("{}{}", rng.between(1, 9), rng.digits(8))),
        );
        invoices.push(finance::ssn_lookalike(&mut rng));
        let start = rng.between(19, 24);
        years.push(format!("{start}{}", start + 1));
    }
    let columns = Columns::default()
        .int("employee_id", (1..=n as i64).map(|i| 1_000 + i))
        .text("full_name", names)
        .text("national_id", ids)
        .text("work_email", emails)
        .float("salary", salaries)
        .text("hire_date", hired)
        .text("department", departments)
        .opt_int(
            "manager_id",
            bosses.into_iter().map(|b| b.map(|b| 1_000 + b)),
        )
        .opt_text("passport_number", passports)
        .text("invoice_ref", invoices)
        .text("academic_year_code", years);
    sink.csv("lake/hr/employees.csv", columns)
}
