//! Names, emails, phones and postal addresses in the formats each country
//! really uses, accents included, so detectors meet what production holds.

use chrono::{Days, NaiveDate};

use crate::clock;
use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Us,
    Uk,
    Es,
    De,
    Fr,
    In,
    Cn,
    Ng,
}

impl Locale {
    /// The customer mix of a web shop selling mostly in the US and Europe.
    pub fn random(rng: &mut Rng) -> Self {
        use Locale::*;
        *rng.weighted(&[
            (Us, 30),
            (Uk, 15),
            (De, 12),
            (Fr, 10),
            (Es, 10),
            (In, 12),
            (Cn, 6),
            (Ng, 5),
        ])
    }

    /// ISO 3166-1 alpha-2.
    pub fn country(self) -> &'static str {
        match self {
            Self::Us => "US",
            Self::Uk => "GB",
            Self::Es => "ES",
            Self::De => "DE",
            Self::Fr => "FR",
            Self::In => "IN",
            Self::Cn => "CN",
            Self::Ng => "NG",
        }
    }

    pub fn currency(self) -> &'static str {
        match self {
            Self::Us => "USD",
            Self::Uk => "GBP",
            Self::Es | Self::De | Self::Fr => "EUR",
            Self::In => "INR",
            Self::Cn => "CNY",
            Self::Ng => "NGN",
        }
    }

    /// Units of the local currency per US dollar, so amounts look local.
    pub fn per_usd(self) -> f64 {
        match self {
            Self::Us => 1.0,
            Self::Uk => 0.79,
            Self::Es | Self::De | Self::Fr => 0.92,
            Self::In => 83.0,
            Self::Cn => 7.2,
            Self::Ng => 900.0,
        }
    }

    fn names(
        self,
    ) -> (
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
    ) {
        match self {
            Self::Us => (
                &[
                    "Mary", "Jennifer", "Emily", "Jessica", "Sarah", "Ashley", "Zoë", "Olivia",
                    "Madison", "Brianna",
                ],
                &[
                    "James",
                    "Michael",
                    "Robert",
                    "David",
                    "William",
                    "Christopher",
                    "Daniel",
                    "Matthew",
                    "Tyler",
                    "DeShawn",
                ],
                &[
                    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
                    "O'Connor", "Anderson", "Taylor", "Wilson", "Nguyen",
                ],
            ),
            Self::Uk => (
                &[
                    "Amelia",
                    "Isla",
                    "Ava",
                    "Sophie",
                    "Charlotte",
                    "Zoë",
                    "Eleanor",
                    "Freya",
                    "Siobhan",
                ],
                &[
                    "Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "Alfie", "Rhys",
                    "Callum",
                ],
                &[
                    "Smith",
                    "Jones",
                    "Taylor",
                    "Brown",
                    "Wright",
                    "Evans",
                    "Walker",
                    "Hughes",
                    "Fitzgerald",
                    "Davies",
                    "Ó Briain",
                    "Holmes",
                ],
            ),
            Self::Es => (
                &[
                    "María", "Carmen", "Lucía", "Ana", "Sofía", "Mercedes", "Inés", "Pilar",
                    "Begoña",
                ],
                &[
                    "José",
                    "Antonio",
                    "Manuel",
                    "Javier",
                    "Alejandro",
                    "Andrés",
                    "Íñigo",
                    "Raúl",
                    "Jesús",
                ],
                &[
                    "García",
                    "Fernández",
                    "González",
                    "Rodríguez",
                    "López",
                    "Martínez",
                    "Sánchez",
                    "Pérez",
                    "Núñez",
                    "Muñoz",
                    "Ibáñez",
                    "Castillo",
                ],
            ),
            Self::De => (
                &[
                    "Anna", "Lena", "Sophie", "Greta", "Käthe", "Hannah", "Lea", "Jördis", "Ursula",
                ],
                &[
                    "Lukas",
                    "Jürgen",
                    "Maximilian",
                    "Felix",
                    "Jonas",
                    "Stefan",
                    "Björn",
                    "Matthias",
                    "Günther",
                ],
                &[
                    "Müller",
                    "Schmidt",
                    "Schneider",
                    "Fischer",
                    "Weber",
                    "Meyer",
                    "Wagner",
                    "Schäfer",
                    "Becker",
                    "Groß",
                    "Köhler",
                    "Hoffmann",
                ],
            ),
            Self::Fr => (
                &[
                    "Camille", "Léa", "Chloé", "Manon", "Zoë", "Hélène", "Amélie", "Océane",
                    "Margaux",
                ],
                &[
                    "Jean",
                    "Pierre",
                    "Louis",
                    "Hugo",
                    "François",
                    "Théo",
                    "Jérôme",
                    "Noël",
                    "Benoît",
                ],
                &[
                    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Lefèvre", "Moreau",
                    "Girard", "Roux", "Bonnaire", "Fournier", "Mercier",
                ],
            ),
            Self::In => (
                &[
                    "Priya", "Ananya", "Diya", "Aditi", "Kavya", "Lakshmi", "Sneha", "Pooja",
                    "Meera",
                ],
                &[
                    "Aarav", "Vihaan", "Rahul", "Arjun", "Rohan", "Sanjay", "Vikram", "Karthik",
                    "Amit",
                ],
                &[
                    "Sharma",
                    "Patel",
                    "Singh",
                    "Kumar",
                    "Gupta",
                    "Reddy",
                    "Iyer",
                    "Nair",
                    "Chatterjee",
                    "Mehta",
                    "Banerjee",
                    "Desai",
                ],
            ),
            Self::Cn => (
                &[
                    "Fang", "Xiu Ying", "Mei", "Jing", "Yan", "Xiaoling", "Li Na", "Hui", "Ying",
                ],
                &[
                    "Wei", "Jun", "Hao", "Lei", "Yong", "Jie", "Zhiwei", "Tao", "Bo",
                ],
                &[
                    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
                    "Xu", "Sun",
                ],
            ),
            Self::Ng => (
                &[
                    "Ngozi",
                    "Chiamaka",
                    "Funmilayo",
                    "Adaeze",
                    "Yetunde",
                    "Amina",
                    "Folake",
                    "Nkechi",
                    "Aisha",
                ],
                &[
                    "Chinedu",
                    "Oluwaseun",
                    "Emeka",
                    "Tunde",
                    "Ifeanyi",
                    "Babajide",
                    "Musa",
                    "Obinna",
                    "Segun",
                ],
                &[
                    "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Abubakar",
                    "Adebayo", "Okeke", "Bello", "Ogunleye", "Ibrahim",
                ],
            ),
        }
    }

    fn email_domains(self) -> &'static [&'static str] {
        match self {
            Self::Us => &[
                "gmail.com",
                "yahoo.com",
                "outlook.com",
                "icloud.com",
                "aol.com",
            ],
            Self::Uk => &[
                "gmail.com",
                "hotmail.co.uk",
                "btinternet.com",
                "outlook.com",
            ],
            Self::Es => &["gmail.com", "hotmail.es", "telefonica.net", "yahoo.es"],
            Self::De => &["gmx.de", "web.de", "t-online.de", "gmail.com"],
            Self::Fr => &["orange.fr", "free.fr", "laposte.net", "gmail.com"],
            Self::In => &["gmail.com", "rediffmail.com", "yahoo.co.in"],
            Self::Cn => &["qq.com", "163.com", "gmail.com"],
            Self::Ng => &["gmail.com", "yahoo.com", "outlook.com"],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Person {
    pub locale: Locale,
    pub first_name: String,
    pub last_name: String,
    pub gender: Option<&'static str>,
    pub email: String,
    pub phone: String,
    pub birth_date: NaiveDate,
    pub street: String,
    pub city: &'static str,
    pub postal_code: String,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn country(&self) -> &'static str {
        self.locale.country()
    }
}

pub fn person(rng: &mut Rng, locale: Locale) -> Person {
    let (female, male, last) = locale.names();
    let is_female = rng.chance(0.5);
    let first_name = rng.pick(if is_female { female } else { male }).to_string();
    let last_name = rng.pick(last).to_string();
    let gender = match rng.below(100) {
        0..=1 => Some("non-binary"),
        2..=4 => None,
        _ if is_female => Some("female"),
        _ => Some("male"),
    };
    let birth_date = birth_date(rng);
    let email = email(rng, locale, &first_name, &last_name, birth_date);
    let phone = phone(rng, locale);
    let (street, city, postal_code) = address(rng, locale);
    Person {
        locale,
        first_name,
        last_name,
        gender,
        email,
        phone,
        birth_date,
        street,
        city,
        postal_code,
    }
}

/// Ages 18 to 90 on the epoch, skewed young like an online shop's customers.
fn birth_date(rng: &mut Rng) -> NaiveDate {
    // 18 leap-safe years up to just under 90 years.
    let (min, max) = (18 * 366, 90 * 365 - 1);
    let skew = rng.unit().min(rng.unit());
    let days = min + ((max - min) as f64 * skew) as u64;
    clock::date(clock::EPOCH)
        .checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

/// `José Müller` becomes `jose` and `mueller`: how people spell themselves in
/// an address that must be ASCII.
pub fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'á' | 'à' | 'â' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ó' | 'ò' | 'ô' => out.push('o'),
            'ú' | 'ù' | 'û' => out.push('u'),
            'ñ' => out.push('n'),
            'ç' => out.push('c'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

fn email(rng: &mut Rng, locale: Locale, first: &str, last: &str, born: NaiveDate) -> String {
    let (f, l) = (ascii_fold(first), ascii_fold(last));
    let initial = f.chars().next().unwrap_or('x');
    let local = match rng.below(7) {
        0 | 1 => format!("{f}.{l}"),
        2 => format!("{f}{l}"),
        3 => format!("{f}_{l}"),
        4 => format!("{initial}.{l}"),
        5 => format!("{f}.{l}{}", rng.between(1, 99)),
        _ => format!("{f}{}", born.format("%Y")),
    };
    format!("{local}@{}", rng.pick(locale.email_domains()))
}

fn phone(rng: &mut Rng, locale: Locale) -> String {
    match locale {
        Locale::Us => {
            let area = rng.pick(&["212", "415", "312", "617", "206", "512", "303", "305"]);
            let exchange = rng.between(201, 989);
            let line = rng.digits(4);
            match rng.below(3) {
                0 => format!("({area}) {exchange}-{line}"),
                1 => format!("{area}-{exchange}-{line}"),
                _ => format!("+1 {area} {exchange} {line}"),
            }
        }
        // Ofcom's drama ranges: real formats, no real subscriber.
        Locale::Uk => match rng.below(3) {
            0 => format!("+44 20 7946 0{}", rng.digits(3)),
            1 => format!("020 7946 0{}", rng.digits(3)),
            _ => format!("+44 7700 900{}", rng.digits(3)),
        },
        Locale::De => match rng.below(3) {
            0 => format!("+49 30 {}", rng.digits(7)),
            1 => format!("+49 89 {}", rng.digits(8)),
            _ => format!("+49 151 {}", rng.digits(8)),
        },
        Locale::Fr => {
            let groups: Vec<String> = (0..4).map(|_| rng.digits(2)).collect();
            match rng.below(2) {
                0 => format!("+33 {} {}", rng.between(1, 5), groups.join(" ")),
                _ => format!("06 {}", groups.join(" ")),
            }
        }
        Locale::Es => match rng.below(2) {
            0 => format!("+34 6{} {} {}", rng.digits(2), rng.digits(3), rng.digits(3)),
            _ => format!(
                "+34 91 {} {} {}",
                rng.digits(3),
                rng.digits(2),
                rng.digits(2)
            ),
        },
        Locale::In => format!("+91 9{} {}", rng.digits(4), rng.digits(5)),
        Locale::Cn => format!(
            "+86 13{} {} {}",
            rng.digits(1),
            rng.digits(4),
            rng.digits(4)
        ),
        Locale::Ng => match rng.below(2) {
            0 => format!(
                "+234 80{} {} {}",
                rng.between(2, 9),
                rng.digits(3),
                rng.digits(4)
            ),
            _ => format!(
                "080{} {} {}",
                rng.between(2, 9),
                rng.digits(3),
                rng.digits(4)
            ),
        },
    }
}

/// Street line, city and postal code, formatted the local way.
pub fn address(rng: &mut Rng, locale: Locale) -> (String, &'static str, String) {
    let n = rng.between(1, 240);
    match locale {
        Locale::Us => {
            let (city, zip3) = *rng.pick(&[
                ("New York", "100"),
                ("San Francisco", "941"),
                ("Chicago", "606"),
                ("Austin", "787"),
                ("Seattle", "981"),
                ("Boston", "021"),
            ]);
            let street = rng.pick(&[
                "Maple St",
                "Oak Avenue",
                "Sunset Blvd",
                "Lexington Ave",
                "Elm Street",
            ]);
            let mut line = format!("{} {street}", n * 10 + rng.between(0, 9));
            if rng.chance(0.25) {
                line.push_str(&format!(
                    ", Apt {}{}",
                    rng.between(1, 20),
                    rng.pick(&["A", "B", "C"])
                ));
            }
            (line, city, format!("{zip3}{}", rng.digits(2)))
        }
        Locale::Uk => {
            let (city, area) = *rng.pick(&[
                ("London", "SW1A"),
                ("London", "NW1"),
                ("London", "EC1A"),
                ("Manchester", "M1"),
                ("Birmingham", "B15"),
                ("Edinburgh", "EH1"),
                ("Bristol", "BS1"),
            ]);
            let street = if rng.chance(0.05) {
                "221B Baker Street".to_string()
            } else {
                let road = rng.pick(&[
                    "High Street",
                    "Station Road",
                    "Church Lane",
                    "Victoria Road",
                    "Baker Street",
                    "Mill Lane",
                ]);
                format!("{n} {road}")
            };
            // The inward code never uses C, I, K, M, O or V.
            let letters = rng.chars_from(b"ABDEFGHJLNPQRSTUWXYZ", 2);
            (street, city, format!("{area} {}{letters}", rng.below(10)))
        }
        Locale::De => {
            let (city, lo, hi) = *rng.pick(&[
                ("Berlin", 10115, 14199),
                ("München", 80331, 81929),
                ("Hamburg", 20095, 22769),
                ("Köln", 50667, 51149),
                ("Frankfurt am Main", 60306, 60599),
            ]);
            let street = rng.pick(&[
                "Hauptstraße",
                "Bahnhofstraße",
                "Goethestraße",
                "Schillerstraße",
                "Lindenallee",
                "Am Markt",
            ]);
            let number = if n > 200 {
                format!("{}a", n / 10)
            } else {
                (n % 80 + 1).to_string()
            };
            (
                format!("{street} {number}"),
                city,
                rng.between(lo, hi).to_string(),
            )
        }
        Locale::Fr => {
            let (city, code) = *rng.pick(&[
                ("Paris", "750"),
                ("Lyon", "6900"),
                ("Marseille", "130"),
                ("Toulouse", "310"),
                ("Bordeaux", "3300"),
            ]);
            let suffix = rng.digits(5 - code.len());
            let street = rng.pick(&[
                "rue de la Paix",
                "avenue des Champs-Élysées",
                "boulevard Saint-Germain",
                "rue du Faubourg Saint-Honoré",
                "place Bellecour",
            ]);
            (
                format!("{} {street}", n % 120 + 1),
                city,
                format!("{code}{suffix}"),
            )
        }
        Locale::Es => {
            let (city, code) = *rng.pick(&[
                ("Madrid", "280"),
                ("Barcelona", "080"),
                ("Sevilla", "410"),
                ("Valencia", "460"),
            ]);
            let street = rng.pick(&[
                "Calle Mayor",
                "Avenida de la Constitución",
                "Calle de Alcalá",
                "Paseo de Gràcia",
                "Calle Real",
            ]);
            let mut line = format!("{street} {}", n % 150 + 1);
            if rng.chance(0.4) {
                line.push_str(&format!(
                    ", {}º {}",
                    rng.between(1, 8),
                    rng.pick(&["A", "B", "C", "D"])
                ));
            }
            (line, city, format!("{code}{}", rng.digits(2)))
        }
        Locale::In => {
            let (city, pin) = *rng.pick(&[
                ("Mumbai", "4000"),
                ("Bengaluru", "5600"),
                ("New Delhi", "1100"),
                ("Chennai", "6000"),
            ]);
            let line = match rng.below(2) {
                0 => format!("{n}, MG Road"),
                _ => format!("Flat {}, Sector {}", n, rng.between(1, 60)),
            };
            (line, city, format!("{pin}{}", rng.digits(2)))
        }
        Locale::Cn => {
            let (city, post) =
                *rng.pick(&[("Shanghai", "200"), ("Beijing", "100"), ("Shenzhen", "518")]);
            let road = rng.pick(&[
                "Nanjing Dong Lu",
                "Chang'an Jie",
                "Shennan Dadao",
                "Huaihai Zhong Lu",
            ]);
            (
                format!("{n} {road}"),
                city,
                format!("{post}{}", rng.digits(3)),
            )
        }
        Locale::Ng => {
            let (city, post) = *rng.pick(&[("Lagos", "101"), ("Abuja", "900"), ("Ibadan", "200")]);
            let line = match rng.below(2) {
                0 => format!("{n} Adeola Odeku Street"),
                _ => format!("Plot {n}, Adetokunbo Ademola Crescent"),
            };
            (line, city, format!("{post}{}", rng.digits(3)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_for_emails() {
        assert_eq!(ascii_fold("José"), "jose");
        assert_eq!(ascii_fold("Müller"), "mueller");
        assert_eq!(ascii_fold("Zoë"), "zoe");
        assert_eq!(ascii_fold("O'Connor"), "oconnor");
        assert_eq!(ascii_fold("Xiu Ying"), "xiuying");
    }

    #[test]
    fn ages_stay_between_18_and_90() {
        let mut rng = Rng::stream("ages");
        let today = clock::date(clock::EPOCH);
        for _ in 0..5000 {
            let age = clock::age(birth_date(&mut rng), today);
            assert!((18..=90).contains(&age), "{age}");
        }
    }
}
