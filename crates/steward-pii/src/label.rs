use std::fmt;
use std::str::FromStr;

/// What a sensitive column holds: the PII benchmark's label set plus `Secret`,
/// which the peers lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    EmailAddress,
    PhoneNumber,
    Person,
    StreetAddress,
    PostalCode,
    DateOfBirth,
    CreditCard,
    UsSsn,
    IbanCode,
    IpAddress,
    MacAddress,
    UsPassport,
    UkNino,
    AbaRoutingNumber,
    Secret,
}

impl Label {
    pub const ALL: &'static [Label] = &[
        Label::EmailAddress,
        Label::PhoneNumber,
        Label::Person,
        Label::StreetAddress,
        Label::PostalCode,
        Label::DateOfBirth,
        Label::CreditCard,
        Label::UsSsn,
        Label::IbanCode,
        Label::IpAddress,
        Label::MacAddress,
        Label::UsPassport,
        Label::UkNino,
        Label::AbaRoutingNumber,
        Label::Secret,
    ];

    /// The spelling stored in the catalog and used by the benchmark.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::EmailAddress => "EMAIL_ADDRESS",
            Label::PhoneNumber => "PHONE_NUMBER",
            Label::Person => "PERSON",
            Label::StreetAddress => "STREET_ADDRESS",
            Label::PostalCode => "POSTAL_CODE",
            Label::DateOfBirth => "DATE_OF_BIRTH",
            Label::CreditCard => "CREDIT_CARD",
            Label::UsSsn => "US_SSN",
            Label::IbanCode => "IBAN_CODE",
            Label::IpAddress => "IP_ADDRESS",
            Label::MacAddress => "MAC_ADDRESS",
            Label::UsPassport => "US_PASSPORT",
            Label::UkNino => "UK_NINO",
            Label::AbaRoutingNumber => "ABA_ROUTING_NUMBER",
            Label::Secret => "SECRET",
        }
    }
}

impl Label {
    /// What the label means in a steward's words, for search: "where do we
    /// keep social security numbers" should meet `US_SSN`.
    pub fn words(self) -> &'static str {
        match self {
            Label::EmailAddress => "email address e-mail contact",
            Label::PhoneNumber => "phone number telephone mobile contact",
            Label::Person => "person name personal",
            Label::StreetAddress => "street address home postal location",
            Label::PostalCode => "postal code zip postcode location",
            Label::DateOfBirth => "date of birth birthday age",
            Label::CreditCard => "credit card number payment card",
            Label::UsSsn => "social security number national identifier",
            Label::IbanCode => "iban bank account number",
            Label::IpAddress => "ip address network",
            Label::MacAddress => "mac address device network",
            Label::UsPassport => "passport number travel document",
            Label::UkNino => "national insurance number identifier",
            Label::AbaRoutingNumber => "routing number bank",
            Label::Secret => "secret password credential api key token",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase();
        Label::ALL
            .iter()
            .copied()
            .find(|l| l.as_str() == wanted)
            .ok_or_else(|| {
                let known: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
                format!("unknown label `{s}`; expected one of: {}", known.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_their_spelling() {
        for label in Label::ALL {
            assert_eq!(label.as_str().parse::<Label>().unwrap(), *label);
        }
        assert_eq!(
            "email_address".parse::<Label>().unwrap(),
            Label::EmailAddress
        );
        assert!(
            "CVV"
                .parse::<Label>()
                .unwrap_err()
                .starts_with("unknown label `CVV`")
        );
    }
}
