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
import hashlib
import ipaddress
import os
import random
import re
import sys
from datetime import date, datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pii_corpus_common as common  # noqa: E402  (label set, checksums, id generators, table steps, output)

try:
    import faker
    from faker import Faker
except ImportError:  # pragma: no cover
    sys.exit("faker missing: see the docstring (venv in ~/.cache/steward/holdout-venv)")

FAKER_PINNED = "40.63.0"
REF_DATE = common.REF_DATE

LOCALES = ["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB", "pt_BR", "en_US", "en_CA", "en_IN"]
LANG = {"de_DE": "de", "fr_FR": "fr", "es_ES": "es", "it_IT": "it", "nl_NL": "nl", "pt_BR": "pt",
        "en_GB": "en", "en_US": "en", "en_CA": "en", "en_IN": "en"}

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

# ---------------------------------------------------------------- helpers
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

    shared = common.rng_only_gen(kind, rng)
    if shared is not None:
        return shared
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
        return common.last_first_gen(rng, f.first_name, f.last_name)
    if kind == "street_address":
        return lambda: f.street_address().replace("\n", ", ")
    if kind == "full_address":
        return lambda: f.address().replace("\n", ", ")
    if kind == "postal_code":
        if loc == "en_US":
            return lambda: f.zipcode_plus4() if rng.random() < 0.15 else f.zipcode()
        return lambda: f.postcode()
    if kind in ("dob_local", "event_date_local"):
        fmt = common.date_fmt(rng, DATE_FMT[loc], ALT_DATE_FMTS)
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
        return lambda: (common.group4(f.iban()) if grouped else f.iban())
    if kind == "ipv4":
        m = rng.choice([f.ipv4, f.ipv4_public, f.ipv4_private])
        return lambda: m()
    if kind == "ipv6":
        compress = rng.random() < 0.5
        return lambda: str(ipaddress.IPv6Address(f.ipv6())) if compress else f.ipv6()
    if kind == "mac":
        return common.mac_gen(rng, f.mac_address)
    if kind == "us_ssn":
        plain_p = rng.choice([0.0, 0.2])

        def g():
            s = f.ssn()
            return s.replace("-", "") if rng.random() < plain_p else s
        return g
    if kind == "us_passport":
        return lambda: f.passport_number()
    if kind == "uk_nino":
        style = rng.choice(["compact", "pairs", "mixed"])

        def g():
            p = common.nino_prefix(rng)
            dg = f"{rng.randint(0, 999999):06d}"
            suf = rng.choice("ABCD")
            st = rng.choice(["compact", "pairs"]) if style == "mixed" else style
            return common.nino_format(p, dg, suf, st)
        return g
    # ---- negatives
    if kind == "timestamp":
        loc_fmt = {"de_DE": "%d.%m.%Y %H:%M", "en_US": "%m/%d/%Y %I:%M %p"}.get(loc, DATE_FMT[loc] + " %H:%M:%S")
        fmt = common.timestamp_fmt(rng, loc_fmt)
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
        return common.uuid_gen(rng, f.uuid4)
    if kind == "hex_hash":
        n = rng.choice([32, 40, 64])
        up = rng.random() < 0.2

        def g():
            h = hashlib.sha256(str(rng.random()).encode()).hexdigest()[:n]
            return h.upper() if up else h
        return g
    if kind == "sku":
        return common.sku_gen(rng, loc[-2:])
    if kind == "store_number":
        return common.number_id_gen(rng, rng.choice([4, 5]))
    if kind == "invoice_number":
        def g():
            y = rng.randint(2018, 2024)
            n = rng.randint(1, 99999)
            return {"de": f"RE-{y}-{n:05d}", "fr": f"FAC-{y}-{n:05d}", "es": f"FV{y}/{n:06d}", "it": f"FT {y}/{n}",
                    "nl": f"F{y}-{n:05d}", "pt": f"NF-e {n // 1000:03d}.{n % 1000:03d}.{rng.randint(0, 999):03d}",
                    "en": f"INV-{n:06d}"}[lang]
        return g
    if kind == "luhn_fail_16":
        return common.luhn_fail_gen(rng, ["4", "51", "52", "53", "54", "55", "6011", "35", "2221"])
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
        t, fl = rng.choice(BOOLS[lang] + common.GENERIC_BOOLS)
        p = rng.uniform(0.1, 0.7)
        return lambda: t if rng.random() < p else fl
    if kind == "currency":
        ccy = LOCAL_CCY[loc]
        return lambda: ccy if rng.random() < 0.6 else rng.choice(["EUR", "USD", "GBP", f.currency_code()])
    if kind == "free_text":
        n = rng.choice([80, 160])
        return lambda: c.text(n)
    raise KeyError(kind)


