#!/usr/bin/env python3
"""
pii_holdout.py -- generate a HELD-OUT PII benchmark corpus for Steward's column classifier.

The development corpus (../shared/bench/pii/corpus) is mostly en_US with English
snake_case column names. This corpus checks generalisation: every table has one Faker
locale (de_DE, fr_FR, es_ES, it_IT, nl_NL, en_GB, pt_BR, en_US, en_CA, en_IN), column
names come in the table's language, camelCase English, UPPER_SNAKE, opaque (col_NN, ...)
or misleading ("bait") styles, and the hard negatives include new shapes (local date
formats, 10-digit epoch seconds, invoice numbers, cities, jobs, local companies, ...).

Output (same structure as the dev corpus, readable by ../shared/bench/pii/score.py):
  OUT_DIR/tables/tNNN_<theme>.csv   empty string = NULL, UTF-8, "\\n" line ends
  OUT_DIR/labels.json               {"labels", "family", "kinds", "tables": [{"file",
                                     "columns": [{"name", "label", "kind", "hard_negative",
                                     "name_mode", "name_style", "null_rate", ...}]}], ...}
  OUT_DIR/labels.csv                one row per column

Label policy is the dev corpus's: one label per column; companies, cities, countries,
job titles, non-birth dates, ids, hashes and versions are NONE; a free-text column in
which only some rows embed an e-mail is EMAIL_ADDRESS. name_mode is descriptive / opaque
/ bait; every bait column (name suggests PII, values are not) is a hard negative.

Setup (Faker lives in its own venv; nothing is installed into the project):
    python3 -m venv ~/.cache/steward/holdout-venv
    ~/.cache/steward/holdout-venv/bin/pip install 'faker==40.63.0'
Generate (deterministic for a given seed and Faker version; the corpus was built with
faker 40.63.0 -- another Faker version may give other values, labels.json records it):
    ~/.cache/steward/holdout-venv/bin/python scripts/bench/pii_holdout.py --out /tmp/pii-holdout --seed 7
Score:
    python3 ../shared/bench/pii/score.py /tmp/pii-holdout predictions.json

The script re-executes itself with PYTHONHASHSEED=0: some Faker data (it_IT cities) is built
from a set, so without it the values would change from run to run.
Dates of birth use Faker's date_between_dates with bounds fixed relative to REF_DATE
(ages 18-90 on 2025-01-01) instead of date_of_birth(), which depends on today's date.
"""
import argparse
import csv
import hashlib
import ipaddress
import json
import os
import platform
import random
import re
import sys
from collections import Counter
from datetime import date, datetime

try:
    import faker
    from faker import Faker
except ImportError:  # pragma: no cover
    sys.exit("faker missing: see the docstring (venv in ~/.cache/steward/holdout-venv)")

FAKER_PINNED = "40.63.0"
REF_DATE = date(2025, 1, 1)

LOCALES = ["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB", "pt_BR", "en_US", "en_CA", "en_IN"]
LANG = {"de_DE": "de", "fr_FR": "fr", "es_ES": "es", "it_IT": "it", "nl_NL": "nl", "pt_BR": "pt",
        "en_GB": "en", "en_US": "en", "en_CA": "en", "en_IN": "en"}

LABELS = ["ABA_ROUTING_NUMBER", "CREDIT_CARD", "DATE_OF_BIRTH", "EMAIL_ADDRESS", "IBAN_CODE",
          "IP_ADDRESS", "MAC_ADDRESS", "PERSON", "PHONE_NUMBER", "POSTAL_CODE", "STREET_ADDRESS",
          "UK_NINO", "US_PASSPORT", "US_SSN", "NONE"]
FAMILY = {"EMAIL_ADDRESS": "CONTACT", "PHONE_NUMBER": "CONTACT", "PERSON": "NAME",
          "STREET_ADDRESS": "LOCATION", "POSTAL_CODE": "LOCATION", "DATE_OF_BIRTH": "DATE",
          "CREDIT_CARD": "FINANCIAL", "IBAN_CODE": "FINANCIAL", "ABA_ROUTING_NUMBER": "FINANCIAL",
          "US_SSN": "GOV_ID", "US_PASSPORT": "GOV_ID", "UK_NINO": "GOV_ID",
          "IP_ADDRESS": "NETWORK", "MAC_ADDRESS": "NETWORK", "NONE": "NONE"}

# kind -> (label, hard_negative, note)
KINDS = {
    "email": ("EMAIL_ADDRESS", False, "locale e-mail domains"),
    "notes_with_email": ("EMAIL_ADDRESS", False, "free text in the table's language; 20-30% of rows embed an e-mail"),
    "phone_local": ("PHONE_NUMBER", False, "faker.phone_number() in the table's locale; not all libphonenumber-valid"),
    "first_name": ("PERSON", False, ""),
    "last_name": ("PERSON", False, ""),
    "person_full": ("PERSON", False, "faker.name(): may carry degrees (MBA., B.Sc.)"),
    "person_titled": ("PERSON", False, "~40% of rows prefixed with a local title (Dr., Herr, Mme, Sig.ra, dhr. ...)"),
    "person_last_first": ("PERSON", False, "'Last, First' or 'LAST First'"),
    "street_address": ("STREET_ADDRESS", False, "newlines replaced by ', '"),
    "full_address": ("STREET_ADDRESS", False, "faker.address() with newlines replaced by ', '"),
    "postal_code": ("POSTAL_CODE", False, "locale postcodes (SW1A 1AA, 1234 AB, K1A 0B1, 12345-678, 6-digit PIN, 5-digit)"),
    "dob_local": ("DATE_OF_BIRTH", False, "ages 18-90; local format (dd.mm.yyyy, dd/mm/yyyy, dd-mm-yyyy, mm/dd/yyyy, ISO)"),
    "credit_card": ("CREDIT_CARD", False, "faker.credit_card_number(), various issuers, plain/spaced/dashed"),
    "iban": ("IBAN_CODE", False, "faker.iban() (non-EU locales give GB IBANs), compact or grouped"),
    "ipv4": ("IP_ADDRESS", False, ""),
    "ipv6": ("IP_ADDRESS", False, "full or compressed"),
    "mac": ("MAC_ADDRESS", False, "colon, dash or Cisco dot notation"),
    "us_ssn": ("US_SSN", False, "en_US tables only"),
    "us_passport": ("US_PASSPORT", False, "en_US tables only"),
    "aba_routing": ("ABA_ROUTING_NUMBER", False, "en_US tables only; valid prefix and 3-7-1 checksum"),
    "uk_nino": ("UK_NINO", False, "en_GB tables only; valid prefixes, with/without spaces"),
    # hard negatives
    "event_date_local": ("NONE", True, "order/invoice/hire dates 2016-2024 in the same local format as birth dates"),
    "timestamp": ("NONE", True, "ISO, SQL or local date-time formats"),
    "epoch_ts": ("NONE", True, "10-digit Unix seconds: phone-shaped"),
    "company": ("NONE", True, "faker.company() in the table's locale (GmbH, SARL, S.L., BV ...); NER often says PERSON"),
    "product_text": ("NONE", True, "faker.catch_phrase() in the table's locale"),
    "uuid": ("NONE", True, "lower/upper/no-dash UUIDs"),
    "hex_hash": ("NONE", True, "md5/sha1/sha256 hex"),
    "fw_version": ("NONE", True, "a.b.c.d with parts <=255: IPv4-shaped"),
    "sku": ("NONE", True, "article numbers in several shapes"),
    "store_number": ("NONE", True, "4-5 digits: postcode-shaped"),
    "invoice_number": ("NONE", True, "locale invoice numbering (RE-2023-04512, FAC-..., FT 2023/...)"),
    "order_id_10d": ("NONE", True, "10-digit ids: phone-shaped"),
    "ssn_shaped_invalid": ("NONE", True, "ddd-dd-dddd with area 000/666/9xx (never issued)"),
    "luhn_fail_16": ("NONE", True, "16 digits, card-like prefix, Luhn FAILS"),
    "city": ("NONE", True, "faker.city() (bare surnames filtered out)"),
    "country": ("NONE", True, "country names in the table's language"),
    "job_title": ("NONE", True, "faker.job()"),
    # ordinary negatives (hard_negative false, as in the dev corpus)
    "amount_local": ("NONE", False, "local number format (1.234,56 / 1 234,56 / 1,234.56 / 1,23,456.78), sometimes a currency sign"),
    "quantity": ("NONE", False, ""),
    "status": ("NONE", False, "status words in the table's language"),
    "flag": ("NONE", False, "booleans: ja/nein, oui/non, true/false, 1/0, Y/N ..."),
    "currency": ("NONE", False, ""),
    "free_text": ("NONE", False, "faker.text() in the table's language where Faker has one"),
}

