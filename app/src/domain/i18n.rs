//! The widget's own words in the languages Vox ships, and choosing a language
//! for a visitor. A survey's questions are translated by its author (see
//! `survey::Translation`); these are the buttons and notices around them.

/// Every string the widget shows that is not part of the survey itself.
/// The server sends the visitor's set with the widget's props, so the
/// widget's wasm carries no language's texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Messages {
    pub next: &'static str,
    pub back: &'static str,
    pub submit: &'static str,
    /// "Question {n} of {total}".
    pub progress: &'static str,
    pub thank_you_title: &'static str,
    pub thank_you_body: &'static str,
    pub closed: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub required: &'static str,
    pub invalid: &'static str,
    /// For an email question whose answer is not an email address.
    pub invalid_email: &'static str,
    pub other: &'static str,
    pub other_placeholder: &'static str,
    pub nps_low: &'static str,
    pub nps_high: &'static str,
    /// "{n} of {max} stars".
    pub stars: &'static str,
    pub saving_failed: &'static str,
    // A broken validation rule; {n} is the rule's figure.
    pub too_short: &'static str,
    pub too_long: &'static str,
    pub pattern_mismatch: &'static str,
    pub too_few_choices: &'static str,
    pub too_many_choices: &'static str,
    /// The empty entry of a drop-down, and of a ranking's places.
    pub choose: &'static str,
    /// A ranking's place: "Place {n}".
    pub rank_place: &'static str,
    // Contact and address fields.
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub company: &'static str,
    pub address_line1: &'static str,
    pub address_line2: &'static str,
    pub city: &'static str,
    pub region: &'static str,
    pub postal_code: &'static str,
    pub country: &'static str,
}

const EN: Messages = Messages {
    next: "Next",
    back: "Back",
    submit: "Submit",
    progress: "Question {n} of {total}",
    thank_you_title: "Thank you!",
    thank_you_body: "Your answers have been recorded.",
    closed: "This survey is closed. Thank you for your interest.",
    not_found_title: "Survey not found",
    not_found_body: "This survey does not exist, or is not open yet.",
    required: "Please answer this question.",
    invalid: "Please check your answer to this question.",
    invalid_email: "Please enter a valid email address.",
    other: "Other",
    other_placeholder: "Please specify",
    nps_low: "Not at all likely",
    nps_high: "Extremely likely",
    stars: "{n} of {max} stars",
    saving_failed: "Your answer could not be saved. Please try again.",
    too_short: "Please use at least {n} characters.",
    too_long: "Please use at most {n} characters.",
    pattern_mismatch: "Please use the format asked for.",
    too_few_choices: "Please choose at least {n}.",
    too_many_choices: "Please choose at most {n}.",
    choose: "Choose…",
    rank_place: "Place {n}",
    first_name: "First name",
    last_name: "Last name",
    email: "Email",
    phone: "Phone",
    company: "Company",
    address_line1: "Address",
    address_line2: "Address line 2",
    city: "City",
    region: "State / region",
    postal_code: "Postal code",
    country: "Country",
};

const EL: Messages = Messages {
    next: "Επόμενο",
    back: "Πίσω",
    submit: "Υποβολή",
    progress: "Ερώτηση {n} από {total}",
    thank_you_title: "Ευχαριστούμε!",
    thank_you_body: "Οι απαντήσεις σας καταχωρήθηκαν.",
    closed: "Αυτή η έρευνα έχει κλείσει. Ευχαριστούμε για το ενδιαφέρον σας.",
    not_found_title: "Η έρευνα δεν βρέθηκε",
    not_found_body: "Αυτή η έρευνα δεν υπάρχει ή δεν είναι ακόμη ανοιχτή.",
    required: "Παρακαλούμε απαντήστε σε αυτή την ερώτηση.",
    invalid: "Παρακαλούμε ελέγξτε την απάντησή σας.",
    invalid_email: "Παρακαλούμε εισαγάγετε μια έγκυρη διεύθυνση email.",
    other: "Άλλο",
    other_placeholder: "Παρακαλούμε διευκρινίστε",
    nps_low: "Καθόλου πιθανό",
    nps_high: "Εξαιρετικά πιθανό",
    stars: "{n} από {max} αστέρια",
    saving_failed: "Η απάντησή σας δεν αποθηκεύτηκε. Παρακαλούμε δοκιμάστε ξανά.",
    too_short: "Γράψτε τουλάχιστον {n} χαρακτήρες.",
    too_long: "Γράψτε το πολύ {n} χαρακτήρες.",
    pattern_mismatch: "Χρησιμοποιήστε τη μορφή που ζητείται.",
    too_few_choices: "Επιλέξτε τουλάχιστον {n}.",
    too_many_choices: "Επιλέξτε το πολύ {n}.",
    choose: "Επιλέξτε…",
    rank_place: "Θέση {n}",
    first_name: "Όνομα",
    last_name: "Επώνυμο",
    email: "Ηλεκτρονικό ταχυδρομείο",
    phone: "Τηλέφωνο",
    company: "Εταιρεία",
    address_line1: "Διεύθυνση",
    address_line2: "Διεύθυνση (γραμμή 2)",
    city: "Πόλη",
    region: "Νομός / περιοχή",
    postal_code: "Ταχυδρομικός κώδικας",
    country: "Χώρα",
};

