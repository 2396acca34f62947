#!/usr/bin/env python3
"""
pii_holdout_mimesis.py -- a SECOND held-out PII benchmark corpus, built with `mimesis`.

The development corpus (../shared/bench/pii/corpus) and the first held-out corpus
(scripts/bench/pii_holdout.py) were both generated with Python Faker. This one takes all
fake personal data from a different library, mimesis (names, titles, e-mails, phone numbers,
addresses, postcodes, birth dates, credit cards, IPs, MACs, companies, cities, countries,
occupations, words and sentences), plus small generators of our own for the checksummed ids
mimesis does not have (IBAN, US SSN, ABA routing number, UK NINO, US passport). It checks
that Steward's column classifier is not tuned to Faker's value shapes.

Every table has one mimesis locale (en, en-gb, en-ca, de, de-at, de-ch, fr, es, es-mx, it,
nl, nl-be, pt-br, pt, pl, sv, da, no, cs, tr, fi: Latin-script locales only). Column names
come in the table's language (snake or UPPER), English camelCase / UPPER_SNAKE / snake,
opaque (col_NN, c7, field_3, F04) or misleading "bait" names (email_count holding
quantities, phone_model holding device models, zip_file holding file names, ...).

Output (readable by ../shared/bench/pii/score.py; same layout as the dev corpus):
  OUT_DIR/tables/tNNN_<theme>_<locale>.csv   header row, empty string = NULL, UTF-8, "\\n"
  OUT_DIR/labels.json   {"labels", "family", "kinds", "tables": [{"file", "locale", "theme",
                         "name_style", "columns": [{"name", "label", "family", "kind",
                         "hard_negative", "name_mode", "name_style", "null_rate", "note"}]}]}
  OUT_DIR/labels.csv    one row per column

Label policy as in the dev corpus: one label per column; companies, cities, countries,
occupations, non-birth dates, ids, hashes and versions are NONE; a free-text column in which
only some rows (~25%) embed an e-mail is EMAIL_ADDRESS, one embedding phone numbers is
PHONE_NUMBER. Every bait column is a hard negative. As the brief for this corpus asked,
currency codes, amounts, booleans, statuses and free text are ALSO marked hard_negative
(the dev corpus marks those ordinary); kinds in SOFT_NEGATIVE_IN_DEV lets a reader
recompute the dev-style rate.

Setup (mimesis lives in its own venv; nothing is installed into the project):
    python3 -m venv ~/.cache/steward/mimesis-venv
    ~/.cache/steward/mimesis-venv/bin/pip install 'mimesis==22.2.0'
Generate (deterministic for a given seed and mimesis version; labels.json records it):
    ~/.cache/steward/mimesis-venv/bin/python scripts/bench/pii_holdout_mimesis.py --out /tmp/pii-holdout2 --seed 11
Score:
    python3 ../shared/bench/pii/score.py /tmp/pii-holdout2 predictions.json

Birth dates are drawn with Person.birthdate(1935, 2006): ages 18-90 on REF_DATE 2025-01-01
whatever today is. The script re-executes itself with PYTHONHASHSEED=0 so no set ordering
can change the values between runs.
"""
import ipaddress
import os
import random
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pii_corpus_common as common  # noqa: E402  (label set, checksums, id generators, table steps, output)

try:
    import mimesis
    from mimesis import (Address, Code, Cryptographic, Datetime, Development, File, Finance, Food, Hardware,
                         Internet, Locale, Payment, Person, Text)
    from mimesis.enums import Algorithm, EANFormat, ISBNFormat, TitleType
except ImportError:  # pragma: no cover
    sys.exit("mimesis missing: see the docstring (venv in ~/.cache/steward/mimesis-venv)")

MIMESIS_PINNED = "22.2.0"
REF_DATE = common.REF_DATE

# one locale per table, in table order (30 tables)
LOCALES = ["en", "en-gb", "de", "fr", "es", "it", "nl", "pt-br", "pl", "sv", "da", "cs", "tr", "fi", "no",
           "en", "en-gb", "de-at", "de-ch", "fr", "es-mx", "it", "nl-be", "pt", "pl", "sv", "en-gb", "cs", "en", "en-ca"]
LANG = {"en": "en", "en-gb": "en", "en-ca": "en", "de": "de", "de-at": "de", "de-ch": "de", "fr": "fr", "es": "es",
        "es-mx": "es", "it": "it", "nl": "nl", "nl-be": "nl", "pt-br": "pt", "pt": "pt", "pl": "pl", "sv": "sv",
        "da": "da", "no": "no", "cs": "cs", "tr": "tr", "fi": "fi"}


# kind -> (label, hard_negative, note)
KINDS = {
    "email": ("EMAIL_ADDRESS", False, "mimesis Person.email() (default or local mail domains) or first.last@ from mimesis names"),
    "notes_with_email": ("EMAIL_ADDRESS", False, "mimesis Text sentences in the table's language; ~25% of rows embed an e-mail"),
    "notes_with_phone": ("PHONE_NUMBER", False, "mimesis Text sentences; ~25% of rows embed a mimesis phone number"),
    "phone_local": ("PHONE_NUMBER", False, "mimesis Person.phone_number() in the table's locale (some columns E.164)"),
    "first_name": ("PERSON", False, ""),
    "last_name": ("PERSON", False, ""),
    "person_full": ("PERSON", False, "mimesis full_name(), some columns reversed (Last First)"),
    "person_titled": ("PERSON", False, "~45% of rows with a mimesis title (Herr, Pani, Hanımefendi ...) or academic suffix"),
    "person_last_first": ("PERSON", False, "'Last, First' or 'LAST First'"),
    "street_address": ("STREET_ADDRESS", False, "mimesis Address.address(): street and number as the locale writes them"),
    "full_address": ("STREET_ADDRESS", False, "street, postcode and city (state for en) joined with ', '"),
    "postal_code": ("POSTAL_CODE", False, "mimesis Address.postal_code() (en: some ZIP+4)"),
    "dob_local": ("DATE_OF_BIRTH", False, "ages 18-90 on 2025-01-01; local format (dd.mm.yyyy, d.m.yyyy, dd/mm/yyyy, mm/dd/yyyy, ISO ...)"),
    "credit_card": ("CREDIT_CARD", False, "mimesis Payment.credit_card_number() (Visa/MC/Amex), spaced, plain or dashed"),
    "iban": ("IBAN_CODE", False, "own generator: DE FR ES IT NL GB PL SE with national check digits and mod-97; compact or grouped"),
    "ipv4": ("IP_ADDRESS", False, "mimesis Internet.ip_v4()"),
    "ipv6": ("IP_ADDRESS", False, "mimesis Internet.ip_v6(), full or compressed"),
    "mac": ("MAC_ADDRESS", False, "mimesis Internet.mac_address(): colon, upper, dash or Cisco dot"),
    "us_ssn": ("US_SSN", False, "own generator, en tables only; valid area/group/serial, mostly dashed"),
    "us_passport": ("US_PASSPORT", False, "own generator, en tables only; 9 digits or letter + 8 digits"),
    "aba_routing": ("ABA_ROUTING_NUMBER", False, "own generator, en tables only; valid prefix and 3-7-1 checksum"),
    "uk_nino": ("UK_NINO", False, "own generator, en-gb tables only; valid prefixes, suffix A-D, with/without spaces"),
    # hard negatives
    "event_date_local": ("NONE", True, "mimesis Datetime.date(2016, 2024) in the same local formats as birth dates"),
    "timestamp": ("NONE", True, "mimesis Datetime.datetime(2016, 2024): ISO, SQL or local formats"),
    "company": ("NONE", True, "mimesis Finance.company()"),
    "city": ("NONE", True, "mimesis Address.city()"),
    "country": ("NONE", True, "mimesis Address.country() in the table's language"),
    "job_title": ("NONE", True, "mimesis Person.occupation()"),
    "product_text": ("NONE", True, "mimesis Food dishes/drinks/fruit or Hardware CPU/graphics/RAM/screen"),
    "device_model": ("NONE", True, "mimesis Hardware.phone_model()"),
    "file_name": ("NONE", True, "mimesis File.file_name(), some .zip"),
    "uuid": ("NONE", True, "mimesis Cryptographic.uuid(): lower/upper/no-dash"),
    "hex_hash": ("NONE", True, "mimesis Cryptographic.hash(): md5/sha1/sha256 hex"),
    "fw_version": ("NONE", True, "a.b.c.d with parts <=255: IPv4-shaped"),
    "sku": ("NONE", True, "article numbers in several shapes"),
    "store_number": ("NONE", True, "5 digits: postcode-shaped"),
    "id_9d": ("NONE", True, "bare 9-digit ids: SSN/ABA/passport-shaped"),
    "order_id_10d": ("NONE", True, "10-digit ids: phone-shaped"),
    "ssn_shaped_invalid": ("NONE", True, "ddd-dd-dddd with area 000/666/9xx (never issued)"),
    "luhn_fail_16": ("NONE", True, "16 digits, card-like prefix, Luhn FAILS"),
    "isbn": ("NONE", True, "mimesis Code.isbn(): ISBN-10/13 with hyphens"),
    "ean": ("NONE", True, "mimesis Code.ean(): EAN-13 / EAN-8"),
    "currency": ("NONE", True, "ISO codes (local one 60%, else mimesis Finance.currency_iso_code())"),
    "amount_local": ("NONE", True, "mimesis Finance.price() in local number format, sometimes a currency sign"),
    "flag": ("NONE", True, "booleans: local yes/no words, Y/N, true/false, 1/0"),
    "status": ("NONE", True, "status words in the table's language"),
    "free_text": ("NONE", True, "mimesis Text.text() in the table's language"),
    # ordinary negative
    "quantity": ("NONE", False, "small integers"),
}
# kinds the dev corpus counts as ordinary (not hard) negatives
SOFT_NEGATIVE_IN_DEV = ["currency", "amount_local", "flag", "status", "free_text", "quantity"]