CROSSWALK = {
    "EMAIL_ADDRESS": {"presidio": "EMAIL_ADDRESS", "gcp_dlp": "EMAIL_ADDRESS", "aws_macie": None},
    "PHONE_NUMBER": {"presidio": "PHONE_NUMBER", "gcp_dlp": "PHONE_NUMBER", "aws_macie": "PHONE_NUMBER (+country variants)"},
    "PERSON": {"presidio": "PERSON", "gcp_dlp": "PERSON_NAME|FIRST_NAME|LAST_NAME", "aws_macie": "NAME (full names only)"},
    "STREET_ADDRESS": {"presidio": "LOCATION (NER only)", "gcp_dlp": "STREET_ADDRESS", "aws_macie": "ADDRESS"},
    "POSTAL_CODE": {"presidio": None, "gcp_dlp": None, "aws_macie": None},
    "DATE_OF_BIRTH": {"presidio": "DATE_TIME", "gcp_dlp": "DATE_OF_BIRTH", "aws_macie": "DATE_OF_BIRTH"},
    "CREDIT_CARD": {"presidio": "CREDIT_CARD", "gcp_dlp": "CREDIT_CARD_NUMBER", "aws_macie": "CREDIT_CARD_NUMBER"},
    "US_SSN": {"presidio": "US_SSN", "gcp_dlp": "US_SOCIAL_SECURITY_NUMBER", "aws_macie": "USA_SOCIAL_SECURITY_NUMBER"},
    "IBAN_CODE": {"presidio": "IBAN_CODE", "gcp_dlp": "IBAN_CODE", "aws_macie": "BANK_ACCOUNT_NUMBER (country variants)"},
    "IP_ADDRESS": {"presidio": "IP_ADDRESS", "gcp_dlp": "IP_ADDRESS", "aws_macie": None},
    "MAC_ADDRESS": {"presidio": "MAC_ADDRESS", "gcp_dlp": "MAC_ADDRESS", "aws_macie": None},
    "US_PASSPORT": {"presidio": "US_PASSPORT", "gcp_dlp": "US_PASSPORT", "aws_macie": "USA_PASSPORT_NUMBER"},
    "UK_NINO": {"presidio": "UK_NINO", "gcp_dlp": "UK_NATIONAL_INSURANCE_NUMBER", "aws_macie": "UK_NATIONAL_INSURANCE_NUMBER"},
    "ABA_ROUTING_NUMBER": {"presidio": "ABA_ROUTING_NUMBER (disabled by default)", "gcp_dlp": "US_BANK_ROUTING_MICR", "aws_macie": None},
}