const DE: Messages = Messages {
    next: "Weiter",
    back: "Zurück",
    submit: "Absenden",
    progress: "Frage {n} von {total}",
    thank_you_title: "Vielen Dank!",
    thank_you_body: "Ihre Antworten wurden gespeichert.",
    closed: "Diese Umfrage ist beendet. Vielen Dank für Ihr Interesse.",
    not_found_title: "Umfrage nicht gefunden",
    not_found_body: "Diese Umfrage existiert nicht oder ist noch nicht geöffnet.",
    required: "Bitte beantworten Sie diese Frage.",
    invalid: "Bitte prüfen Sie Ihre Antwort auf diese Frage.",
    invalid_email: "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
    other: "Sonstiges",
    other_placeholder: "Bitte angeben",
    nps_low: "Überhaupt nicht wahrscheinlich",
    nps_high: "Äußerst wahrscheinlich",
    stars: "{n} von {max} Sternen",
    saving_failed: "Ihre Antwort konnte nicht gespeichert werden. Bitte versuchen Sie es erneut.",
    too_short: "Bitte mindestens {n} Zeichen eingeben.",
    too_long: "Bitte höchstens {n} Zeichen eingeben.",
    pattern_mismatch: "Bitte das verlangte Format verwenden.",
    too_few_choices: "Bitte mindestens {n} auswählen.",
    too_many_choices: "Bitte höchstens {n} auswählen.",
    choose: "Bitte wählen…",
    rank_place: "Platz {n}",
    first_name: "Vorname",
    last_name: "Nachname",
    email: "E-Mail",
    phone: "Telefon",
    company: "Firma",
    address_line1: "Adresse",
    address_line2: "Adresszusatz",
    city: "Stadt",
    region: "Bundesland / Region",
    postal_code: "Postleitzahl",
    country: "Land",
};

const FR: Messages = Messages {
    next: "Suivant",
    back: "Retour",
    submit: "Envoyer",
    progress: "Question {n} sur {total}",
    thank_you_title: "Merci !",
    thank_you_body: "Vos réponses ont été enregistrées.",
    closed: "Cette enquête est close. Merci de votre intérêt.",
    not_found_title: "Enquête introuvable",
    not_found_body: "Cette enquête n'existe pas ou n'est pas encore ouverte.",
    required: "Veuillez répondre à cette question.",
    invalid: "Veuillez vérifier votre réponse à cette question.",
    invalid_email: "Veuillez saisir une adresse e-mail valide.",
    other: "Autre",
    other_placeholder: "Veuillez préciser",
    nps_low: "Pas du tout probable",
    nps_high: "Très probable",
    stars: "{n} étoiles sur {max}",
    saving_failed: "Votre réponse n'a pas pu être enregistrée. Veuillez réessayer.",
    too_short: "Veuillez saisir au moins {n} caractères.",
    too_long: "Veuillez saisir au plus {n} caractères.",
    pattern_mismatch: "Veuillez respecter le format demandé.",
    too_few_choices: "Veuillez en choisir au moins {n}.",
    too_many_choices: "Veuillez en choisir au plus {n}.",
    choose: "Choisir…",
    rank_place: "Rang {n}",
    first_name: "Prénom",
    last_name: "Nom",
    email: "Adresse e-mail",
    phone: "Téléphone",
    company: "Entreprise",
    address_line1: "Adresse postale",
    address_line2: "Complément d'adresse",
    city: "Ville",
    region: "Région",
    postal_code: "Code postal",
    country: "Pays",
};