# ---------------------------------------------------------------- column names
# kind -> lang -> snake_case candidates; "en" also feeds the camelCase / UPPER styles.
NAMES = {
    "first_name": {"en": ["first_name", "given_name", "forename"], "de": ["vorname", "rufname"], "fr": ["prenom"],
                   "es": ["nombre", "nombre_pila"], "it": ["nome"], "nl": ["voornaam", "roepnaam"], "pt": ["primeiro_nome", "nome"],
                   "pl": ["imie", "imie_klienta"], "sv": ["fornamn", "tilltalsnamn"], "da": ["fornavn"], "no": ["fornavn"],
                   "cs": ["jmeno", "krestni_jmeno"], "tr": ["ad", "isim"], "fi": ["etunimi"]},
    "last_name": {"en": ["last_name", "surname", "family_name"], "de": ["nachname", "familienname"], "fr": ["nom_de_famille", "nom"],
                  "es": ["apellido", "apellidos"], "it": ["cognome"], "nl": ["achternaam"], "pt": ["sobrenome"],
                  "pl": ["nazwisko"], "sv": ["efternamn"], "da": ["efternavn"], "no": ["etternavn"], "cs": ["prijmeni"],
                  "tr": ["soyad", "soyadi"], "fi": ["sukunimi"]},
    "person_full": {"en": ["full_name", "customer_name", "contact_person", "employee_name"],
                    "de": ["name", "kundenname", "ansprechpartner"], "fr": ["nom_complet", "nom_client"],
                    "es": ["nombre_completo", "nombre_cliente"], "it": ["nominativo", "nome_completo"], "nl": ["volledige_naam", "naam"],
                    "pt": ["nome_completo", "nome_cliente"], "pl": ["imie_i_nazwisko", "klient", "osoba_kontaktowa"],
                    "sv": ["namn", "fullstandigt_namn", "kontaktperson"], "da": ["navn", "fulde_navn", "kontaktperson"],
                    "no": ["navn", "fullt_navn", "kontaktperson"], "cs": ["jmeno_a_prijmeni", "cele_jmeno", "kontaktni_osoba"],
                    "tr": ["ad_soyad", "musteri_adi"], "fi": ["nimi", "koko_nimi", "yhteyshenkilo"]},
    "person_titled": {"en": ["account_holder", "physician", "contact_name", "addressee"],
                      "de": ["ansprechpartner", "arzt", "kontaktperson"], "fr": ["titulaire", "medecin"], "es": ["titular", "medico"],
                      "it": ["intestatario", "medico_curante"], "nl": ["contactpersoon", "huisarts"], "pt": ["titular", "medico"],
                      "pl": ["wlasciciel_rachunku", "lekarz", "adresat"], "sv": ["kontoinnehavare", "lakare", "mottagare"],
                      "da": ["kontohaver", "laege", "modtager"], "no": ["kontoinnehaver", "lege", "mottaker"],
                      "cs": ["majitel_uctu", "lekar", "adresat"], "tr": ["hesap_sahibi", "doktor", "alici"],
                      "fi": ["tilinomistaja", "laakari", "vastaanottaja"]},
    "person_last_first": {"en": ["payee", "passenger_name", "beneficiary", "name_on_card"], "de": ["name_vorname", "inhaber"],
                          "fr": ["nom_prenom", "beneficiaire"], "es": ["apellidos_nombre", "beneficiario"], "it": ["cognome_nome"],
                          "nl": ["naam_voornaam", "begunstigde"], "pt": ["favorecido"], "pl": ["nazwisko_imie", "odbiorca"],
                          "sv": ["efternamn_fornamn", "betalningsmottagare"], "da": ["efternavn_fornavn", "betalingsmodtager"],
                          "no": ["etternavn_fornavn"], "cs": ["prijmeni_jmeno", "prijemce"], "tr": ["soyad_ad", "yolcu_adi"],
                          "fi": ["sukunimi_etunimi", "saaja"]},
    "email": {"en": ["email_address", "contact_email", "email", "user_mail"], "de": ["e_mail", "email_adresse"],
              "fr": ["courriel", "adresse_mail"], "es": ["correo", "correo_electronico"], "it": ["indirizzo_email", "posta_elettronica"],
              "nl": ["e_mailadres", "emailadres"], "pt": ["e_mail", "endereco_email"], "pl": ["email", "adres_email", "poczta"],
              "sv": ["epost", "e_postadress", "mejl"], "da": ["e_mail", "mailadresse"], "no": ["e_post", "epostadresse"],
              "cs": ["email", "e_mailova_adresa"], "tr": ["e_posta", "eposta_adresi"], "fi": ["sahkoposti", "sahkopostiosoite"]},
    "notes_with_email": {"en": ["remarks", "agent_notes", "comments", "case_notes"], "de": ["bemerkung", "notizen", "kommentar"],
                         "fr": ["remarques", "commentaire"], "es": ["observaciones", "notas"], "it": ["note", "osservazioni"],
                         "nl": ["opmerkingen", "notities"], "pt": ["observacoes", "comentarios"], "pl": ["uwagi", "notatki", "komentarz"],
                         "sv": ["anteckningar", "kommentar"], "da": ["bemaerkninger", "noter"], "no": ["merknader", "notater"],
                         "cs": ["poznamky", "komentar"], "tr": ["notlar", "aciklama"], "fi": ["huomautukset", "muistiinpanot"]},
    "phone_local": {"en": ["phone_number", "mobile_number", "contact_number", "telephone"], "de": ["telefon", "telefonnummer", "handynummer"],
                    "fr": ["telephone", "tel_portable"], "es": ["telefono", "movil"], "it": ["telefono", "cellulare"],
                    "nl": ["telefoonnummer", "mobiel"], "pt": ["telefone", "celular"], "pl": ["telefon", "nr_telefonu", "komorka"],
                    "sv": ["telefonnummer", "mobilnummer", "telefon"], "da": ["telefonnummer", "mobilnummer"],
                    "no": ["telefonnummer", "mobilnummer"], "cs": ["telefon", "telefonni_cislo", "mobil"],
                    "tr": ["telefon", "cep_telefonu", "telefon_no"], "fi": ["puhelinnumero", "puhelin", "matkapuhelin"]},
    "street_address": {"en": ["street", "street_address", "address_line1"], "de": ["strasse", "anschrift"], "fr": ["adresse", "rue"],
                       "es": ["direccion", "calle", "domicilio"], "it": ["indirizzo", "via"], "nl": ["straat", "adres"],
                       "pt": ["endereco", "logradouro"], "pl": ["ulica", "adres"], "sv": ["gatuadress", "adress"],
                       "da": ["adresse", "gade"], "no": ["adresse", "gateadresse"], "cs": ["ulice", "adresa"],
                       "tr": ["adres", "sokak"], "fi": ["katuosoite", "osoite"]},
    "full_address": {"en": ["full_address", "shipping_address", "postal_address", "residence"], "de": ["postanschrift", "lieferadresse"],
                     "fr": ["adresse_complete", "adresse_livraison"], "es": ["direccion_completa", "direccion_envio"],
                     "it": ["indirizzo_completo", "indirizzo_spedizione"], "nl": ["volledig_adres", "afleveradres"],
                     "pt": ["endereco_completo", "endereco_entrega"], "pl": ["adres_korespondencyjny", "adres_dostawy"],
                     "sv": ["postadress", "leveransadress"], "da": ["fuld_adresse", "leveringsadresse"],
                     "no": ["postadresse", "leveringsadresse"], "cs": ["adresa_bydliste", "dorucovaci_adresa"],
                     "tr": ["tam_adres", "teslimat_adresi"], "fi": ["postiosoite", "toimitusosoite"]},
    "postal_code": {"en": ["postal_code", "zip", "zip_code", "postcode"], "de": ["plz", "postleitzahl"], "fr": ["code_postal", "cp"],
                    "es": ["codigo_postal", "cp"], "it": ["cap", "codice_postale"], "nl": ["postcode"], "pt": ["cep", "codigo_postal"],
                    "pl": ["kod_pocztowy", "kod"], "sv": ["postnummer"], "da": ["postnummer", "postnr"], "no": ["postnummer"],
                    "cs": ["psc", "postovni_smerovaci_cislo"], "tr": ["posta_kodu"], "fi": ["postinumero"]},
    "dob_local": {"en": ["date_of_birth", "birth_date", "dob"], "de": ["geburtsdatum", "geb_datum"], "fr": ["date_de_naissance", "ne_le"],
                  "es": ["fecha_nacimiento"], "it": ["data_di_nascita"], "nl": ["geboortedatum"], "pt": ["data_nascimento", "dt_nasc"],
                  "pl": ["data_urodzenia"], "sv": ["fodelsedatum", "fodd"], "da": ["foedselsdato", "fodselsdato"],
                  "no": ["fodselsdato", "fodt"], "cs": ["datum_narozeni"], "tr": ["dogum_tarihi"], "fi": ["syntymaaika", "syntymapaiva"]},
    "credit_card": {"en": ["card_number", "credit_card_no", "payment_card"], "de": ["kreditkarte", "kartennummer"],
                    "fr": ["numero_carte", "carte_bancaire"], "es": ["numero_tarjeta", "tarjeta_credito"], "it": ["carta_di_credito"],
                    "nl": ["creditcard", "kaartnummer"], "pt": ["numero_cartao", "cartao_credito"], "pl": ["numer_karty", "karta_kredytowa"],
                    "sv": ["kortnummer", "kreditkort"], "da": ["kortnummer", "kreditkort"], "no": ["kortnummer", "kredittkort"],
                    "cs": ["cislo_karty", "platebni_karta"], "tr": ["kart_numarasi", "kredi_karti"], "fi": ["kortin_numero", "luottokortti"]},
    "iban": {"en": ["iban", "bank_account", "iban_number"], "de": ["iban", "bankverbindung"], "fr": ["iban", "compte_bancaire"],
             "es": ["iban", "cuenta_bancaria"], "it": ["iban", "conto_corrente"], "nl": ["iban", "rekeningnummer"],
             "pt": ["iban", "conta_bancaria"], "pl": ["iban", "numer_rachunku", "konto"], "sv": ["iban", "bankkonto"],
             "da": ["iban", "kontonummer"], "no": ["iban", "kontonummer"], "cs": ["iban", "cislo_uctu"],
             "tr": ["iban", "banka_hesabi"], "fi": ["iban", "tilinumero"]},
    "ipv4": {"en": ["ip_address", "remote_addr", "source_ip", "last_login_ip"], "de": ["ip_adresse"], "fr": ["adresse_ip"],
             "es": ["direccion_ip"], "it": ["indirizzo_ip"], "nl": ["ip_adres"], "pt": ["endereco_ip"], "pl": ["adres_ip"],
             "sv": ["ip_adress"], "da": ["ip_adresse"], "no": ["ip_adresse"], "cs": ["ip_adresa"], "tr": ["ip_adresi"], "fi": ["ip_osoite"]},
    "ipv6": {"en": ["ipv6_address", "client_ip6", "peer_addr"], "de": ["ipv6_adresse"], "fr": ["adresse_ipv6"], "pl": ["adres_ipv6"],
             "sv": ["ipv6_adress"], "cs": ["ipv6_adresa"], "tr": ["ipv6_adresi"], "fi": ["ipv6_osoite"]},
    "mac": {"en": ["mac_address", "hw_addr", "wifi_mac"], "de": ["mac_adresse"], "fr": ["adresse_mac"], "pl": ["adres_mac"],
            "sv": ["mac_adress"], "cs": ["mac_adresa"], "tr": ["mac_adresi"], "fi": ["mac_osoite"]},
    "us_ssn": {"en": ["social_security_number", "ss_no", "taxpayer_ssn", "ssn"]},
    "us_passport": {"en": ["passport_number", "passport_no", "travel_doc_no"]},
    "aba_routing": {"en": ["routing_number", "aba_number", "bank_routing", "rtn"]},
    "uk_nino": {"en": ["national_insurance_number", "ni_number", "nino", "ni_no"]},
    # negatives
    "event_date_local": {"en": ["order_date", "invoice_date", "hire_date", "delivery_date", "visit_date"],
                         "de": ["bestelldatum", "rechnungsdatum", "lieferdatum"], "fr": ["date_commande", "date_facture"],
                         "es": ["fecha_pedido", "fecha_factura"], "it": ["data_ordine", "data_fattura"], "nl": ["besteldatum", "factuurdatum"],
                         "pt": ["data_pedido", "data_emissao"], "pl": ["data_zamowienia", "data_faktury"],
                         "sv": ["orderdatum", "fakturadatum"], "da": ["ordredato", "fakturadato"], "no": ["ordredato", "fakturadato"],
                         "cs": ["datum_objednavky", "datum_vystaveni"], "tr": ["siparis_tarihi", "fatura_tarihi"],
                         "fi": ["tilauspaiva", "laskun_paivays"]},
    "timestamp": {"en": ["created_at", "updated_at", "last_seen", "logged_at"], "de": ["erstellt_am", "geaendert_am"],
                  "fr": ["cree_le", "horodatage"], "es": ["creado_en"], "it": ["creato_il"], "nl": ["aangemaakt_op"], "pt": ["criado_em"],
                  "pl": ["utworzono", "data_modyfikacji"], "sv": ["skapad", "andrad"], "da": ["oprettet", "aendret"],
                  "no": ["opprettet", "endret"], "cs": ["vytvoreno", "zmeneno"], "tr": ["olusturulma_zamani"], "fi": ["luotu", "muokattu"]},
    "company": {"en": ["company_name", "supplier", "employer", "carrier"], "de": ["firma", "lieferant", "arbeitgeber"],
                "fr": ["societe", "fournisseur"], "es": ["empresa", "proveedor"], "it": ["azienda", "fornitore"],
                "nl": ["bedrijf", "leverancier"], "pt": ["empresa", "fornecedor"], "pl": ["firma", "dostawca", "pracodawca"],
                "sv": ["foretag", "leverantor", "arbetsgivare"], "da": ["firma", "leverandor", "arbejdsgiver"],
                "no": ["firma", "leverandor", "arbeidsgiver"], "cs": ["firma", "dodavatel", "zamestnavatel"],
                "tr": ["sirket", "tedarikci", "isveren"], "fi": ["yritys", "toimittaja", "tyonantaja"]},
    "city": {"en": ["city", "town"], "de": ["ort", "stadt", "wohnort"], "fr": ["ville", "commune"], "es": ["ciudad", "localidad"],
             "it": ["citta", "comune"], "nl": ["plaats", "woonplaats"], "pt": ["cidade", "municipio"], "pl": ["miasto", "miejscowosc"],
             "sv": ["ort", "stad"], "da": ["by", "bynavn"], "no": ["sted", "poststed"], "cs": ["mesto", "obec"],
             "tr": ["sehir", "il"], "fi": ["kaupunki", "paikkakunta"]},
    "country": {"en": ["country", "country_name"], "de": ["land"], "fr": ["pays"], "es": ["pais"], "it": ["paese"], "nl": ["land"],
                "pt": ["pais"], "pl": ["kraj"], "sv": ["land"], "da": ["land"], "no": ["land"], "cs": ["zeme", "stat"],
                "tr": ["ulke"], "fi": ["maa"]},
    "job_title": {"en": ["job_title", "occupation", "role"], "de": ["beruf", "taetigkeit"], "fr": ["profession", "metier"],
                  "es": ["puesto", "profesion"], "it": ["professione", "mansione"], "nl": ["beroep", "functie"], "pt": ["profissao", "cargo"],
                  "pl": ["zawod", "stanowisko"], "sv": ["yrke", "befattning"], "da": ["stilling", "erhverv"], "no": ["yrke", "stilling"],
                  "cs": ["povolani", "pozice"], "tr": ["meslek", "unvan"], "fi": ["ammatti", "tehtava"]},
    "product_text": {"en": ["product_title", "item_description", "menu_item"], "de": ["produktbezeichnung", "artikel"],
                     "fr": ["libelle_produit"], "es": ["descripcion_producto"], "it": ["descrizione_prodotto"], "nl": ["productomschrijving"],
                     "pt": ["descricao_produto"], "pl": ["nazwa_produktu", "towar"], "sv": ["produktnamn", "artikelnamn"],
                     "da": ["produktnavn", "vare"], "no": ["produktnavn", "vare"], "cs": ["nazev_produktu", "zbozi"],
                     "tr": ["urun_adi", "urun"], "fi": ["tuotenimi", "tuote"]},
    "device_model": {"en": ["device_model", "handset"], "de": ["geraetemodell"], "pl": ["model_urzadzenia"], "sv": ["enhetsmodell"],
                     "cs": ["model_zarizeni"], "fi": ["laitemalli"]},
    "file_name": {"en": ["attachment", "file_name", "upload"], "de": ["dateiname", "anhang"], "pl": ["zalacznik", "nazwa_pliku"],
                  "sv": ["bilaga", "filnamn"], "cs": ["priloha", "nazev_souboru"], "fi": ["liite", "tiedostonimi"]},
    "uuid": {"en": ["guid", "session_id", "correlation_id", "record_uuid"], "de": ["vorgangs_id", "datensatz_id"],
             "fr": ["identifiant"], "es": ["identificador"], "pl": ["identyfikator", "id_sesji"], "sv": ["sessions_id"],
             "cs": ["identifikator"], "tr": ["oturum_id"], "fi": ["tunniste"]},
    "hex_hash": {"en": ["content_hash", "file_digest", "checksum_hex"], "de": ["pruefsumme", "hashwert"], "fr": ["empreinte"],
                 "pl": ["suma_kontrolna", "skrot"], "sv": ["kontrollsumma"], "cs": ["kontrolni_soucet"], "fi": ["tarkistussumma"]},
    "fw_version": {"en": ["fw_ver", "app_version", "build_number"], "de": ["firmware_version"], "pl": ["wersja_oprogramowania"],
                   "sv": ["programversion"], "cs": ["verze_firmware"], "fi": ["ohjelmistoversio"]},
    "sku": {"en": ["item_code", "part_no", "sku"], "de": ["artikelnummer"], "fr": ["ref_produit"], "es": ["cod_articulo"],
            "it": ["codice_articolo"], "nl": ["artikelcode"], "pt": ["codigo_produto"], "pl": ["kod_produktu", "indeks"],
            "sv": ["artikelnummer"], "da": ["varenummer"], "no": ["varenummer"], "cs": ["kod_zbozi"], "tr": ["urun_kodu"],
            "fi": ["tuotekoodi"]},
    "store_number": {"en": ["store_no", "branch_code", "depot_id", "site_number"], "de": ["filialnummer"], "fr": ["numero_magasin"],
                     "pl": ["numer_sklepu", "oddzial"], "sv": ["butiksnummer"], "da": ["butiksnummer"], "no": ["butikknummer"],
                     "cs": ["cislo_prodejny"], "tr": ["magaza_no"], "fi": ["myymalanumero"]},
    "id_9d": {"en": ["customer_id", "member_id", "account_ref", "ticket_no"], "de": ["kundennummer"], "fr": ["numero_client"],
              "pl": ["numer_klienta"], "sv": ["kundnummer"], "da": ["kundenummer"], "no": ["kundenummer"], "cs": ["cislo_zakaznika"],
              "tr": ["musteri_no"], "fi": ["asiakasnumero"]},
    "order_id_10d": {"en": ["order_no", "reference_number", "booking_ref"], "de": ["bestellnummer"], "fr": ["numero_commande"],
                     "es": ["numero_pedido"], "it": ["numero_ordine"], "nl": ["ordernummer"], "pt": ["numero_pedido"],
                     "pl": ["numer_zamowienia"], "sv": ["ordernummer"], "da": ["ordrenummer"], "no": ["ordrenummer"],
                     "cs": ["cislo_objednavky"], "tr": ["siparis_no"], "fi": ["tilausnumero"]},
    "ssn_shaped_invalid": {"en": ["batch_ref", "lot_code", "control_no"], "de": ["chargennummer"], "pl": ["numer_partii"],
                           "sv": ["batchnummer"], "cs": ["cislo_sarze"], "fi": ["eranumero"]},
    "luhn_fail_16": {"en": ["voucher_code", "loyalty_card_no", "member_card"], "de": ["gutscheinnummer", "kundenkarte"],
                     "fr": ["carte_fidelite"], "pl": ["karta_lojalnosciowa", "bon"], "sv": ["presentkort", "kundkort"],
                     "da": ["gavekort"], "no": ["gavekort"], "cs": ["vernostni_karta"], "tr": ["sadakat_karti"], "fi": ["kanta_asiakaskortti"]},
    "isbn": {"en": ["isbn", "book_isbn"], "de": ["isbn"], "pl": ["isbn"], "cs": ["isbn"]},
    "ean": {"en": ["ean", "barcode", "gtin"], "de": ["ean_code", "strichcode"], "pl": ["kod_kreskowy"], "sv": ["streckkod"],
            "cs": ["carovy_kod"], "fi": ["viivakoodi"], "tr": ["barkod"]},
    "currency": {"en": ["currency", "ccy"], "de": ["waehrung"], "fr": ["devise"], "es": ["moneda"], "it": ["valuta"], "nl": ["valuta"],
                 "pt": ["moeda"], "pl": ["waluta"], "sv": ["valuta"], "da": ["valuta"], "no": ["valuta"], "cs": ["mena"],
                 "tr": ["para_birimi"], "fi": ["valuutta"]},
    "amount_local": {"en": ["amount", "total", "price", "salary"], "de": ["betrag", "preis", "gehalt"], "fr": ["montant", "prix"],
                     "es": ["importe", "precio"], "it": ["importo", "prezzo"], "nl": ["bedrag", "prijs"], "pt": ["valor", "preco"],
                     "pl": ["kwota", "cena", "wynagrodzenie"], "sv": ["belopp", "pris", "lon"], "da": ["beloeb", "pris", "loen"],
                     "no": ["belop", "pris", "lonn"], "cs": ["castka", "cena", "mzda"], "tr": ["tutar", "fiyat", "maas"],
                     "fi": ["summa", "hinta", "palkka"]},
    "quantity": {"en": ["qty", "quantity", "units"], "de": ["menge", "anzahl"], "fr": ["quantite"], "es": ["cantidad"], "it": ["quantita"],
                 "nl": ["aantal"], "pt": ["quantidade"], "pl": ["ilosc", "liczba"], "sv": ["antal"], "da": ["antal"], "no": ["antall"],
                 "cs": ["mnozstvi", "pocet"], "tr": ["adet", "miktar"], "fi": ["maara", "kpl"]},
    "status": {"en": ["status", "state"], "de": ["status"], "fr": ["statut", "etat"], "es": ["estado"], "it": ["stato"], "nl": ["status"],
               "pt": ["situacao"], "pl": ["status", "stan"], "sv": ["status"], "da": ["status"], "no": ["status"], "cs": ["stav"],
               "tr": ["durum"], "fi": ["tila"]},
    "flag": {"en": ["is_active", "opted_in", "paid"], "de": ["aktiv", "bezahlt"], "fr": ["actif", "est_paye"], "es": ["activo", "pagado"],
             "it": ["attivo", "pagato"], "nl": ["actief", "betaald"], "pt": ["ativo", "pago"], "pl": ["aktywny", "zaplacono"],
             "sv": ["aktiv", "betald"], "da": ["aktiv", "betalt"], "no": ["aktiv", "betalt"], "cs": ["aktivni", "zaplaceno"],
             "tr": ["aktif", "odendi"], "fi": ["aktiivinen", "maksettu"]},
    "free_text": {"en": ["description", "summary", "body"], "de": ["beschreibung", "freitext"], "fr": ["description", "texte"],
                  "es": ["descripcion", "texto"], "it": ["descrizione", "testo"], "nl": ["omschrijving"], "pt": ["descricao", "texto"],
                  "pl": ["opis", "tresc"], "sv": ["beskrivning", "fritext"], "da": ["beskrivelse", "fritekst"],
                  "no": ["beskrivelse", "fritekst"], "cs": ["popis", "text"], "tr": ["aciklama_metni", "icerik"], "fi": ["kuvaus", "vapaa_teksti"]},
}
NAMES["notes_with_phone"] = {
    "en": ["callback_notes", "call_log", "followup_notes", "contact_notes"], "de": ["rueckruf_notiz", "gespraechsnotiz"],
    "fr": ["notes_appel", "rappel"], "es": ["notas_llamada", "seguimiento"], "it": ["note_chiamata", "richiamare"],
    "nl": ["belnotitie", "terugbelverzoek"], "pt": ["notas_ligacao", "retorno"], "pl": ["notatki_rozmowy", "oddzwonic"],
    "sv": ["samtalsanteckningar", "aterkoppling"], "da": ["opkaldsnoter", "ring_tilbage"], "no": ["samtalenotater", "ring_tilbake"],
    "cs": ["poznamky_hovoru", "zpetne_volani"], "tr": ["arama_notlari", "geri_donus"], "fi": ["puhelumuistiinpanot", "soittopyynto"]}