# ---------------------------------------------------------------- column names
# kind -> lang -> candidate snake_case names. "en" names feed the camelCase/UPPER styles too.
NAMES = {
    "first_name": {"de": ["vorname", "rufname"], "fr": ["prenom", "prenom_client"], "es": ["nombre", "nombre_pila"],
                   "it": ["nome", "nome_cliente"], "nl": ["voornaam", "roepnaam"], "pt": ["primeiro_nome", "nome"],
                   "en": ["first_name", "given_name", "forename"], "en_GB": ["forename", "christian_name"]},
    "last_name": {"de": ["nachname", "familienname"], "fr": ["nom_de_famille", "nom"], "es": ["apellido", "apellidos", "primer_apellido"],
                  "it": ["cognome"], "nl": ["achternaam", "familienaam"], "pt": ["sobrenome", "ultimo_nome"],
                  "en": ["last_name", "surname", "family_name"]},
    "person_full": {"de": ["name", "kundenname", "ansprechpartner", "mitarbeiter"], "fr": ["nom_complet", "nom_client", "interlocuteur"],
                    "es": ["nombre_completo", "nombre_cliente", "persona_contacto"], "it": ["nominativo", "nome_completo", "referente"],
                    "nl": ["volledige_naam", "naam", "contactpersoon"], "pt": ["nome_completo", "responsavel", "nome_cliente"],
                    "en": ["full_name", "customer_name", "contact_person", "employee_name"]},
    "person_titled": {"de": ["ansprechpartner", "arzt", "kontaktperson"], "fr": ["titulaire", "medecin", "contact"],
                      "es": ["titular", "medico", "contacto"], "it": ["intestatario", "medico_curante", "contatto"],
                      "nl": ["contactpersoon", "huisarts", "aanhef_naam"], "pt": ["titular", "medico", "contato"],
                      "en": ["account_holder", "physician", "contact_name", "addressee"]},
    "person_last_first": {"de": ["name_vorname", "inhaber"], "fr": ["nom_prenom", "beneficiaire"], "es": ["apellidos_nombre", "beneficiario"],
                          "it": ["cognome_nome", "beneficiario"], "nl": ["naam_voornaam", "begunstigde"], "pt": ["nome_favorecido", "favorecido"],
                          "en": ["payee", "passenger_name", "beneficiary", "name_on_card"]},
    "email": {"de": ["e_mail", "email_adresse", "mailadresse"], "fr": ["courriel", "adresse_mail", "email"],
              "es": ["correo", "correo_electronico", "email"], "it": ["indirizzo_email", "posta_elettronica", "email"],
              "nl": ["e_mailadres", "emailadres"], "pt": ["e_mail", "endereco_email", "correio_eletronico"],
              "en": ["email_address", "contact_email", "email", "user_mail"]},
    "notes_with_email": {"de": ["bemerkung", "notizen", "kommentar"], "fr": ["remarques", "commentaire", "notes_internes"],
                         "es": ["observaciones", "notas", "comentario"], "it": ["note", "osservazioni", "commento"],
                         "nl": ["opmerkingen", "notities"], "pt": ["observacoes", "comentarios", "anotacoes"],
                         "en": ["remarks", "agent_notes", "comments", "case_notes"]},
    "phone_local": {"de": ["telefon", "telefonnummer", "handynummer", "tel_nr"], "fr": ["telephone", "tel_portable", "numero_telephone"],
                    "es": ["telefono", "movil", "telefono_contacto"], "it": ["telefono", "cellulare", "recapito_telefonico"],
                    "nl": ["telefoonnummer", "mobiel", "telefoon"], "pt": ["telefone", "celular", "fone"],
                    "en": ["phone_number", "mobile_number", "contact_number", "telephone"],
                    "en_GB": ["mobile_no", "telephone", "home_phone"], "en_IN": ["mobile_no", "contact_no"]},
    "street_address": {"de": ["strasse", "strasse_hausnummer", "anschrift"], "fr": ["adresse", "rue", "adresse_postale"],
                       "es": ["direccion", "calle", "domicilio"], "it": ["indirizzo", "via", "domicilio"],
                       "nl": ["straat", "adres", "straat_huisnummer"], "pt": ["endereco", "logradouro", "rua"],
                       "en": ["street", "street_address", "address_line1"], "en_GB": ["address_line_1", "street"]},
    "full_address": {"de": ["postanschrift", "lieferadresse", "wohnanschrift"], "fr": ["adresse_complete", "adresse_livraison"],
                     "es": ["direccion_completa", "direccion_envio"], "it": ["indirizzo_completo", "indirizzo_spedizione"],
                     "nl": ["volledig_adres", "afleveradres", "postadres"], "pt": ["endereco_completo", "endereco_entrega"],
                     "en": ["full_address", "shipping_address", "postal_address", "residence"]},
    "postal_code": {"de": ["plz", "postleitzahl"], "fr": ["code_postal", "cp"], "es": ["codigo_postal", "cod_postal"],
                    "it": ["cap", "codice_postale"], "nl": ["postcode"], "pt": ["cep", "codigo_postal"],
                    "en": ["zip_code", "postcode", "postal_code"], "en_GB": ["postcode", "post_code"],
                    "en_IN": ["pincode", "pin_code"], "en_US": ["zip", "zip_code"], "en_CA": ["postal_code", "postal"]},
    "dob_local": {"de": ["geburtsdatum", "geb_datum", "geburtstag"], "fr": ["date_de_naissance", "date_naissance", "ne_le"],
                  "es": ["fecha_nacimiento", "fecha_de_nacimiento", "f_nacimiento"], "it": ["data_di_nascita", "data_nascita"],
                  "nl": ["geboortedatum", "geb_datum"], "pt": ["data_nascimento", "data_de_nascimento", "dt_nasc"],
                  "en": ["date_of_birth", "birth_date", "born_on"]},
    "credit_card": {"de": ["kreditkarte", "kartennummer", "kreditkartennummer"], "fr": ["numero_carte", "carte_bancaire", "num_cb"],
                    "es": ["tarjeta", "numero_tarjeta", "tarjeta_credito"], "it": ["carta_di_credito", "numero_carta"],
                    "nl": ["creditcard", "kaartnummer"], "pt": ["cartao", "numero_cartao", "cartao_credito"],
                    "en": ["card_number", "credit_card_no", "payment_card"]},
    "iban": {"de": ["iban", "bankverbindung", "konto_iban"], "fr": ["iban", "rib_iban", "compte_bancaire"],
             "es": ["iban", "cuenta_bancaria", "cuenta_iban"], "it": ["iban", "conto_corrente"],
             "nl": ["iban", "rekeningnummer", "bankrekening"], "pt": ["iban", "conta_bancaria"],
             "en": ["iban", "bank_account", "iban_number"]},
    "ipv4": {"de": ["ip_adresse"], "fr": ["adresse_ip"], "es": ["direccion_ip"], "it": ["indirizzo_ip"], "nl": ["ip_adres"],
             "pt": ["endereco_ip"], "en": ["ip_address", "remote_addr", "source_ip", "last_login_ip"]},
    "ipv6": {"de": ["ipv6_adresse"], "fr": ["adresse_ipv6"], "es": ["direccion_ipv6"], "it": ["indirizzo_ipv6"], "nl": ["ipv6_adres"],
             "pt": ["endereco_ipv6"], "en": ["ipv6_address", "client_ip6", "peer_addr"]},
    "mac": {"de": ["mac_adresse", "geraete_mac"], "fr": ["adresse_mac"], "es": ["direccion_mac"], "it": ["indirizzo_mac"],
            "nl": ["mac_adres"], "pt": ["endereco_mac"], "en": ["mac_address", "hw_addr", "wifi_mac"]},
    "us_ssn": {"en": ["social_security_number", "ss_no", "taxpayer_ssn", "ssn"]},
    "us_passport": {"en": ["passport_number", "passport_no", "travel_doc_no"]},
    "aba_routing": {"en": ["routing_number", "aba_number", "bank_routing", "rtn"]},
    "uk_nino": {"en": ["national_insurance_number", "ni_number", "nino", "ni_no"]},
    # negatives
    "event_date_local": {"de": ["bestelldatum", "rechnungsdatum", "lieferdatum", "eintrittsdatum"],
                         "fr": ["date_commande", "date_facture", "date_livraison", "date_embauche"],
                         "es": ["fecha_pedido", "fecha_factura", "fecha_alta", "fecha_envio"],
                         "it": ["data_ordine", "data_fattura", "data_consegna", "data_assunzione"],
                         "nl": ["besteldatum", "factuurdatum", "leverdatum", "datum_in_dienst"],
                         "pt": ["data_pedido", "data_emissao", "data_entrega", "data_admissao"],
                         "en": ["order_date", "invoice_date", "hire_date", "delivery_date", "booking_date", "visit_date"]},
    "timestamp": {"de": ["erstellt_am", "geaendert_am", "zeitstempel"], "fr": ["cree_le", "date_maj", "horodatage"],
                  "es": ["creado_en", "actualizado_en"], "it": ["creato_il", "aggiornato_il"], "nl": ["aangemaakt_op", "gewijzigd_op"],
                  "pt": ["criado_em", "atualizado_em"], "en": ["created_at", "updated_at", "last_seen", "logged_at"]},
    "epoch_ts": {"de": ["zeit_unix", "erfasst_ts"], "fr": ["horodatage_unix", "ts_creation"], "es": ["marca_tiempo", "ts_alta"],
                 "it": ["timestamp_unix", "ts_creazione"], "nl": ["tijdstempel", "ts_aangemaakt"], "pt": ["carimbo_tempo", "ts_criacao"],
                 "en": ["created_ts", "event_epoch", "unix_time", "login_ts"]},
    "company": {"de": ["firma", "firmenname", "lieferant", "arbeitgeber"], "fr": ["societe", "raison_sociale", "fournisseur", "employeur"],
                "es": ["empresa", "razon_social", "proveedor"], "it": ["ragione_sociale", "azienda", "fornitore"],
                "nl": ["bedrijf", "bedrijfsnaam", "leverancier", "werkgever"], "pt": ["empresa", "razao_social", "fornecedor"],
                "en": ["company_name", "supplier", "employer", "carrier"]},
    "product_text": {"de": ["produktbeschreibung", "slogan", "kampagne"], "fr": ["slogan", "libelle_produit", "campagne"],
                     "es": ["eslogan", "descripcion_producto", "campana"], "it": ["slogan", "descrizione_prodotto", "campagna"],
                     "nl": ["slogan", "productomschrijving", "campagne"], "pt": ["slogan", "descricao_produto", "campanha"],
                     "en": ["tagline", "product_title", "campaign"]},
    "uuid": {"de": ["vorgangs_id", "datensatz_id"], "fr": ["identifiant", "id_unique"], "es": ["id_registro", "identificador"],
             "it": ["id_univoco", "identificativo"], "nl": ["sessie_id", "record_id"], "pt": ["id_sessao", "identificador"],
             "en": ["guid", "session_id", "correlation_id", "record_uuid"]},
    "hex_hash": {"de": ["pruefsumme", "hashwert"], "fr": ["empreinte", "somme_controle"], "es": ["hash_archivo", "suma_control"],
                 "it": ["impronta", "hash_file"], "nl": ["hashwaarde", "controlesom"], "pt": ["hash_arquivo", "soma_verificacao"],
                 "en": ["content_hash", "file_digest", "checksum_hex", "hash_value"]},
    "fw_version": {"de": ["softwarestand", "firmware_version"], "fr": ["version_logiciel", "version_firmware"],
                   "es": ["version_firmware"], "it": ["versione_firmware"], "nl": ["softwareversie"], "pt": ["versao_firmware"],
                   "en": ["fw_ver", "app_version", "build_number"]},
    "sku": {"de": ["artikelnummer", "art_nr"], "fr": ["reference_article", "ref_produit"], "es": ["referencia", "cod_articulo"],
            "it": ["codice_articolo"], "nl": ["artikelnummer", "artikelcode"], "pt": ["codigo_produto", "sku"],
            "en": ["item_code", "part_no", "sku"]},
    "store_number": {"de": ["filialnummer", "filiale", "lager_nr"], "fr": ["numero_magasin", "code_agence"],
                     "es": ["numero_tienda", "sucursal"], "it": ["codice_negozio", "filiale"], "nl": ["winkelnummer", "filiaalnummer"],
                     "pt": ["numero_loja", "filial"], "en": ["store_no", "branch_code", "depot_id", "site_number"]},
    "invoice_number": {"de": ["rechnungsnummer", "beleg_nr"], "fr": ["numero_facture", "no_facture"], "es": ["numero_factura", "n_factura"],
                       "it": ["numero_fattura"], "nl": ["factuurnummer"], "pt": ["numero_nota", "nota_fiscal"],
                       "en": ["invoice_no", "invoice_ref"]},
    "order_id_10d": {"de": ["bestellnummer", "auftragsnummer"], "fr": ["numero_commande"], "es": ["numero_pedido"],
                     "it": ["numero_ordine"], "nl": ["ordernummer", "bestelnummer"], "pt": ["numero_pedido"],
                     "en": ["order_no", "reference_number", "booking_ref"]},
    "ssn_shaped_invalid": {"de": ["chargennummer", "los_nr"], "fr": ["numero_lot"], "es": ["lote", "num_lote"], "it": ["lotto"],
                           "nl": ["partijnummer"], "pt": ["lote"], "en": ["batch_ref", "lot_code", "control_no"]},
    "luhn_fail_16": {"de": ["gutscheinnummer", "kundenkarte"], "fr": ["carte_fidelite", "num_bon"], "es": ["tarjeta_fidelidad", "vale"],
                     "it": ["carta_fedelta", "buono"], "nl": ["klantenkaart", "waardebon"], "pt": ["cartao_fidelidade", "vale_presente"],
                     "en": ["voucher_code", "loyalty_card_no", "member_card"]},
    "city": {"de": ["ort", "stadt", "wohnort"], "fr": ["ville", "commune"], "es": ["ciudad", "localidad", "poblacion"],
             "it": ["citta", "comune", "localita"], "nl": ["plaats", "woonplaats", "stad"], "pt": ["cidade", "municipio"],
             "en": ["city", "town"]},
    "country": {"de": ["land", "herkunftsland"], "fr": ["pays"], "es": ["pais"], "it": ["paese", "nazione"], "nl": ["land"],
                "pt": ["pais"], "en": ["country", "country_name"]},
    "job_title": {"de": ["beruf", "taetigkeit", "position"], "fr": ["profession", "poste", "metier"], "es": ["puesto", "profesion", "cargo"],
                  "it": ["professione", "mansione", "qualifica"], "nl": ["beroep", "functie"], "pt": ["profissao", "cargo"],
                  "en": ["job_title", "occupation", "role"]},
    "amount_local": {"de": ["betrag", "summe", "preis", "gehalt"], "fr": ["montant", "prix", "total_ttc", "salaire"],
                     "es": ["importe", "precio", "total"], "it": ["importo", "prezzo", "totale"], "nl": ["bedrag", "prijs", "totaal"],
                     "pt": ["valor", "preco", "total"], "en": ["amount", "total", "price", "salary"]},
    "quantity": {"de": ["menge", "anzahl"], "fr": ["quantite", "nb_articles"], "es": ["cantidad", "unidades"], "it": ["quantita", "pezzi"],
                 "nl": ["aantal", "hoeveelheid"], "pt": ["quantidade", "qtd"], "en": ["qty", "quantity", "units"]},
    "status": {"de": ["status", "bearbeitungsstand"], "fr": ["statut", "etat"], "es": ["estado"], "it": ["stato"],
               "nl": ["status", "toestand"], "pt": ["status", "situacao"], "en": ["status", "state"]},
    "flag": {"de": ["aktiv", "bezahlt", "newsletter"], "fr": ["actif", "est_paye", "newsletter"], "es": ["activo", "pagado", "suscrito"],
             "it": ["attivo", "pagato", "iscritto"], "nl": ["actief", "betaald", "nieuwsbrief"], "pt": ["ativo", "pago", "assinante"],
             "en": ["is_active", "opted_in", "paid"]},
    "currency": {"de": ["waehrung"], "fr": ["devise"], "es": ["moneda", "divisa"], "it": ["valuta"], "nl": ["valuta", "munteenheid"],
                 "pt": ["moeda"], "en": ["currency", "ccy"]},
    "free_text": {"de": ["beschreibung", "freitext"], "fr": ["description", "texte"], "es": ["descripcion", "texto"],
                  "it": ["descrizione", "testo"], "nl": ["omschrijving", "beschrijving"], "pt": ["descricao", "texto"],
                  "en": ["description", "summary", "body"]},
}