const ES: Messages = Messages {
    next: "Siguiente",
    back: "Atrás",
    submit: "Enviar",
    progress: "Pregunta {n} de {total}",
    thank_you_title: "¡Gracias!",
    thank_you_body: "Sus respuestas se han registrado.",
    closed: "Esta encuesta está cerrada. Gracias por su interés.",
    not_found_title: "Encuesta no encontrada",
    not_found_body: "Esta encuesta no existe o aún no está abierta.",
    required: "Por favor, responda a esta pregunta.",
    invalid: "Por favor, revise su respuesta a esta pregunta.",
    invalid_email: "Por favor, introduzca una dirección de correo electrónico válida.",
    other: "Otro",
    other_placeholder: "Por favor, especifique",
    nps_low: "Nada probable",
    nps_high: "Muy probable",
    stars: "{n} de {max} estrellas",
    saving_failed: "No se pudo guardar su respuesta. Inténtelo de nuevo.",
    too_short: "Escriba al menos {n} caracteres.",
    too_long: "Escriba como máximo {n} caracteres.",
    pattern_mismatch: "Use el formato indicado.",
    too_few_choices: "Elija al menos {n}.",
    too_many_choices: "Elija como máximo {n}.",
    choose: "Elija…",
    rank_place: "Puesto {n}",
    first_name: "Nombre",
    last_name: "Apellidos",
    email: "Correo electrónico",
    phone: "Teléfono",
    company: "Empresa",
    address_line1: "Dirección",
    address_line2: "Dirección (línea 2)",
    city: "Ciudad",
    region: "Provincia / región",
    postal_code: "Código postal",
    country: "País",
};

const AR: Messages = Messages {
    next: "التالي",
    back: "رجوع",
    submit: "إرسال",
    progress: "السؤال {n} من {total}",
    thank_you_title: "شكرًا لك!",
    thank_you_body: "تم تسجيل إجاباتك.",
    closed: "هذا الاستطلاع مغلق. شكرًا لاهتمامك.",
    not_found_title: "الاستطلاع غير موجود",
    not_found_body: "هذا الاستطلاع غير موجود أو لم يُفتح بعد.",
    required: "يرجى الإجابة عن هذا السؤال.",
    invalid: "يرجى التحقق من إجابتك عن هذا السؤال.",
    invalid_email: "يرجى إدخال عنوان بريد إلكتروني صالح.",
    other: "أخرى",
    other_placeholder: "يرجى التحديد",
    nps_low: "غير محتمل إطلاقًا",
    nps_high: "محتمل جدًا",
    stars: "{n} من {max} نجوم",
    saving_failed: "تعذّر حفظ إجابتك. يرجى المحاولة مرة أخرى.",
    too_short: "يرجى كتابة {n} أحرف على الأقل.",
    too_long: "يرجى كتابة {n} حرفًا على الأكثر.",
    pattern_mismatch: "يرجى استخدام الصيغة المطلوبة.",
    too_few_choices: "يرجى اختيار {n} على الأقل.",
    too_many_choices: "يرجى اختيار {n} على الأكثر.",
    choose: "اختر…",
    rank_place: "المرتبة {n}",
    first_name: "الاسم الأول",
    last_name: "اسم العائلة",
    email: "البريد الإلكتروني",
    phone: "الهاتف",
    company: "الشركة",
    address_line1: "العنوان",
    address_line2: "العنوان (السطر 2)",
    city: "المدينة",
    region: "الولاية / المنطقة",
    postal_code: "الرمز البريدي",
    country: "البلد",
};

const HE: Messages = Messages {
    next: "הבא",
    back: "הקודם",
    submit: "שליחה",
    progress: "שאלה {n} מתוך {total}",
    thank_you_title: "תודה!",
    thank_you_body: "התשובות שלך נשמרו.",
    closed: "הסקר הזה סגור. תודה על ההתעניינות.",
    not_found_title: "הסקר לא נמצא",
    not_found_body: "הסקר הזה אינו קיים או שעדיין אינו פתוח.",
    required: "נא לענות על שאלה זו.",
    invalid: "נא לבדוק את התשובה לשאלה זו.",
    invalid_email: "נא להזין כתובת דוא״ל תקינה.",
    other: "אחר",
    other_placeholder: "נא לפרט",
    nps_low: "בכלל לא סביר",
    nps_high: "סביר מאוד",
    stars: "{n} מתוך {max} כוכבים",
    saving_failed: "לא ניתן היה לשמור את התשובה. נא לנסות שוב.",
    too_short: "נא לכתוב לפחות {n} תווים.",
    too_long: "נא לכתוב לכל היותר {n} תווים.",
    pattern_mismatch: "נא להשתמש בתבנית המבוקשת.",
    too_few_choices: "נא לבחור לפחות {n}.",
    too_many_choices: "נא לבחור לכל היותר {n}.",
    choose: "בחרו…",
    rank_place: "מקום {n}",
    first_name: "שם פרטי",
    last_name: "שם משפחה",
    email: "דוא״ל",
    phone: "טלפון",
    company: "חברה",
    address_line1: "כתובת",
    address_line2: "כתובת (שורה 2)",
    city: "עיר",
    region: "מחוז / אזור",
    postal_code: "מיקוד",
    country: "מדינה",
};