# Misleading names: (name, kind). en baits are restyled (camel/UPPER) with the table.
BAITS = {
    "en": [("email_count", "quantity"), ("phone_model", "device_model"), ("zip_file", "file_name"), ("ip_count", "quantity"),
           ("ssn_check", "ssn_shaped_invalid"), ("card_serial", "luhn_fail_16"), ("iban_verified", "flag"),
           ("birthday_promo", "flag"), ("address_confirmed", "flag"), ("mac_fw_version", "fw_version"),
           ("customer_name_hash", "hex_hash"), ("email_hash", "hex_hash"), ("passport_office", "city"),
           ("contact_role", "job_title"), ("dob_verified", "flag"), ("name_of_employer", "company"),
           ("phone_plan_id", "id_9d"), ("zip_archive", "file_name"), ("street_count", "quantity"), ("postcode_region", "country")],
    "de": [("telefon_anzahl", "quantity"), ("email_versendet", "flag"), ("name_firma", "company"), ("telefon_modell", "device_model")],
    "fr": [("nom_produit", "product_text"), ("email_envoye", "flag"), ("nom_societe", "company")],
    "es": [("nombre_producto", "product_text"), ("correo_enviado", "flag"), ("telefono_modelo", "device_model")],
    "it": [("nome_prodotto", "product_text"), ("email_inviata", "flag"), ("nome_azienda", "company")],
    "nl": [("naam_bedrijf", "company"), ("email_verstuurd", "flag"), ("telefoon_aantal", "quantity")],
    "pt": [("nome_empresa", "company"), ("email_enviado", "flag"), ("nome_produto", "product_text")],
    "pl": [("telefon_model", "device_model"), ("liczba_email", "quantity"), ("nazwa_firmy", "company"), ("plik_zip", "file_name")],
    "sv": [("telefonmodell", "device_model"), ("epost_skickad", "flag"), ("namn_foretag", "company")],
    "da": [("telefonmodel", "device_model"), ("email_sendt", "flag"), ("firmanavn", "company")],
    "no": [("telefonmodell", "device_model"), ("epost_sendt", "flag"), ("firmanavn", "company")],
    "cs": [("telefon_model", "device_model"), ("email_odeslan", "flag"), ("jmeno_firmy", "company")],
    "tr": [("telefon_modeli", "device_model"), ("eposta_gonderildi", "flag"), ("firma_adi", "company")],
    "fi": [("puhelinmalli", "device_model"), ("sahkoposti_lahetetty", "flag"), ("yrityksen_nimi", "company")],
}