# Misleading names: (name, kind). "en" baits are restyled (camel/UPPER) with the table.
BAITS = {
    "en": [("phone", "quantity"), ("phone", "sku"), ("email_sent", "flag"), ("ssn_check", "ssn_shaped_invalid"),
           ("card_serial", "luhn_fail_16"), ("iban_verified", "flag"), ("ip_count", "quantity"),
           ("birthday_promo", "flag"), ("zip_count", "quantity"), ("mac_fw_version", "fw_version"),
           ("customer_name_hash", "hex_hash"), ("email_hash", "hex_hash"), ("passport_office", "city"),
           ("dob_verified", "flag"), ("contact_role", "job_title"), ("card_serial", "luhn_fail_16"),
           ("address_confirmed", "flag"), ("phone_model_sku", "sku")],
    "de": [("telefon_anzahl", "quantity"), ("email_versendet", "flag"), ("name_firma", "company"),
           ("geburtstag_rabatt", "amount_local"), ("karten_seriennr", "luhn_fail_16")],
    "fr": [("nom_produit", "product_text"), ("email_envoye", "flag"), ("nom_societe", "company"), ("telephone_qte", "quantity")],
    "es": [("nombre_producto", "product_text"), ("correo_enviado", "flag"), ("nombre_empresa", "company"), ("telefono_modelo", "sku")],
    "it": [("nome_prodotto", "product_text"), ("email_inviata", "flag"), ("nome_azienda", "company"), ("carta_seriale", "luhn_fail_16")],
    "nl": [("naam_bedrijf", "company"), ("email_verstuurd", "flag"), ("telefoon_aantal", "quantity"), ("naam_product", "product_text")],
    "pt": [("nome_empresa", "company"), ("email_enviado", "flag"), ("nome_produto", "product_text"), ("cpf_lote", "ssn_shaped_invalid")],
}