impl Messages {
    /// The label of a contact or address field (`InfoField::name`).
    pub fn field_label(&self, name: &str) -> &'static str {
        match name {
            "firstName" => self.first_name,
            "lastName" => self.last_name,
            "email" => self.email,
            "phone" => self.phone,
            "company" => self.company,
            "line1" => self.address_line1,
            "line2" => self.address_line2,
            "city" => self.city,
            "region" => self.region,
            "postalCode" => self.postal_code,
            _ => self.country,
        }
    }
}

/// The widget's messages for a language tag; English when Vox has none.
pub fn messages(language: &str) -> &'static Messages {
    match primary_subtag(language).as_str() {
        "el" => &EL,
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        "ar" => &AR,
        "he" | "iw" => &HE,
        _ => &EN,
    }
}

// The same words for a survey with pages, whose progress counts pages: the
// server sends these instead, so the widget needs no second text.
const EN_PAGED: Messages = Messages { progress: "Page {n} of {total}", ..EN };
const EL_PAGED: Messages = Messages { progress: "Σελίδα {n} από {total}", ..EL };
const DE_PAGED: Messages = Messages { progress: "Seite {n} von {total}", ..DE };
const FR_PAGED: Messages = Messages { progress: "Page {n} sur {total}", ..FR };
const ES_PAGED: Messages = Messages { progress: "Página {n} de {total}", ..ES };
const AR_PAGED: Messages = Messages { progress: "الصفحة {n} من {total}", ..AR };
const HE_PAGED: Messages = Messages { progress: "עמוד {n} מתוך {total}", ..HE };

/// The widget's words for a survey: its progress counts pages when it has them.
pub fn messages_for(language: &str, paged: bool) -> &'static Messages {
    if !paged {
        return messages(language);
    }
    match primary_subtag(language).as_str() {
        "el" => &EL_PAGED,
        "de" => &DE_PAGED,
        "fr" => &FR_PAGED,
        "es" => &ES_PAGED,
        "ar" => &AR_PAGED,
        "he" | "iw" => &HE_PAGED,
        _ => &EN_PAGED,
    }
}

/// Languages whose script runs right to left.
pub fn is_rtl(language: &str) -> bool {
    matches!(primary_subtag(language).as_str(), "ar" | "he" | "iw" | "fa" | "ur" | "yi" | "ps" | "dv" | "ckb" | "sd")
}

pub fn direction(language: &str) -> &'static str {
    if is_rtl(language) {
        "rtl"
    } else {
        "ltr"
    }
}

fn primary_subtag(language: &str) -> String {
    language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

/// A BCP 47 language tag as surveys store it: `el`, `pt-BR`, `zh-Hant`.
pub fn is_valid_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok =
        parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    primary_ok && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Picks the language to show from the visitor's preferences, in order (an
/// explicit choice first, then the browser's `Accept-Language` entries):
/// an exact match wins, then a match on the primary subtag (`el-GR` → `el`),
/// and the survey's default language when nothing matches.
pub fn choose<'a>(available: &'a [String], default: &'a str, preferences: &[String]) -> &'a str {
    for wanted in preferences {
        if let Some(found) = available.iter().find(|a| a.eq_ignore_ascii_case(wanted)) {
            return found;
        }
        let primary = primary_subtag(wanted);
        if let Some(found) = available.iter().find(|a| primary_subtag(a) == primary) {
            return found;
        }
    }
    default
}

/// The language ranges of an `Accept-Language` header, most preferred first
/// (`q=0` entries and `*` dropped).
pub fn parse_accept_language(header: &str) -> Vec<String> {
    let mut ranges: Vec<(f32, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(|v| v.trim().parse::<f32>().unwrap_or(0.0)))
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && q > 0.0).then(|| (q, i, tag.to_string()))
        })
        .take(20)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().map(|(_, _, tag)| tag).collect()
}

/// Fills `{name}` placeholders in a message.
pub fn fill(message: &str, values: &[(&str, usize)]) -> String {
    values
        .iter()
        .fold(message.to_string(), |text, (name, value)| text.replace(&format!("{{{name}}}"), &value.to_string()))
}