POOLS = {
    "customers": ["first_name", "last_name", "person_titled", "email", "phone_local", "street_address", "postal_code", "city",
                  "country", "dob_local", "timestamp", "flag", "notes_with_email", "uuid", "store_number", "iban", "id_9d"],
    "orders": ["order_id_10d", "event_date_local", "amount_local", "currency", "sku", "quantity", "status", "person_full",
               "full_address", "credit_card", "luhn_fail_16", "product_text", "postal_code", "notes_with_phone", "ean", "isbn"],
    "employees": ["person_full", "person_titled", "first_name", "last_name", "job_title", "dob_local", "iban", "phone_local",
                  "email", "event_date_local", "amount_local", "store_number", "street_address", "postal_code", "company", "id_9d"],
    "payments": ["iban", "credit_card", "amount_local", "currency", "luhn_fail_16", "event_date_local", "company",
                 "person_last_first", "ssn_shaped_invalid", "timestamp", "status", "order_id_10d", "id_9d", "notes_with_email"],
    "devices": ["mac", "ipv4", "ipv6", "fw_version", "uuid", "hex_hash", "timestamp", "sku", "store_number", "first_name",
                "device_model", "status", "city", "ean"],
    "support": ["notes_with_email", "notes_with_phone", "free_text", "status", "timestamp", "person_full", "email", "phone_local",
                "uuid", "file_name", "job_title", "ipv4", "order_id_10d"],
    "suppliers": ["company", "street_address", "postal_code", "city", "country", "phone_local", "email", "iban", "currency",
                  "product_text", "person_full", "full_address", "notes_with_phone", "job_title", "ean"],
    "patients": ["person_titled", "person_last_first", "dob_local", "postal_code", "full_address", "phone_local", "email",
                 "event_date_local", "city", "hex_hash", "ssn_shaped_invalid", "free_text", "notes_with_phone", "job_title"],
    "web_sessions": ["ipv4", "ipv6", "uuid", "hex_hash", "email", "country", "flag", "timestamp", "fw_version", "mac",
                     "device_model", "file_name"],
    "bookings": ["person_last_first", "dob_local", "event_date_local", "city", "country", "amount_local", "currency",
                 "phone_local", "order_id_10d", "credit_card", "notes_with_email", "isbn", "luhn_fail_16", "id_9d"],
}