THEMES = ["customers", "orders", "employees", "payments", "devices", "support", "suppliers", "patients", "web_sessions", "bookings"]
THEME_LOCAL = {
    "customers": {"de": "kunden", "fr": "clients", "es": "clientes", "it": "clienti", "nl": "klanten", "pt": "clientes", "en": "customers"},
    "orders": {"de": "bestellungen", "fr": "commandes", "es": "pedidos", "it": "ordini", "nl": "bestellingen", "pt": "pedidos", "en": "orders"},
    "employees": {"de": "personal", "fr": "salaries", "es": "empleados", "it": "dipendenti", "nl": "medewerkers", "pt": "funcionarios", "en": "staff"},
    "payments": {"de": "zahlungen", "fr": "paiements", "es": "pagos", "it": "pagamenti", "nl": "betalingen", "pt": "pagamentos", "en": "payments"},
    "devices": {"de": "geraete", "fr": "appareils", "es": "dispositivos", "it": "dispositivi", "nl": "apparaten", "pt": "dispositivos", "en": "devices"},
    "support": {"de": "tickets", "fr": "assistance", "es": "soporte", "it": "assistenza", "nl": "klantenservice", "pt": "suporte", "en": "support"},
    "suppliers": {"de": "lieferanten", "fr": "fournisseurs", "es": "proveedores", "it": "fornitori", "nl": "leveranciers", "pt": "fornecedores", "en": "suppliers"},
    "patients": {"de": "patienten", "fr": "patients", "es": "pacientes", "it": "pazienti", "nl": "patienten", "pt": "pacientes", "en": "patients"},
    "web_sessions": {"de": "sitzungen", "fr": "sessions", "es": "sesiones", "it": "sessioni", "nl": "sessies", "pt": "sessoes", "en": "web_sessions"},
    "bookings": {"de": "buchungen", "fr": "reservations", "es": "reservas", "it": "prenotazioni", "nl": "boekingen", "pt": "reservas", "en": "bookings"},
}
POOLS = {
    "customers": ["first_name", "last_name", "person_titled", "email", "phone_local", "street_address", "postal_code", "city",
                  "country", "dob_local", "timestamp", "flag", "notes_with_email", "uuid", "store_number", "iban", "event_date_local",
                  "order_id_10d"],
    "orders": ["order_id_10d", "invoice_number", "event_date_local", "amount_local", "currency", "sku", "quantity", "status",
               "person_full", "full_address", "credit_card", "luhn_fail_16", "product_text", "postal_code", "notes_with_email"],
    "employees": ["person_full", "person_titled", "first_name", "last_name", "job_title", "dob_local", "iban", "phone_local",
                  "email", "event_date_local", "amount_local", "store_number", "street_address", "postal_code", "company", "notes_with_email"],
    "payments": ["iban", "credit_card", "amount_local", "currency", "luhn_fail_16", "invoice_number", "event_date_local",
                 "company", "person_last_first", "ssn_shaped_invalid", "timestamp", "status", "epoch_ts", "order_id_10d"],
    "devices": ["mac", "ipv4", "ipv6", "fw_version", "uuid", "hex_hash", "timestamp", "sku", "store_number", "first_name",
                "epoch_ts", "status", "city"],
    "support": ["notes_with_email", "free_text", "status", "timestamp", "person_full", "email", "phone_local", "uuid",
                "product_text", "epoch_ts", "job_title", "ipv4", "event_date_local", "order_id_10d"],
    "suppliers": ["company", "street_address", "postal_code", "city", "country", "phone_local", "email", "iban", "currency",
                  "product_text", "person_full", "invoice_number", "full_address", "notes_with_email", "job_title"],
    "patients": ["person_titled", "person_last_first", "dob_local", "postal_code", "full_address", "phone_local", "email",
                 "event_date_local", "city", "hex_hash", "ssn_shaped_invalid", "free_text", "notes_with_email", "job_title"],
    "web_sessions": ["ipv4", "ipv6", "uuid", "epoch_ts", "hex_hash", "email", "country", "flag", "timestamp", "fw_version", "mac"],
    "bookings": ["person_last_first", "dob_local", "event_date_local", "city", "country", "invoice_number", "amount_local",
                 "currency", "phone_local", "order_id_10d", "credit_card", "notes_with_email", "job_title", "luhn_fail_16"],
}

# date formats: locale default first
DATE_FMT = {"de_DE": "%d.%m.%Y", "fr_FR": "%d/%m/%Y", "es_ES": "%d/%m/%Y", "it_IT": "%d/%m/%Y", "nl_NL": "%d-%m-%Y",
            "en_GB": "%d/%m/%Y", "pt_BR": "%d/%m/%Y", "en_US": "%m/%d/%Y", "en_CA": "%Y-%m-%d", "en_IN": "%d-%m-%Y"}
ALT_DATE_FMTS = ["%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d"]

TITLES = {"de": ["Dr.", "Prof. Dr.", "Herr", "Frau", "Dipl.-Ing."], "fr": ["M.", "Mme", "Dr", "Pr", "Me"],
          "es": ["Sr.", "Sra.", "Dr.", "Dra.", "D.", "Dña."], "it": ["Sig.", "Sig.ra", "Dott.", "Dott.ssa", "Ing.", "Avv."],
          "nl": ["dhr.", "mevr.", "dr.", "mr.", "ir."], "pt": ["Sr.", "Sra.", "Dr.", "Dra."], "en": ["Mr", "Mrs", "Ms", "Dr", "Prof."]}

STATUS = {"de": ["offen", "bezahlt", "storniert", "versendet", "in Bearbeitung", "abgeschlossen"],
          "fr": ["en attente", "payé", "annulé", "expédié", "en cours", "clôturé"],
          "es": ["pendiente", "pagado", "cancelado", "enviado", "en curso", "cerrado"],
          "it": ["in attesa", "pagato", "annullato", "spedito", "in lavorazione", "chiuso"],
          "nl": ["open", "betaald", "geannuleerd", "verzonden", "in behandeling", "afgesloten"],
          "pt": ["pendente", "pago", "cancelado", "enviado", "em andamento", "concluído"],
          "en": ["pending", "paid", "cancelled", "dispatched", "in progress", "closed", "on hold"]}
BOOLS = {"de": [("ja", "nein"), ("J", "N")], "fr": [("oui", "non"), ("O", "N")], "es": [("sí", "no"), ("S", "N")],
         "it": [("sì", "no"), ("S", "N")], "nl": [("ja", "nee"), ("J", "N")], "pt": [("sim", "não"), ("S", "N")],
         "en": [("Y", "N"), ("yes", "no")]}
GENERIC_BOOLS = [("true", "false"), ("1", "0"), ("TRUE", "FALSE")]
LOCAL_CCY = {"de_DE": "EUR", "fr_FR": "EUR", "es_ES": "EUR", "it_IT": "EUR", "nl_NL": "EUR", "en_GB": "GBP",
             "pt_BR": "BRL", "en_US": "USD", "en_CA": "CAD", "en_IN": "INR"}
CCY_SIGN = {"EUR": "€", "GBP": "£", "BRL": "R$", "USD": "$", "CAD": "$", "INR": "₹"}

EMAIL_TEMPLATES = {
    "de": ["Rückfrage bitte an {e}.", "Kunde wünscht Antwort per Mail an {e}", "{s} Kontakt: {e}", "Unterlagen gesendet an {e}. {s}"],
    "fr": ["Merci de répondre à {e}.", "{s} Contact : {e}", "Le client demande un rappel, écrire à {e}", "Devis envoyé à {e}. {s}"],
    "es": ["Responder a {e} antes del viernes.", "{s} Contacto: {e}", "El cliente pide respuesta a {e}", "Factura enviada a {e}. {s}"],
    "it": ["Rispondere a {e} entro venerdì.", "{s} Contatto: {e}", "Il cliente chiede di scrivere a {e}", "Preventivo inviato a {e}. {s}"],
    "nl": ["Graag reageren via {e}.", "{s} Contact: {e}", "Klant wil antwoord per mail op {e}", "Offerte verstuurd naar {e}. {s}"],
    "pt": ["Favor responder para {e}.", "{s} Contato: {e}", "Cliente pediu retorno pelo e-mail {e}", "Boleto enviado para {e}. {s}"],
    "en": ["Please reply to {e}.", "{s} Contact: {e}", "Customer asked to be emailed at {e} re: refund", "Quote sent to {e}. {s}"],
}
PT_OPENERS = ["Cliente informou que", "Conforme combinado,", "Observação:", "Segundo o atendente,", "Pedido revisado:"]

# ---------------------------------------------------------------- checksums / validators
def luhn_check_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def luhn_ok(num):
    digits = re.sub(r"\D", "", num)
    return luhn_check_digit(digits[:-1]) == int(digits[-1])


def iban_ok(s):
    s = s.replace(" ", "")
    r = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


ABA_PREFIXES = [f"{p:02d}" for p in list(range(0, 13)) + list(range(21, 33)) + list(range(61, 73)) + [80]]