/// Puts a translation's texts (name, thank-you, question titles,
/// descriptions, choice, column and row labels, consent and button labels, units) in place of the default language's.
pub(crate) fn apply_translation(
    survey: &mut super::survey::PublicSurvey,
    translation: &super::survey_options::Translation,
) {
    if let Some(name) = &translation.name {
        survey.name = name.clone();
    }
    if let Some(text) = &translation.thank_you {
        survey.options.thank_you = Some(text.clone());
    }
    for ending in &mut survey.options.endings {
        let Some(texts) = translation.endings.get(&ending.id) else { continue };
        if let Some(title) = &texts.title {
            ending.title = Some(title.clone());
        }
        if let Some(text) = &texts.text {
            ending.text = Some(text.clone());
        }
    }
    for q in &mut survey.questions {
        let Some(texts) = translation.questions.get(&q.id) else { continue };
        if let Some(title) = &texts.title {
            q.title = title.clone();
        }
        if let Some(description) = &texts.description {
            q.description = Some(description.clone());
        }
        if let (Some(text), Some(message)) = (&texts.validation_message, &mut q.validation.message) {
            *message = text.clone();
        }
        if let Some(choices) = q.kind.choices_mut() {
            for c in choices.iter_mut() {
                if let Some(label) = texts.choices.get(&c.id) {
                    c.label = label.clone();
                }
            }
        }
        use super::survey::QuestionKind;
        match &mut q.kind {
            QuestionKind::Matrix { rows, .. } => {
                for row in rows.iter_mut() {
                    if let Some(label) = texts.rows.get(&row.id) {
                        row.label = label.clone();
                    }
                }
            }
            QuestionKind::Consent { label } => {
                if let Some(text) = &texts.label {
                    *label = text.clone();
                }
            }
            QuestionKind::Statement { button_label: Some(label), .. } => {
                if let Some(text) = &texts.label {
                    *label = text.clone();
                }
            }
            QuestionKind::Number { unit: Some(unit), .. } => {
                if let Some(text) = &texts.unit {
                    *unit = text.clone();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn choice_prefers_exact_then_primary_then_default() {
        let available = langs(&["en", "el", "pt-BR"]);
        assert_eq!(choose(&available, "en", &langs(&["el-GR", "en"])), "el");
        assert_eq!(choose(&available, "en", &langs(&["pt-br"])), "pt-BR");
        assert_eq!(choose(&available, "en", &langs(&["pt-PT"])), "pt-BR");
        assert_eq!(choose(&available, "en", &langs(&["ja", "de"])), "en");
        assert_eq!(choose(&available, "en", &[]), "en");
    }

    #[test]
    fn accept_language_is_ordered_by_quality() {
        assert_eq!(parse_accept_language("de;q=0.5, el-GR, en;q=0.8, fr;q=0, *"), langs(&["el-GR", "en", "de"]));
        assert!(parse_accept_language("").is_empty());
    }

    #[test]
    fn direction_follows_the_script() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("he-IL"), "rtl");
        assert_eq!(direction("el"), "ltr");
        assert_eq!(messages("el-GR").next, "Επόμενο");
        assert_eq!(messages("ja").next, "Next");
    }

    #[test]
    fn every_language_has_every_text() {
        let english = serde_json::to_value(EN).unwrap();
        for language in ["el", "de", "fr", "es", "ar", "he"] {
            let texts = serde_json::to_value(messages(language)).unwrap();
            let texts = texts.as_object().unwrap();
            assert_eq!(texts.len(), english.as_object().unwrap().len(), "{language}");
            for (key, text) in texts {
                assert!(!text.as_str().unwrap().trim().is_empty(), "{language}.{key}");
                assert_ne!(text, &english[key], "{language}.{key} is still English");
            }
        }
    }

    #[test]
    fn tags_are_checked() {
        for ok in ["en", "el", "pt-BR", "zh-Hant", "ckb"] {
            assert!(is_valid_tag(ok), "{ok}");
        }
        for bad in ["", "EN", "e", "english", "en_US", "en-", "<b>"] {
            assert!(!is_valid_tag(bad), "{bad}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill(EN.progress, &[("n", 2), ("total", 5)]), "Question 2 of 5");
        assert_eq!(fill(messages_for("de-AT", true).progress, &[("n", 1), ("total", 3)]), "Seite 1 von 3");
        assert_eq!(messages_for("de", true).next, DE.next, "only the progress differs");
        assert_eq!(messages_for("he", false), &HE);
    }
}