DATE_FMT = {"en": "%m/%d/%Y", "en-gb": "%d/%m/%Y", "en-ca": "%Y-%m-%d", "de": "%d.%m.%Y", "de-at": "%d.%m.%Y",
            "de-ch": "%d.%m.%Y", "fr": "%d/%m/%Y", "es": "%d/%m/%Y", "es-mx": "%d/%m/%Y", "it": "%d/%m/%Y",
            "nl": "%d-%m-%Y", "nl-be": "%d/%m/%Y", "pt-br": "%d/%m/%Y", "pt": "%d/%m/%Y", "pl": "%d.%m.%Y",
            "sv": "%Y-%m-%d", "da": "%d-%m-%Y", "no": "%d.%m.%Y", "cs": "%-d. %-m. %Y", "tr": "%d.%m.%Y", "fi": "%-d.%-m.%Y"}
ALT_DATE_FMTS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]

LOCAL_CCY = {"en": "USD", "en-gb": "GBP", "en-ca": "CAD", "de": "EUR", "de-at": "EUR", "de-ch": "CHF", "fr": "EUR",
             "es": "EUR", "es-mx": "MXN", "it": "EUR", "nl": "EUR", "nl-be": "EUR", "pt-br": "BRL", "pt": "EUR",
             "pl": "PLN", "sv": "SEK", "da": "DKK", "no": "NOK", "cs": "CZK", "tr": "TRY", "fi": "EUR"}
CCY_SIGN = {"USD": "$", "GBP": "£", "CAD": "$", "EUR": "€", "CHF": "CHF", "MXN": "$", "BRL": "R$", "PLN": "zł",
            "SEK": "kr", "DKK": "kr.", "NOK": "kr", "CZK": "Kč", "TRY": "₺"}
SIGN_BEFORE = {"USD", "GBP", "CAD", "MXN", "BRL", "CHF"}