def aba_ok(s):
    d = [int(c) for c in s]
    return len(d) == 9 and s[:2] in ABA_PREFIXES and \
        (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


NINO_BAD = set("DFIQUV")
NINO_BAD_PAIRS = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
NINO_RE = re.compile(r"^([A-Z])([A-Z]) ?(\d\d) ?(\d\d) ?(\d\d) ?([A-D])$")


def nino_ok(s):
    m = NINO_RE.match(s)
    if not m:
        return False
    a, b = m.group(1), m.group(2)
    return a not in NINO_BAD and b not in NINO_BAD and b != "O" and a + b not in NINO_BAD_PAIRS


def ssn_ok(s):
    d = s.replace("-", "")
    if not re.fullmatch(r"\d{9}", d):
        return False
    a, g, n = d[:3], d[3:5], d[5:]
    return a not in ("000", "666") and a[0] != "9" and g != "00" and n != "0000"


# ---------------------------------------------------------------- helpers
def camel(snake):
    parts = [p for p in snake.split("_") if p]
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def fmt_number(x, locale, rng_decimals=2):
    s = f"{x:,.{rng_decimals}f}"  # 1,234.56
    if locale in ("de_DE", "es_ES", "it_IT", "nl_NL", "pt_BR"):
        return s.replace(",", "_").replace(".", ",").replace("_", ".")
    if locale == "fr_FR":
        return s.replace(",", " ").replace(".", ",")
    if locale == "en_IN":  # Indian grouping 1,23,45,678.90
        ip, dp = f"{x:.{rng_decimals}f}".split(".")
        if len(ip) > 3:
            head, tail = ip[:-3], ip[-3:]
            groups = []
            while len(head) > 2:
                groups.insert(0, head[-2:])
                head = head[:-2]
            if head:
                groups.insert(0, head)
            ip = ",".join(groups) + "," + tail
        return ip + "." + dp
    return s


class Ctx:
    def __init__(self, locale, seed, idx):
        self.locale = locale
        self.lang = LANG[locale]
        self.f = Faker(locale)
        self.f.seed_instance(seed * 1000 + idx)
        self.fe = Faker("en_US")  # English words for en_* locales whose lorem is Latin
        self.fe.seed_instance(seed * 1000 + idx + 500)
        self.rng = random.Random(f"{seed}:{idx}:{locale}")
        self._surnames = None

    def surnames(self):
        if self._surnames is None:
            g = Faker(self.locale)
            g.seed_instance(0)
            self._surnames = {g.last_name() for _ in range(3000)}
        return self._surnames

    def sentence(self):
        if self.lang == "pt":
            return f"{self.rng.choice(PT_OPENERS)} {self.f.catch_phrase().lower()}."
        if self.lang == "en":
            return self.fe.sentence()
        return self.f.sentence()

    def text(self, n):
        if self.lang == "pt":
            return " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))
        src = self.fe if self.lang == "en" else self.f
        return src.text(max_nb_chars=n).replace("\n", " ")


def make_gen(kind, c):
    """Return a zero-arg value generator for one column (per-column format chosen here)."""
    f, rng, loc, lang = c.f, c.rng, c.locale, c.lang

    def date_fmt():
        return DATE_FMT[loc] if rng.random() < 0.7 else rng.choice(ALT_DATE_FMTS)

    if kind == "email":
        m = rng.choice([lambda: f.email(safe=False), f.free_email, f.company_email, lambda: f.email(safe=False)])
        return lambda: m()
    if kind == "notes_with_email":
        rate = rng.uniform(0.2, 0.3)
        tpls = EMAIL_TEMPLATES[lang]

        def g():
            s = c.sentence()
            if rng.random() < rate:
                e = f.free_email() if rng.random() < 0.6 else f.company_email()
                return rng.choice(tpls).format(e=e, s=s)
            return s
        return g
    if kind == "phone_local":
        return lambda: f.phone_number()
    if kind == "first_name":
        return lambda: f.first_name()
    if kind == "last_name":
        return lambda: f.last_name()
    if kind == "person_full":
        return lambda: f.name()
    if kind == "person_titled":
        titles = TITLES[lang]
        return lambda: (f"{rng.choice(titles)} {f.first_name()} {f.last_name()}" if rng.random() < 0.4
                        else f"{f.first_name()} {f.last_name()}")
    if kind == "person_last_first":
        upper = rng.random() < 0.4
        return lambda: (f"{f.last_name().upper()} {f.first_name()}" if upper else f"{f.last_name()}, {f.first_name()}")
    if kind == "street_address":
        return lambda: f.street_address().replace("\n", ", ")
    if kind == "full_address":
        return lambda: f.address().replace("\n", ", ")
    if kind == "postal_code":
        if loc == "en_US":
            return lambda: f.zipcode_plus4() if rng.random() < 0.15 else f.zipcode()
        return lambda: f.postcode()
    if kind in ("dob_local", "event_date_local"):
        fmt = date_fmt()
        if kind == "dob_local":
            lo, hi = REF_DATE.replace(year=REF_DATE.year - 90), REF_DATE.replace(year=REF_DATE.year - 18)
        else:
            lo, hi = date(2016, 1, 1), date(2024, 12, 31)
        return lambda: f.date_between_dates(lo, hi).strftime(fmt)
    if kind == "credit_card":
        types = ["visa16", "mastercard", "amex", "discover", "jcb16", "diners", "maestro", "visa16", "mastercard"]
        style = rng.choice(["plain", "space", "dash", "mixed"])

        def g():
            n = f.credit_card_number(card_type=rng.choice(types))
            st = rng.choice(["plain", "space", "dash"]) if style == "mixed" else style
            if st == "plain":
                return n
            sep = " " if st == "space" else "-"
            if len(n) == 15:
                parts = [n[:4], n[4:10], n[10:]]
            elif len(n) == 14:
                parts = [n[:4], n[4:10], n[10:]]
            else:
                parts = [n[i:i + 4] for i in range(0, len(n), 4)]
            return sep.join(parts)
        return g
    if kind == "iban":
        grouped = rng.random() < 0.4
        return lambda: (" ".join(re.findall(".{1,4}", f.iban())) if grouped else f.iban())
    if kind == "ipv4":
        m = rng.choice([f.ipv4, f.ipv4_public, f.ipv4_private])
        return lambda: m()
    if kind == "ipv6":
        compress = rng.random() < 0.5
        return lambda: str(ipaddress.IPv6Address(f.ipv6())) if compress else f.ipv6()
    if kind == "mac":
        style = rng.choices(["colon", "colon_upper", "dash", "dot"], [0.35, 0.25, 0.25, 0.15])[0]

        def g():
            m = f.mac_address()
            h = m.replace(":", "")
            if style == "colon_upper":
                return m.upper()
            if style == "dash":
                return m.replace(":", "-").upper()
            if style == "dot":
                return f"{h[:4]}.{h[4:8]}.{h[8:]}"
            return m
        return g
    if kind == "us_ssn":
        plain_p = rng.choice([0.0, 0.2])

        def g():
            s = f.ssn()
            return s.replace("-", "") if rng.random() < plain_p else s
        return g
    if kind == "us_passport":
        return lambda: f.passport_number()
    if kind == "aba_routing":
        def g():
            body = rng.choice(ABA_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(6))
            d = [int(x) for x in body]
            s = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
            return body + str((10 - s % 10) % 10)
        return g
    if kind == "uk_nino":
        style = rng.choice(["compact", "pairs", "mixed"])
        first = [ch for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if ch not in NINO_BAD]
        second = [ch for ch in first if ch != "O"]

        def g():
            while True:
                p = rng.choice(first) + rng.choice(second)
                if p not in NINO_BAD_PAIRS:
                    break
            dg = f"{rng.randint(0, 999999):06d}"
            suf = rng.choice("ABCD")
            st = rng.choice(["compact", "pairs"]) if style == "mixed" else style
            return f"{p}{dg}{suf}" if st == "compact" else f"{p} {dg[:2]} {dg[2:4]} {dg[4:]} {suf}"
        return g
    # ---- negatives
    if kind == "timestamp":
        loc_fmt = {"de_DE": "%d.%m.%Y %H:%M", "en_US": "%m/%d/%Y %I:%M %p"}.get(loc, DATE_FMT[loc] + " %H:%M:%S")
        fmt = rng.choice(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S", loc_fmt, loc_fmt, "%Y-%m-%dT%H:%M:%S+01:00"])
        return lambda: f.date_time_between_dates(datetime(2016, 1, 1), datetime(2024, 12, 31)).strftime(fmt)
    if kind == "epoch_ts":
        lo, hi = int(datetime(2016, 1, 1).timestamp()), int(datetime(2024, 12, 31).timestamp())
        return lambda: str(rng.randint(lo, hi))
    if kind == "company":
        def g():
            s = f.company()
            if " " not in s:
                s = f"{s} {f.company_suffix()}"
            return s
        return g
    if kind == "product_text":
        return lambda: f.catch_phrase()
    if kind == "uuid":
        style = rng.choice(["lower", "lower", "upper", "hex"])

        def g():
            u = f.uuid4()
            return u.upper() if style == "upper" else (u.replace("-", "") if style == "hex" else u)
        return g
    if kind == "hex_hash":
        n = rng.choice([32, 40, 64])
        up = rng.random() < 0.2

        def g():
            h = hashlib.sha256(str(rng.random()).encode()).hexdigest()[:n]
            return h.upper() if up else h
        return g
    if kind == "fw_version":
        return lambda: f"{rng.randint(1, 12)}.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
    if kind == "sku":
        style = rng.randint(0, 4)

        def g():
            if style == 0:
                return f"ART-{rng.randint(10000, 99999)}-{rng.choice('ABCDEFGH')}"
            if style == 1:
                return f"{rng.randint(1000, 9999)}-{rng.randint(10, 99)}-{rng.randint(0, 99):02d}"
            if style == 2:
                return f"{rng.choice('PKMX')}{rng.randint(100000, 999999)}"
            if style == 3:
                return f"SKU-{loc[-2:]}-{rng.randint(0, 9999):04d}-{rng.choice(['S', 'M', 'L', 'XL'])}"
            return f"{rng.randint(100, 999)}.{rng.randint(100, 999)}.{rng.randint(10, 99)}"
        return g
    if kind == "store_number":
        nd = rng.choice([4, 5])
        return lambda: str(rng.randint(10 ** (nd - 1), 10 ** nd - 1))
    if kind == "invoice_number":
        def g():
            y = rng.randint(2018, 2024)
            n = rng.randint(1, 99999)
            return {"de": f"RE-{y}-{n:05d}", "fr": f"FAC-{y}-{n:05d}", "es": f"FV{y}/{n:06d}", "it": f"FT {y}/{n}",
                    "nl": f"F{y}-{n:05d}", "pt": f"NF-e {n // 1000:03d}.{n % 1000:03d}.{rng.randint(0, 999):03d}",
                    "en": f"INV-{n:06d}"}[lang]
        return g
    if kind == "order_id_10d":
        return lambda: str(rng.randint(10 ** 9, 10 ** 10 - 1))
    if kind == "ssn_shaped_invalid":
        def g():
            area = rng.choice(["000", "666", f"{rng.randint(900, 999)}", f"{rng.randint(900, 999)}"])
            return f"{area}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        return g
    if kind == "luhn_fail_16":
        spaced = rng.random() < 0.4

        def g():
            prefix = rng.choice(["4", "51", "52", "53", "54", "55", "6011", "35", "2221"])
            body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(15 - len(prefix)))
            bad = (luhn_check_digit(body) + rng.randint(1, 9)) % 10
            n = body + str(bad)
            return " ".join(n[i:i + 4] for i in range(0, 16, 4)) if spaced else n
        return g
    if kind == "city":
        bad = c.surnames()

        def g():
            for _ in range(50):
                s = f.city()
                if s not in bad:
                    return s
            return s
        return g
    if kind == "country":
        return lambda: f.country()
    if kind == "job_title":
        return lambda: f.job()
    if kind == "amount_local":
        sign = rng.random() < 0.35
        ccy = LOCAL_CCY[loc]
        big = rng.random() < 0.5

        def g():
            x = round(rng.uniform(1, 250000 if big else 2000), 2)
            s = fmt_number(x, loc)
            if not sign:
                return s
            sym = CCY_SIGN[ccy]
            return f"{s} {sym}" if lang in ("de", "fr", "es", "it") else f"{sym}{' ' if lang in ('pt', 'nl') else ''}{s}"
        return g
    if kind == "quantity":
        hi = rng.choice([12, 50, 500])
        return lambda: str(rng.randint(1, hi))
    if kind == "status":
        words = STATUS[lang]
        return lambda: rng.choice(words)
    if kind == "flag":
        t, fl = rng.choice(BOOLS[lang] + GENERIC_BOOLS)
        p = rng.uniform(0.1, 0.7)
        return lambda: t if rng.random() < p else fl
    if kind == "currency":
        ccy = LOCAL_CCY[loc]
        return lambda: ccy if rng.random() < 0.6 else rng.choice(["EUR", "USD", "GBP", f.currency_code()])
    if kind == "free_text":
        n = rng.choice([80, 160])
        return lambda: c.text(n)
    raise KeyError(kind)


def pick_name(kind, style, c, used):
    """Choose a column name for a descriptive column in the table's style."""
    rng, lang, loc = c.rng, c.lang, c.locale
    en = NAMES[kind]["en"]
    if style in ("local_snake", "local_upper"):
        cands = NAMES[kind].get(loc) or NAMES[kind].get(lang) or en
    else:
        cands = en
    order = rng.sample(cands, len(cands))
    for base in order:
        n = {"local_upper": base.upper(), "en_upper": base.upper(), "en_camel": camel(base)}.get(style, base)
        if n not in used:
            return n
    base = order[0]
    n = {"local_upper": base.upper(), "en_upper": base.upper(), "en_camel": camel(base)}.get(style, base)
    k = 2
    while f"{n}_{k}" in used:
        k += 1
    return f"{n}_{k}"


def style_bait(name, style):
    return {"local_upper": name.upper(), "en_upper": name.upper(), "en_camel": camel(name)}.get(style, name)


def build_table(idx, locale, theme, seed):
    c = Ctx(locale, seed, idx)
    rng, lang = c.rng, c.lang
    if lang == "en":
        style = rng.choices(["local_snake", "en_camel", "en_upper"], [0.45, 0.35, 0.2])[0]
    else:
        style = rng.choices(["local_snake", "local_upper", "en_camel", "en_upper", "en_snake"], [0.45, 0.1, 0.25, 0.1, 0.1])[0]
    opaque_pat = rng.choice(["col_{:02d}", "col_{:02d}", "col_{:02d}", "c{}", "field_{}", "F{:02d}"])

    pool = [k for k in POOLS[theme]]
    extras = []
    if locale == "en_US":
        extras = rng.sample(["us_ssn", "us_passport", "aba_routing"], rng.choice([2, 3]))
    elif locale == "en_GB":
        extras = ["uk_nino"]
    n_total = rng.randint(7, 10)
    n_bait = rng.choice([0, 1, 1, 2])
    n_core = max(3, n_total - n_bait - len(extras))
    # weighted sample without replacement (positives favoured 1.4:1 so ~45% of columns are sensitive)
    keyed = sorted(pool, key=lambda k: -rng.random() ** (1 / (1.4 if KINDS[k][0] != "NONE" else 1.0)))
    kinds = keyed[:min(n_core, len(pool))] + extras
    rng.shuffle(kinds)
    cols = [{"kind": k, "name_mode": "opaque" if rng.random() < 0.2 else "descriptive"} for k in kinds]
    # baits: local-language baits for local-style tables of non-English locales, else English ones
    bait_src = BAITS[lang] if (lang != "en" and style in ("local_snake", "local_upper") and rng.random() < 0.7) else BAITS["en"]
    for name, kind in rng.sample(bait_src, n_bait):
        cols.insert(rng.randint(0, len(cols)), {"kind": kind, "name_mode": "bait", "bait_name": name})

    used = set()
    for i, col in enumerate(cols, 1):
        if col["name_mode"] == "opaque":
            col["name"], col["name_style"] = opaque_pat.format(i), "opaque"
        elif col["name_mode"] == "bait":
            n = style_bait(col.pop("bait_name"), style)
            while n in used:
                n += "_x"
            col["name"], col["name_style"] = n, style
        else:
            col["name"], col["name_style"] = pick_name(col["kind"], style, c, used), style
        used.add(col["name"])

    n_rows = rng.randint(100, 400)
    gens = []
    for col in cols:
        col["null_rate"] = rng.choice([0.0, 0.0, 0.05]) if col["kind"] == "notes_with_email" else \
            rng.choice([0.0, 0.0, 0.0, 0.05, 0.1, 0.2, 0.3])
        gens.append(make_gen(col["kind"], c))
    rows = []
    for _ in range(n_rows):
        rows.append([("" if rng.random() < col["null_rate"] else g()) for col, g in zip(cols, gens)])
    # no all-null column: make sure the first row of every column is present
    for j, (col, g) in enumerate(zip(cols, gens)):
        if not rows[0][j]:
            rows[0][j] = g()
    fname = f"tables/t{idx + 1:03d}_{THEME_LOCAL[theme][lang]}_{locale.lower()}.csv"
    meta_cols = []
    for j, col in enumerate(cols):
        label, hard, note = KINDS[col["kind"]]
        if col["name_mode"] == "bait":
            hard = True
            note = (note + "; " if note else "") + "bait: name suggests PII, values are not"
        meta_cols.append({"name": col["name"], "kind": col["kind"], "label": label, "family": FAMILY[label],
                          "hard_negative": hard, "name_mode": col["name_mode"], "name_style": col["name_style"],
                          "null_rate": round(sum(1 for r in rows if r[j] == "") / n_rows, 3), "note": note})
    return fname, style, [c["name"] for c in cols], rows, meta_cols


def self_check(tables):
    """Assert the structural validity promises on every written value."""
    for t, rows in tables:
        for j, col in enumerate(t["columns"]):
            vals = [r[j] for r in rows if r[j] != ""]
            k = col["kind"]
            assert vals, (t["file"], col["name"])
            for v in vals:
                if k == "credit_card":
                    assert luhn_ok(v), (t["file"], v)
                elif k == "luhn_fail_16":
                    assert not luhn_ok(v) and len(re.sub(r"\D", "", v)) == 16, v
                elif k == "iban":
                    assert iban_ok(v), (t["file"], v)
                elif k == "aba_routing":
                    assert aba_ok(v), v
                elif k == "uk_nino":
                    assert nino_ok(v), v
                elif k == "us_ssn":
                    assert ssn_ok(v), v
                elif k == "ssn_shaped_invalid":
                    assert re.fullmatch(r"\d{3}-\d{2}-\d{4}", v) and not ssn_ok(v), v
                elif k in ("ipv4", "ipv6"):
                    ipaddress.ip_address(v)
                elif k == "epoch_ts" or k == "order_id_10d":
                    assert re.fullmatch(r"\d{10}", v), v
                elif k == "store_number":
                    assert re.fullmatch(r"\d{4,5}", v), v
                elif k == "fw_version":
                    assert all(0 <= int(p) <= 255 for p in v.split(".")), v
                assert "\n" not in v, (t["file"], col["name"], v)
            if k == "notes_with_email":
                share = sum(1 for v in vals if "@" in v) / len(vals)
                assert 0.12 <= share <= 0.4, (t["file"], col["name"], share)


def main():
    # Some Faker locale data is built from sets (e.g. it_IT cities), so its order -- and the values a
    # seeded Faker draws -- depend on string hashing. Re-exec with a fixed hash seed for determinism.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--out", required=True, help="output directory (tables/ and labels.json are written into it)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tables", type=int, default=40)
    a = ap.parse_args()
    if faker.VERSION != FAKER_PINNED:
        print(f"warning: faker {faker.VERSION} != {FAKER_PINNED}; values will differ from the reference corpus", file=sys.stderr)
    os.makedirs(os.path.join(a.out, "tables"), exist_ok=True)
    for old in os.listdir(os.path.join(a.out, "tables")):
        if old.endswith(".csv"):
            os.remove(os.path.join(a.out, "tables", old))

    out_tables, written, nonnull = [], [], 0
    for i in range(a.tables):
        locale = LOCALES[i % len(LOCALES)]
        theme = THEMES[(i % len(LOCALES) + 3 * (i // len(LOCALES))) % len(THEMES)]
        fname, style, header, rows, cols = build_table(i, locale, theme, a.seed)
        path = os.path.join(a.out, fname)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
        t = {"file": fname, "rows": len(rows), "sha256": sha, "locale": locale, "theme": theme,
             "name_style": style, "columns": cols}
        out_tables.append(t)
        written.append((t, rows))
        nonnull += sum(1 for r in rows for v in r if v != "")
    self_check(written)

    n_cols = sum(len(t["columns"]) for t in out_tables)
    labels = {
        "corpus_version": "holdout-1.0",
        "seed": a.seed,
        "generator": "scripts/bench/pii_holdout.py",
        "faker_version": faker.VERSION,
        "python": platform.python_version(),
        "params": {"tables": a.tables, "seed": a.seed, "min_rows": 100, "max_rows": 400, "opaque_p": 0.2,
                   "locales": LOCALES, "ref_date": REF_DATE.isoformat()},
        "n_tables": len(out_tables),
        "n_columns": n_cols,
        "n_nonnull_values": nonnull,
        "label_policy": ("One label per column. NONE = not personal/sensitive data, including dates that are not "
                         "birth dates, organisation names, cities, countries, job titles, UUIDs, hashes and versions. "
                         "Empty string = NULL. A column is positive even if only some rows hold the entity (see kind "
                         "notes_with_email). Bait columns (misleading names) are hard negatives."),
        "labels": LABELS,
        "family": FAMILY,
        "crosswalk": CROSSWALK,
        "kinds": {k: {"label": l, "hard_negative": h, "note": n} for k, (l, h, n) in KINDS.items()},
        "tables": out_tables,
    }
    with open(os.path.join(a.out, "labels.json"), "w", encoding="utf-8") as fh:
        json.dump(labels, fh, indent=1, ensure_ascii=False)
    with open(os.path.join(a.out, "labels.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["table", "column", "label", "family", "kind", "hard_negative", "name_mode", "name_style", "locale", "null_rate"])
        for t in out_tables:
            for col in t["columns"]:
                w.writerow([t["file"], col["name"], col["label"], col["family"], col["kind"], int(col["hard_negative"]),
                            col["name_mode"], col["name_style"], t["locale"], col["null_rate"]])

    cols = [c for t in out_tables for c in t["columns"]]
    pos = sum(1 for c in cols if c["label"] != "NONE")
    hard = sum(1 for c in cols if c["hard_negative"])
    print(f"wrote {len(out_tables)} tables, {n_cols} columns ({pos} sensitive, {n_cols - pos} NONE, {hard} hard negatives), "
          f"{nonnull} non-null values -> {a.out}")
    print("labels:", dict(sorted(Counter(c["label"] for c in cols).items())))
    print("name_mode:", dict(Counter(c["name_mode"] for c in cols)), "name_style:", dict(Counter(c["name_style"] for c in cols)))


if __name__ == "__main__":
    main()