def build_table(idx, locale, theme, seed):
    c = Ctx(locale, seed, idx)

    def extras(rng):  # the national ids only these locales have
        if locale == "en_US":
            return rng.sample(["us_ssn", "us_passport", "aba_routing"], rng.choice([2, 3]))
        return ["uk_nino"] if locale == "en_GB" else []

    style, header, rows, meta = common.make_table(
        c.rng, c.lang, POOLS[theme], extras, n_cols=(7, 10), n_rows=(100, 400), style_weights=[0.45, 0.1, 0.25, 0.1, 0.1],
        kinds=KINDS, names=NAMES, name_keys=(locale, c.lang), baits=BAITS, make=lambda kind: make_gen(kind, c))
    return f"tables/t{idx + 1:03d}_{THEME_LOCAL[theme][c.lang]}_{locale.lower()}.csv", style, header, rows, meta


def self_check(tables):
    """Assert the structural validity promises on every written value."""
    for t, col, k, vals in common.table_columns(tables):
        for v in vals:
            if common.check_shared_kind(k, v):
                pass
            elif k == "credit_card":
                assert common.luhn_ok(v), (t["file"], v)
            elif k == "iban":
                assert common.iban_ok(v), (t["file"], v)
            elif k == "epoch_ts":
                assert re.fullmatch(r"\d{10}", v), v
            elif k == "store_number":
                assert re.fullmatch(r"\d{4,5}", v), v
            assert "\n" not in v, (t["file"], col["name"], v)
        if k == "notes_with_email":
            common.assert_share(t, col, vals, lambda v: "@" in v, 0.4)


def main():
    # Some Faker locale data is built from sets (e.g. it_IT cities), so its order -- and the values a
    # seeded Faker draws -- depend on string hashing. Re-exec with a fixed hash seed for determinism.
    common.reexec_with_fixed_hash_seed()
    a = common.parse_args(__doc__, seed=7, tables=40)
    if faker.VERSION != FAKER_PINNED:
        print(f"warning: faker {faker.VERSION} != {FAKER_PINNED}; values will differ from the reference corpus", file=sys.stderr)

    def table_spec(i):
        return LOCALES[i % len(LOCALES)], common.THEMES[(i % len(LOCALES) + 3 * (i // len(LOCALES))) % len(common.THEMES)]

    out_tables, written, nonnull = common.write_tables(a.out, a.tables, a.seed, table_spec, build_table)
    self_check(written)
    labels = common.labels_doc(
        "holdout-1.0", "scripts/bench/pii_holdout.py", ("faker_version", faker.VERSION), a, 400, LOCALES,
        ("One label per column. NONE = not personal/sensitive data, including dates that are not "
         "birth dates, organisation names, cities, countries, job titles, UUIDs, hashes and versions. "
         "Empty string = NULL. A column is positive even if only some rows hold the entity (see kind "
         "notes_with_email). Bait columns (misleading names) are hard negatives."),
        KINDS, out_tables, nonnull)
    common.write_labels(a.out, labels)
    common.print_summary(out_tables, nonnull, a.out)


if __name__ == "__main__":
    main()