STATUS = {"en": ["pending", "paid", "cancelled", "shipped", "in progress", "closed"],
          "de": ["offen", "bezahlt", "storniert", "versendet", "in Bearbeitung"],
          "fr": ["en attente", "payé", "annulé", "expédié", "clôturé"], "es": ["pendiente", "pagado", "cancelado", "enviado"],
          "it": ["in attesa", "pagato", "annullato", "spedito"], "nl": ["open", "betaald", "geannuleerd", "verzonden"],
          "pt": ["pendente", "pago", "cancelado", "enviado"], "pl": ["nowe", "opłacone", "anulowane", "wysłane", "w realizacji"],
          "sv": ["ny", "betald", "avbruten", "skickad", "pågående"], "da": ["ny", "betalt", "annulleret", "afsendt"],
          "no": ["ny", "betalt", "kansellert", "sendt"], "cs": ["nová", "zaplaceno", "zrušeno", "odesláno", "vyřizuje se"],
          "tr": ["beklemede", "ödendi", "iptal", "kargoda", "tamamlandı"], "fi": ["uusi", "maksettu", "peruttu", "lähetetty", "käsittelyssä"]}
BOOLS = {"en": [("Y", "N"), ("yes", "no")], "de": [("ja", "nein")], "fr": [("oui", "non")], "es": [("sí", "no")],
         "it": [("sì", "no")], "nl": [("ja", "nee")], "pt": [("sim", "não")], "pl": [("tak", "nie"), ("T", "N")],
         "sv": [("ja", "nej")], "da": [("ja", "nej")], "no": [("ja", "nei")], "cs": [("ano", "ne"), ("A", "N")],
         "tr": [("evet", "hayır"), ("E", "H")], "fi": [("kyllä", "ei"), ("K", "E")]}

MAIL_DOMAINS = {"en": ["aol.com", "comcast.net", "verizon.net"], "en-gb": ["btinternet.com", "sky.com", "talktalk.net"],
                "en-ca": ["rogers.com", "shaw.ca", "sympatico.ca"], "de": ["web.de", "gmx.de", "t-online.de"],
                "de-at": ["gmx.at", "aon.at"], "de-ch": ["bluewin.ch", "gmx.ch"], "fr": ["orange.fr", "free.fr", "laposte.net"],
                "es": ["telefonica.net", "hotmail.es"], "es-mx": ["prodigy.net.mx", "hotmail.com.mx"], "it": ["libero.it", "virgilio.it"],
                "nl": ["ziggo.nl", "kpnmail.nl"], "nl-be": ["telenet.be", "skynet.be"], "pt-br": ["uol.com.br", "bol.com.br"],
                "pt": ["sapo.pt"], "pl": ["wp.pl", "onet.pl", "o2.pl", "interia.pl"], "sv": ["telia.com", "bredband.net"],
                "da": ["mail.dk", "jubii.dk"], "no": ["online.no", "broadpark.no"], "cs": ["seznam.cz", "email.cz", "centrum.cz"],
                "tr": ["yandex.com.tr", "hotmail.com.tr"], "fi": ["luukku.com", "suomi24.fi"]}

EMAIL_TPL = {
    "en": ["Please reply to {x}.", "{s} Contact: {x}", "Customer asked to be emailed at {x}", "Quote sent to {x}. {s}"],
    "de": ["Rückfrage bitte an {x}.", "{s} Kontakt: {x}", "Unterlagen gesendet an {x}. {s}"],
    "fr": ["Merci de répondre à {x}.", "{s} Contact : {x}", "Devis envoyé à {x}. {s}"],
    "es": ["Responder a {x} antes del viernes.", "{s} Contacto: {x}", "Factura enviada a {x}. {s}"],
    "it": ["Rispondere a {x} entro venerdì.", "{s} Contatto: {x}", "Preventivo inviato a {x}. {s}"],
    "nl": ["Graag reageren via {x}.", "{s} Contact: {x}", "Offerte verstuurd naar {x}. {s}"],
    "pt": ["Favor responder para {x}.", "{s} Contato: {x}", "Boleto enviado para {x}. {s}"],
    "pl": ["Prosimy o odpowiedź na {x}.", "{s} Kontakt: {x}", "Faktura wysłana na adres {x}. {s}"],
    "sv": ["Svara gärna till {x}.", "{s} Kontakt: {x}", "Offert skickad till {x}. {s}"],
    "da": ["Svar venligst til {x}.", "{s} Kontakt: {x}", "Tilbud sendt til {x}. {s}"],
    "no": ["Vennligst svar til {x}.", "{s} Kontakt: {x}", "Tilbud sendt til {x}. {s}"],
    "cs": ["Odpověď prosím na {x}.", "{s} Kontakt: {x}", "Faktura odeslána na {x}. {s}"],
    "tr": ["Lütfen {x} adresine yanıt verin.", "{s} İletişim: {x}", "Teklif {x} adresine gönderildi. {s}"],
    "fi": ["Vastaa osoitteeseen {x}.", "{s} Yhteystieto: {x}", "Tarjous lähetetty osoitteeseen {x}. {s}"],
}
PHONE_TPL = {
    "en": ["Call back on {x}.", "{s} Reached at {x}", "Customer prefers phone: {x}", "Left voicemail on {x}. {s}"],
    "de": ["Rückruf unter {x}.", "{s} Erreichbar unter {x}", "Kunde bittet um Anruf: {x}"],
    "fr": ["Rappeler au {x}.", "{s} Joignable au {x}", "Le client demande un appel : {x}"],
    "es": ["Devolver la llamada al {x}.", "{s} Teléfono: {x}", "El cliente pide que le llamen al {x}"],
    "it": ["Richiamare al {x}.", "{s} Recapito: {x}", "Il cliente chiede di essere chiamato al {x}"],
    "nl": ["Terugbellen op {x}.", "{s} Bereikbaar op {x}", "Klant wil gebeld worden: {x}"],
    "pt": ["Retornar a ligação no {x}.", "{s} Telefone: {x}", "Cliente pediu contato pelo {x}"],
    "pl": ["Oddzwonić pod numer {x}.", "{s} Tel.: {x}", "Klient prosi o kontakt: {x}"],
    "sv": ["Ring tillbaka på {x}.", "{s} Nås på {x}", "Kunden vill bli uppringd: {x}"],
    "da": ["Ring tilbage på {x}.", "{s} Kan træffes på {x}", "Kunden ønsker opkald: {x}"],
    "no": ["Ring tilbake på {x}.", "{s} Kan nås på {x}", "Kunden ønsker å bli ringt: {x}"],
    "cs": ["Zavolat zpět na {x}.", "{s} Tel.: {x}", "Zákazník žádá o zavolání: {x}"],
    "tr": ["{x} numarasından geri aranacak.", "{s} Tel: {x}", "Müşteri aranmak istiyor: {x}"],
    "fi": ["Soita takaisin numeroon {x}.", "{s} Tavoitettavissa: {x}", "Asiakas pyytää soittoa: {x}"],
}

# ---------------------------------------------------------------- IBANs
IBAN_LEN = {"DE": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "GB": 22, "PL": 28, "SE": 24}
IBAN_COUNTRY = {"de": "DE", "de-at": "DE", "de-ch": "DE", "fr": "FR", "es": "ES", "es-mx": "ES", "it": "IT", "nl": "NL",
                "nl-be": "NL", "en-gb": "GB", "pl": "PL", "sv": "SE", "pt": "ES", "pt-br": "ES"}


def iban_ok(s):
    return common.iban_ok(s, IBAN_LEN)


_digits = common.digits


def iban_make(rng, cc):
    """A valid IBAN for cc: national check digits where the scheme has simple ones, then mod-97."""
    if cc == "DE":
        bban = _digits(rng, 8) + _digits(rng, 10)
    elif cc == "FR":  # bank 5, branch 5, account 11, RIB key 2
        bank, branch, acct = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
        key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97)
        bban = f"{bank}{branch}{acct}{key:02d}"
    elif cc == "ES":  # bank 4, branch 4, 2 control digits, account 10
        w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

        def dc(s10):
            d = 11 - sum(int(a) * b for a, b in zip(s10, w)) % 11
            return {10: 1, 11: 0}.get(d, d)
        bank, branch, acct = _digits(rng, 4), _digits(rng, 4), _digits(rng, 10)
        bban = f"{bank}{branch}{dc('00' + bank + branch)}{dc(acct)}{acct}"
    elif cc == "IT":  # CIN letter + ABI 5 + CAB 5 + account 12
        odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        body = _digits(rng, 5) + _digits(rng, 5) + _digits(rng, 12)
        s = sum(odd[int(ch)] if i % 2 == 0 else int(ch) for i, ch in enumerate(body))
        bban = chr(ord("A") + s % 26) + body
    elif cc == "NL":  # bank code + 10-digit account passing the 11-test
        while True:
            acct = _digits(rng, 10)
            if acct[0] != "0" and sum(int(ch) * (10 - i) for i, ch in enumerate(acct)) % 11 == 0:
                break
        bban = rng.choice(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ"]) + acct
    elif cc == "GB":
        bban = rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "RBOS"]) + _digits(rng, 6) + _digits(rng, 8)
    elif cc == "PL":  # 8-digit bank/branch code whose last digit is a weighted check digit, + 16-digit account
        b7 = _digits(rng, 7)
        chk = (10 - sum(int(a) * w for a, w in zip(b7, [3, 9, 7, 1, 3, 9, 7])) % 10) % 10
        bban = b7 + str(chk) + _digits(rng, 16)
    elif cc == "SE":
        bban = rng.choice(["500", "800", "600", "300", "120", "957"]) + _digits(rng, 17)
    else:
        raise KeyError(cc)
    num = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    iban = f"{cc}{98 - int(num) % 97:02d}{bban}"
    assert len(iban) == IBAN_LEN[cc], iban
    return iban


# ---------------------------------------------------------------- helpers
def ascii_fold(s):
    s = s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("ı", "i")
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def fmt_date(d, fmt):
    # %-d / %-m (no zero padding) done by hand so it also works off glibc
    return d.strftime(fmt.replace("%-d", str(d.day)).replace("%-m", str(d.month)))


def fmt_number(x, loc):
    s = f"{x:,.2f}"  # 1,234.56
    if loc in ("de", "de-at", "es", "es-mx", "it", "nl", "nl-be", "pt-br", "pt", "da", "tr"):
        if loc == "es-mx":
            return s
        return s.replace(",", "_").replace(".", ",").replace("_", ".")
    if loc in ("fr", "pl", "sv", "no", "cs", "fi"):
        return s.replace(",", "\u00a0" if loc == "fr" else " ").replace(".", ",")
    if loc == "de-ch":
        return s.replace(",", "'")
    return s


class Ctx:
    def __init__(self, locale, seed, idx):
        self.locale = locale
        self.lang = LANG[locale]
        ms = seed * 1000 + idx
        L = Locale(locale)
        self.person = Person(L, seed=ms)
        self.address = Address(L, seed=ms + 1)
        self.finance = Finance(L, seed=ms + 2)
        self.text = Text(L, seed=ms + 3)
        self.dt = Datetime(L, seed=ms + 4)
        self.food = Food(L, seed=ms + 5)
        self.internet = Internet(seed=ms + 6)
        self.payment = Payment(seed=ms + 7)
        self.crypto = Cryptographic(seed=ms + 8)
        self.code = Code(seed=ms + 9)
        self.hardware = Hardware(seed=ms + 10)
        self.file = File(seed=ms + 11)
        self.rng = random.Random(f"{seed}:{idx}:{locale}")

    def sentence(self):
        s = self.text.sentence().strip()
        return s if len(s) <= 140 else s[:137].rsplit(" ", 1)[0] + "."


def make_gen(kind, c):
    """Return a zero-arg value generator for one column (per-column format chosen here)."""
    rng, loc, lang = c.rng, c.locale, c.lang
    P, A = c.person, c.address

    def name_email():
        first, last = ascii_fold(P.first_name()).lower(), ascii_fold(P.last_name()).lower()
        first, last = re.sub(r"[^a-z]", "", first), re.sub(r"[^a-z]", "", last)
        user = rng.choice([f"{first}.{last}", f"{first[:1]}{last}", f"{first}_{last}{rng.randint(1, 99)}", f"{last}.{first}"])
        return f"{user}@{rng.choice(MAIL_DOMAINS[loc] + ['gmail.com', 'outlook.com'])}"

    def any_email():
        r = rng.random()
        if r < 0.4:
            return P.email()
        if r < 0.7:
            return P.email(domains=MAIL_DOMAINS[loc])
        return name_email()

    shared = common.rng_only_gen(kind, rng)
    if shared is not None:
        return shared
    if kind == "email":
        style = rng.choice(["mimesis", "local", "name", "mixed"])
        if style == "mimesis":
            return lambda: P.email()
        if style == "local":
            return lambda: P.email(domains=MAIL_DOMAINS[loc])
        if style == "name":
            return name_email
        return any_email
    if kind in ("notes_with_email", "notes_with_phone"):
        rate = rng.uniform(0.2, 0.3)
        tpls = (EMAIL_TPL if kind == "notes_with_email" else PHONE_TPL)[lang]
        item = any_email if kind == "notes_with_email" else P.phone_number

        def g():
            s = c.sentence()
            if rng.random() < rate:
                return rng.choice(tpls).format(x=item(), s=s)
            return s
        return g
    if kind == "phone_local":
        if rng.random() < 0.8:
            return P.phone_number

        def g():  # E.164; some mimesis masks give '+0...' there, so fall back to the local format
            v = P.phone_number(e164=True)
            return v if re.match(r"\+[1-9]", v) else P.phone_number()
        return g
    if kind == "first_name":
        return P.first_name
    if kind == "last_name":
        return P.last_name
    if kind == "person_full":
        rev = rng.random() < 0.25
        return lambda: P.full_name(reverse=rev)
    if kind == "person_titled":
        def g():
            r = rng.random()
            if r < 0.35:
                return f"{P.title(title_type=TitleType.TYPICAL)} {P.full_name()}"
            if r < 0.45:
                t = P.title(title_type=TitleType.ACADEMIC)
                return f"{t} {P.full_name()}" if t.endswith(".") and lang not in ("en",) else f"{P.full_name()}, {t}"
            return P.full_name()
        return g
    if kind == "person_last_first":
        return common.last_first_gen(rng, P.first_name, P.last_name)
    if kind == "street_address":
        return A.address
    if kind == "full_address":
        def g():
            street, city, pc = A.address(), A.city(), A.postal_code()
            if loc in ("en", "en-ca"):
                return f"{street}, {city}, {A.state(abbr=True)} {pc}"
            if loc in ("en-gb", "pt-br"):
                return f"{street}, {city}, {pc}"
            return f"{street}, {pc} {city}"
        return g
    if kind == "postal_code":
        if loc == "en":
            return lambda: f"{A.postal_code()}-{rng.randint(1, 9999):04d}" if rng.random() < 0.15 else A.postal_code()
        return A.postal_code
    if kind == "dob_local":
        fmt = common.date_fmt(rng, DATE_FMT[loc], ALT_DATE_FMTS)
        return lambda: fmt_date(P.birthdate(min_year=REF_DATE.year - 90, max_year=REF_DATE.year - 19), fmt)
    if kind == "event_date_local":
        fmt = common.date_fmt(rng, DATE_FMT[loc], ALT_DATE_FMTS)
        return lambda: fmt_date(c.dt.date(start=2016, end=2024), fmt)
    if kind == "credit_card":
        style = rng.choice(["space", "space", "plain", "dash", "mixed"])

        def g():
            n = c.payment.credit_card_number()  # mimesis: space-grouped 4-4-4-4 or 4-6-5
            st = rng.choice(["plain", "space", "dash"]) if style == "mixed" else style
            return {"plain": n.replace(" ", ""), "dash": n.replace(" ", "-")}.get(st, n)
        return g
    if kind == "iban":
        grouped = rng.random() < 0.4
        home = IBAN_COUNTRY.get(loc)
        ccs = sorted(IBAN_LEN)

        def g():
            cc = home if home and rng.random() < 0.8 else rng.choice(ccs)
            s = iban_make(rng, cc)
            return common.group4(s) if grouped else s
        return g
    if kind == "ipv4":
        return c.internet.ip_v4
    if kind == "ipv6":
        style = rng.choice(["mimesis", "compressed", "exploded"])

        def g():
            v = c.internet.ip_v6()
            if style == "compressed":
                return str(ipaddress.IPv6Address(v))
            if style == "exploded":
                return ipaddress.IPv6Address(v).exploded
            return v
        return g
    if kind == "mac":
        return common.mac_gen(rng, c.internet.mac_address)
    if kind == "us_ssn":
        plain_p = rng.choice([0.0, 0.0, 0.2])

        def g():
            while True:
                a = rng.randint(1, 899)
                if a != 666:
                    break
            s = f"{a:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
            return s.replace("-", "") if rng.random() < plain_p else s
        return g
    if kind == "us_passport":
        letter_p = rng.choice([0.0, 0.4, 1.0])
        return lambda: (rng.choice("ACEFGHKLMNPRSTVXZ") + _digits(rng, 8)) if rng.random() < letter_p \
            else str(rng.randint(1, 9)) + _digits(rng, 8)
    if kind == "uk_nino":
        style = rng.choice(["compact", "pairs", "mixed"])

        def g():
            p = common.nino_prefix(rng)
            dg = _digits(rng, 6)
            st = rng.choice(["compact", "pairs"]) if style == "mixed" else style
            suf = rng.choice("ABCD")
            return common.nino_format(p, dg, suf, st)
        return g
    # ---- negatives
    if kind == "timestamp":
        loc_fmt = {"de": "%d.%m.%Y %H:%M", "en": "%m/%d/%Y %I:%M %p"}.get(loc, DATE_FMT[loc] + " %H:%M:%S")
        fmt = common.timestamp_fmt(rng, loc_fmt)
        return lambda: fmt_date(c.dt.datetime(start=2016, end=2024), fmt)
    if kind == "company":
        return c.finance.company
    if kind == "city":
        return A.city
    if kind == "country":
        return A.country
    if kind == "job_title":
        return P.occupation
    if kind == "product_text":
        src = rng.choice(["food", "hardware"])
        if src == "food":
            return lambda: rng.choice([c.food.dish, c.food.drink, c.food.fruit, c.food.vegetable])()
        return lambda: rng.choice([c.hardware.cpu, c.hardware.graphics,
                                   lambda: f"{c.hardware.ram_size()} {c.hardware.ram_type()} RAM",
                                   lambda: f"{c.hardware.screen_size()} {c.hardware.resolution()}"])()
    if kind == "device_model":
        return c.hardware.phone_model
    if kind == "file_name":
        zp = rng.random() < 0.5
        return lambda: (re.sub(r"\.\w+$", ".zip", c.file.file_name()) if zp and rng.random() < 0.7 else c.file.file_name())
    if kind == "uuid":
        return common.uuid_gen(rng, c.crypto.uuid)
    if kind == "hex_hash":
        alg = rng.choice([Algorithm.MD5, Algorithm.SHA1, Algorithm.SHA256])
        up = rng.random() < 0.2
        return lambda: c.crypto.hash(alg).upper() if up else c.crypto.hash(alg)
    if kind == "sku":
        return common.sku_gen(rng, loc[:2].upper())
    if kind == "store_number":
        return common.number_id_gen(rng, 5)
    if kind == "id_9d":
        return common.number_id_gen(rng, 9)
    if kind == "luhn_fail_16":
        return common.luhn_fail_gen(rng, ["4", "51", "52", "53", "54", "55", "2221", "2720"])
    if kind == "isbn":
        fmt = rng.choice([ISBNFormat.ISBN10, ISBNFormat.ISBN13, None])
        return lambda: c.code.isbn(fmt=fmt)
    if kind == "ean":
        fmt = rng.choice([EANFormat.EAN13, EANFormat.EAN13, EANFormat.EAN8])
        return lambda: c.code.ean(fmt=fmt)
    if kind == "currency":
        ccy = LOCAL_CCY[loc]
        return lambda: ccy if rng.random() < 0.6 else c.finance.currency_iso_code()
    if kind == "amount_local":
        sign = rng.random() < 0.35
        ccy = LOCAL_CCY[loc]
        hi = rng.choice([2000, 250000])

        def g():
            s = fmt_number(c.finance.price(minimum=1, maximum=hi), loc)
            if not sign:
                return s
            sym = CCY_SIGN[ccy]
            return f"{sym}{'' if len(sym) == 1 else ' '}{s}" if ccy in SIGN_BEFORE else f"{s} {sym}"
        return g
    if kind == "quantity":
        hi = rng.choice([12, 50, 500])
        return lambda: str(rng.randint(0, hi))
    if kind == "status":
        words = STATUS[lang]
        return lambda: rng.choice(words)
    if kind == "flag":
        t, fl = rng.choice(BOOLS[lang] + common.GENERIC_BOOLS)
        dev = Development(seed=rng.randint(0, 10 ** 9))
        return lambda: t if dev.boolean() else fl
    if kind == "free_text":
        n = rng.choice([1, 2])
        return lambda: c.text.text(quantity=n).replace("\n", " ")
    raise KeyError(kind)


def build_table(idx, locale, theme, seed):
    c = Ctx(locale, seed, idx)

    def extras(rng):  # the national ids only these locales have
        if locale == "en":
            return rng.sample(["us_ssn", "us_passport", "aba_routing"], 3)
        return ["uk_nino"] if locale == "en-gb" else []

    style, header, rows, meta = common.make_table(
        c.rng, c.lang, POOLS[theme], extras, n_cols=(8, 11), n_rows=(100, 300), style_weights=[0.5, 0.1, 0.2, 0.1, 0.1],
        kinds=KINDS, names=NAMES, name_keys=(c.lang,), baits=BAITS,
        make=lambda kind: (lambda g: lambda: g().strip())(make_gen(kind, c)))  # values are written stripped
    return f"tables/t{idx + 1:03d}_{theme}_{locale.replace('-', '_')}.csv", style, header, rows, meta


def self_check(tables):
    """Assert the structural promises on every written value."""
    for t, _ in tables:
        names = [col["name"] for col in t["columns"]]
        assert len(set(names)) == len(names), t["file"]
    for t, col, k, vals in common.table_columns(tables):
        for v in vals:
            assert "\n" not in v and v == v.strip(), (t["file"], col["name"], v)
            if common.check_shared_kind(k, v):
                pass
            elif k == "credit_card":
                assert common.luhn_ok(v) and len(re.sub(r"\D", "", v)) in (15, 16), (t["file"], v)
            elif k == "iban":
                assert iban_ok(v), (t["file"], v)
            elif k == "us_passport":
                assert re.fullmatch(r"\d{9}|[A-Z]\d{8}", v), v
            elif k == "mac":
                assert len(re.sub(r"[^0-9a-fA-F]", "", v)) == 12, v
            elif k == "id_9d":
                assert re.fullmatch(r"\d{9}", v), v
            elif k == "store_number":
                assert re.fullmatch(r"\d{5}", v), v
            elif k in ("free_text", "notes_with_phone"):
                assert "@" not in v, (t["file"], col["name"], v)
            elif k == "email":
                assert re.fullmatch(r"[^@\s]+@[a-z0-9.-]+\.[a-z]+", v), v
        if k.startswith("notes_with"):
            hit = (lambda v: "@" in v) if k == "notes_with_email" else (lambda v: len(re.findall(r"\d", v)) >= 7)
            common.assert_share(t, col, vals, hit, 0.45)


def main():
    common.reexec_with_fixed_hash_seed()
    a = common.parse_args(__doc__, seed=11, tables=len(LOCALES))
    if mimesis.__version__ != MIMESIS_PINNED:
        print(f"warning: mimesis {mimesis.__version__} != {MIMESIS_PINNED}; values will differ from the reference corpus",
              file=sys.stderr)

    def table_spec(i):
        return LOCALES[i % len(LOCALES)], common.THEMES[(i + 3 * (i // len(common.THEMES))) % len(common.THEMES)]

    out_tables, written, nonnull = common.write_tables(a.out, a.tables, a.seed, table_spec, build_table)
    self_check(written)
    labels = common.labels_doc(
        "holdout-mimesis-1.0", "scripts/bench/pii_holdout_mimesis.py", ("mimesis_version", mimesis.__version__), a, 300,
        LOCALES,
        ("One label per column. NONE = not personal/sensitive data, including dates that are not "
         "birth dates, organisation names, cities, countries, occupations, UUIDs, hashes and versions. "
         "Empty string = NULL. A column is positive even if only some rows hold the entity (kinds "
         "notes_with_email, notes_with_phone). Bait columns (misleading names) are hard negatives. "
         "Unlike the dev corpus, currency/amount/flag/status/free_text are also hard negatives "
         "(see soft_negative_in_dev)."),
        KINDS, out_tables, nonnull, extra={"soft_negative_in_dev": SOFT_NEGATIVE_IN_DEV})
    common.write_labels(a.out, labels)
    common.print_summary(out_tables, nonnull, a.out)


if __name__ == "__main__":
    main()
