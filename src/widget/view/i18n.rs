//! Text catalogues (English, German, French) and merchant overrides.
//!
//! Templates carry `{name}` placeholders filled by [`Messages::fill`]. A merchant overrides
//! any key through the `messages` option (`{ confirm: "Buy now" }`); the values are text
//! and are only ever inserted as text.
//!
//! Each catalogue is written below as `key: "text"` lines, but compiled to one string of
//! texts in key order (each ended by a line feed) and the keys are stored once, in
//! [`KEYS`]: no table of key/text pointers per language in the wasm module. A compile-time
//! check makes every catalogue list the same keys in the same order.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// One language's texts: one per key of [`KEYS`], in that order, each ended by `\n`.
#[derive(Clone, Copy)]
pub struct Catalogue(&'static str);

impl Catalogue {
    /// Every `(key, text)` pair, in key order.
    pub fn iter(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        KEYS.iter().copied().zip(self.0.split_terminator('\n'))
    }

    /// The text for `key`, if the catalogues define that key.
    pub fn get(self, key: &str) -> Option<&'static str> {
        let index = KEYS.iter().position(|k| *k == key)?;
        let mut rest = self.0;
        for _ in 0..index {
            rest = rest.split_once('\n')?.1;
        }
        rest.split_once('\n').map(|(text, _)| text)
    }
}

/// Whether `keys` are exactly [`KEYS`], in order (evaluated at compile time).
const fn same_keys(keys: &[&str]) -> bool {
    if keys.len() != KEYS.len() {
        return false;
    }
    let mut i = 0;
    while i < keys.len() {
        let (a, b) = (keys[i].as_bytes(), KEYS[i].as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut j = 0;
        while j < a.len() {
            if a[j] != b[j] {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

/// How many line feeds `text` holds (evaluated at compile time: one per text, so no text
/// may contain a line feed of its own).
const fn line_feeds(text: &str) -> usize {
    let (bytes, mut i, mut n) = (text.as_bytes(), 0, 0);
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Defines a catalogue from `key: "text",` lines (`keys` first: the catalogue that defines
/// [`KEYS`]).
macro_rules! catalogue {
    (keys $(#[$doc:meta])* $name:ident { $($key:ident: $text:literal,)* }) => {
        /// Every text key, in catalogue order (the English catalogue's order).
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];
        catalogue!($(#[$doc])* $name { $($key: $text,)* });
    };
    ($(#[$doc:meta])* $name:ident { $($key:ident: $text:literal,)* }) => {
        $(#[$doc])*
        pub const $name: Catalogue = {
            assert!(
                same_keys(&[$(stringify!($key)),*]),
                concat!(stringify!($name), " must list the keys of KEYS, in that order")
            );
            let texts = concat!($($text, "\n"),*);
            assert!(line_feeds(texts) == KEYS.len(), "a text contains a line feed");
            Catalogue(texts)
        };
    };
}

catalogue!(keys
    /// The English catalogue; it defines every key.
    EN {
        loading: "Loading your subscription…",
        seats_one: "{n} seat",
        seats_other: "{n} seats",
        current: "Current plan: {seats}",
        item_label: "Product",
        seats_label: "Seats",
        decrease: "Remove one seat",
        increase: "Add one seat",
        range: "{min} to {max} seats",
        invalid_quantity: "Enter a whole number from {min} to {max}.",
        line: "{qty} × {unit} = {total}",
        per_month: "per month",
        per_year: "per year",
        per_period: "per billing period",
        tax_gross: "incl. {rate} VAT",
        tax_net: "plus {rate} VAT",
        mode_legend: "When should the change apply?",
        mode_immediate: "Now, for the rest of this period",
        mode_immediate_hint: "You pay the prorated difference today; billing stays on {date}.",
        mode_extend: "Start a new full period today",
        mode_extend_hint: "You pay for a full new period today; next billing moves to {date}.",
        mode_nextBilling: "At renewal",
        decrease_note: "Fewer seats take effect at renewal on {date}. There is no refund for the current period.",
        no_change: "Choose a different number of seats to see the price.",
        due_today: "Due today",
        net: "Net",
        vat: "VAT ({rate})",
        total_today: "Total due today",
        days_remaining: "{n} of {m} days remaining in this period",
        next_billing: "Next billing on {date}",
        estimate: "Estimate",
        verified: "Confirmed price",
        checking: "Checking the price…",
        timeline: "Billing period from {start} to {end}. Today is {today}: {n} of {m} days remain, and the change is charged for that share.",
        consent_increase: "I agree to pay {due} today and {next} on {date}.",
        consent_decrease: "I agree to be billed {next} on {date}. Nothing is charged today and there is no refund.",
        confirm: "Confirm change",
        confirming: "Confirming…",
        announce: "Due today: {due}. Next billing: {next} on {date}.",
        success: "Done. You now have {seats}.",
        again: "Make another change",
        handed_off: "Continuing to checkout…",
        quote_changed: "The price changed since you looked. Please review the new amounts and agree again.",
        quote_expired: "The price quote expired, so we fetched a fresh one. Please agree again.",
        commit_not_applied: "We fetched a fresh quote. Please review it and agree again.",
        negative_alignment: "Removing seats in the middle of a period would need a refund, which is not possible. The change can take effect at renewal instead.",
        use_next_billing: "Apply at renewal",
        retry: "Try again",
        err_unauthorized: "Your session has expired. Please sign in again.",
        err_forbidden: "This account cannot change this subscription.",
        err_not_found: "We could not find this subscription.",
        err_mode: "This kind of change is not available for this product.",
        err_quantity: "That number of seats is not available for this product.",
        err_not_active: "This subscription is not active, so its seats cannot be changed right now.",
        err_busy: "The billing service is busy or unreachable. Please try again in a moment.",
        err_network: "We could not reach the server. Check your connection and try again.",
        err_config: "This seat calculator is not set up correctly.",
        err_generic: "Something went wrong. Please try again.",
        success_paid: "{due} was charged today. Next billing: {next} on {date}.",
        success_free: "Nothing was charged today. Next billing: {next} on {date}.",
        commit_unknown: "We could not confirm whether your change went through: it may already have been applied. Check again to find out; you will not be charged twice.",
        check_again: "Check again",
        not_charged: "Your change was not made and nothing was charged.",
        err_in_progress: "Another change to this plan is being processed. Please check again in a moment.",
        wait_preview: "The billing service is busy. The price is checked again by itself in {s}.",
        wait_confirm: "The billing service is busy. Confirm works again in {s}.",
        next_amount: "{label}: {amount}",
        seconds_one: "{n} second",
        seconds_other: "{n} seconds",
    }
);

catalogue!(
    /// German.
    DE {
        loading: "Abonnement wird geladen …",
        seats_one: "{n} Platz",
        seats_other: "{n} Plätze",
        current: "Aktueller Tarif: {seats}",
        item_label: "Produkt",
        seats_label: "Plätze",
        decrease: "Einen Platz entfernen",
        increase: "Einen Platz hinzufügen",
        range: "{min} bis {max} Plätze",
        invalid_quantity: "Bitte eine ganze Zahl von {min} bis {max} eingeben.",
        line: "{qty} × {unit} = {total}",
        per_month: "pro Monat",
        per_year: "pro Jahr",
        per_period: "pro Abrechnungszeitraum",
        tax_gross: "inkl. {rate} MwSt.",
        tax_net: "zzgl. {rate} MwSt.",
        mode_legend: "Wann soll die Änderung gelten?",
        mode_immediate: "Sofort, für den Rest des Zeitraums",
        mode_immediate_hint: "Sie zahlen heute die anteilige Differenz; die Abrechnung bleibt am {date}.",
        mode_extend: "Heute einen neuen vollen Zeitraum beginnen",
        mode_extend_hint: "Sie zahlen heute einen vollen Zeitraum; die nächste Abrechnung ist am {date}.",
        mode_nextBilling: "Zur Verlängerung",
        decrease_note: "Weniger Plätze gelten ab der Verlängerung am {date}. Für den laufenden Zeitraum gibt es keine Erstattung.",
        no_change: "Wählen Sie eine andere Anzahl Plätze, um den Preis zu sehen.",
        due_today: "Heute fällig",
        net: "Netto",
        vat: "MwSt. ({rate})",
        total_today: "Heute fällig gesamt",
        days_remaining: "{n} von {m} Tagen verbleiben in diesem Zeitraum",
        next_billing: "Nächste Abrechnung am {date}",
        estimate: "Schätzung",
        verified: "Bestätigter Preis",
        checking: "Preis wird geprüft …",
        timeline: "Abrechnungszeitraum vom {start} bis {end}. Heute ist der {today}: {n} von {m} Tagen verbleiben, und die Änderung wird für diesen Anteil berechnet.",
        consent_increase: "Ich bin einverstanden, heute {due} und am {date} {next} zu zahlen.",
        consent_decrease: "Ich bin einverstanden, dass am {date} {next} berechnet werden. Heute wird nichts berechnet, und es gibt keine Erstattung.",
        confirm: "Änderung bestätigen",
        confirming: "Wird bestätigt …",
        announce: "Heute fällig: {due}. Nächste Abrechnung: {next} am {date}.",
        success: "Erledigt. Sie haben jetzt {seats}.",
        again: "Weitere Änderung",
        handed_off: "Weiter zur Kasse …",
        quote_changed: "Der Preis hat sich geändert. Bitte prüfen Sie die neuen Beträge und stimmen Sie erneut zu.",
        quote_expired: "Das Angebot ist abgelaufen; wir haben ein neues geholt. Bitte stimmen Sie erneut zu.",
        commit_not_applied: "Wir haben ein neues Angebot geholt. Bitte prüfen Sie es und stimmen Sie erneut zu.",
        negative_alignment: "Plätze mitten im Zeitraum zu entfernen würde eine Erstattung erfordern, die nicht möglich ist. Die Änderung kann stattdessen zur Verlängerung gelten.",
        use_next_billing: "Zur Verlängerung anwenden",
        retry: "Erneut versuchen",
        err_unauthorized: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
        err_forbidden: "Dieses Konto darf dieses Abonnement nicht ändern.",
        err_not_found: "Dieses Abonnement wurde nicht gefunden.",
        err_mode: "Diese Art der Änderung ist für dieses Produkt nicht verfügbar.",
        err_quantity: "Diese Anzahl Plätze ist für dieses Produkt nicht verfügbar.",
        err_not_active: "Dieses Abonnement ist nicht aktiv; die Plätze können gerade nicht geändert werden.",
        err_busy: "Der Abrechnungsdienst ist ausgelastet oder nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
        err_network: "Der Server ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
        err_config: "Dieser Platzrechner ist nicht richtig eingerichtet.",
        err_generic: "Etwas ist schiefgegangen. Bitte versuchen Sie es erneut.",
        success_paid: "Heute wurden {due} berechnet. Nächste Abrechnung: {next} am {date}.",
        success_free: "Heute wurde nichts berechnet. Nächste Abrechnung: {next} am {date}.",
        commit_unknown: "Wir konnten nicht bestätigen, ob Ihre Änderung durchgeführt wurde – sie ist möglicherweise bereits erfolgt. Prüfen Sie es erneut; doppelt berechnet wird nichts.",
        check_again: "Erneut prüfen",
        not_charged: "Die Änderung wurde nicht durchgeführt, und es wurde nichts berechnet.",
        err_in_progress: "Eine andere Änderung dieses Tarifs wird gerade verarbeitet. Bitte prüfen Sie gleich noch einmal.",
        wait_preview: "Der Abrechnungsdienst ist ausgelastet. Der Preis wird in {s} automatisch erneut geprüft.",
        wait_confirm: "Der Abrechnungsdienst ist ausgelastet. Bestätigen ist in {s} wieder möglich.",
        next_amount: "{label}: {amount}",
        seconds_one: "{n} Sekunde",
        seconds_other: "{n} Sekunden",
    }
);

catalogue!(
    /// French.
    FR {
        loading: "Chargement de votre abonnement…",
        seats_one: "{n} poste",
        seats_other: "{n} postes",
        current: "Offre actuelle : {seats}",
        item_label: "Produit",
        seats_label: "Postes",
        decrease: "Retirer un poste",
        increase: "Ajouter un poste",
        range: "De {min} à {max} postes",
        invalid_quantity: "Saisissez un nombre entier de {min} à {max}.",
        line: "{qty} × {unit} = {total}",
        per_month: "par mois",
        per_year: "par an",
        per_period: "par période de facturation",
        tax_gross: "TVA de {rate} incluse",
        tax_net: "plus TVA de {rate}",
        mode_legend: "Quand la modification doit-elle s’appliquer ?",
        mode_immediate: "Maintenant, pour le reste de la période",
        mode_immediate_hint: "Vous payez aujourd’hui la différence au prorata ; la facturation reste au {date}.",
        mode_extend: "Commencer une nouvelle période complète aujourd’hui",
        mode_extend_hint: "Vous payez aujourd’hui une période complète ; la prochaine facturation passe au {date}.",
        mode_nextBilling: "Au renouvellement",
        decrease_note: "La réduction prend effet au renouvellement le {date}. La période en cours n’est pas remboursée.",
        no_change: "Choisissez un autre nombre de postes pour voir le prix.",
        due_today: "À payer aujourd’hui",
        net: "HT",
        vat: "TVA ({rate})",
        total_today: "Total à payer aujourd’hui",
        days_remaining: "{n} jours restants sur {m} dans cette période",
        next_billing: "Prochaine facturation le {date}",
        estimate: "Estimation",
        verified: "Prix confirmé",
        checking: "Vérification du prix…",
        timeline: "Période de facturation du {start} au {end}. Nous sommes le {today} : il reste {n} jours sur {m}, et la modification est facturée pour cette part.",
        consent_increase: "J’accepte de payer {due} aujourd’hui et {next} le {date}.",
        consent_decrease: "J’accepte d’être facturé {next} le {date}. Rien n’est facturé aujourd’hui et il n’y a pas de remboursement.",
        confirm: "Confirmer la modification",
        confirming: "Confirmation…",
        announce: "À payer aujourd’hui : {due}. Prochaine facturation : {next} le {date}.",
        success: "C’est fait. Vous avez maintenant {seats}.",
        again: "Faire une autre modification",
        handed_off: "Poursuite vers le paiement…",
        quote_changed: "Le prix a changé. Vérifiez les nouveaux montants et donnez à nouveau votre accord.",
        quote_expired: "Le devis a expiré ; nous en avons obtenu un nouveau. Donnez à nouveau votre accord.",
        commit_not_applied: "Nous avons obtenu un nouveau devis. Vérifiez-le et donnez à nouveau votre accord.",
        negative_alignment: "Retirer des postes en cours de période exigerait un remboursement, ce qui n’est pas possible. La modification peut s’appliquer au renouvellement.",
        use_next_billing: "Appliquer au renouvellement",
        retry: "Réessayer",
        err_unauthorized: "Votre session a expiré. Veuillez vous reconnecter.",
        err_forbidden: "Ce compte ne peut pas modifier cet abonnement.",
        err_not_found: "Cet abonnement est introuvable.",
        err_mode: "Ce type de modification n’est pas disponible pour ce produit.",
        err_quantity: "Ce nombre de postes n’est pas disponible pour ce produit.",
        err_not_active: "Cet abonnement n’est pas actif ; ses postes ne peuvent pas être modifiés pour le moment.",
        err_busy: "Le service de facturation est occupé ou injoignable. Réessayez dans un instant.",
        err_network: "Le serveur est injoignable. Vérifiez votre connexion et réessayez.",
        err_config: "Ce calculateur de postes n’est pas configuré correctement.",
        err_generic: "Une erreur s’est produite. Veuillez réessayer.",
        success_paid: "{due} ont été facturés aujourd’hui. Prochaine facturation : {next} le {date}.",
        success_free: "Rien n’a été facturé aujourd’hui. Prochaine facturation : {next} le {date}.",
        commit_unknown: "Nous n’avons pas pu confirmer si votre modification a été appliquée ; elle l’a peut-être déjà été. Vérifiez à nouveau ; vous ne serez pas facturé deux fois.",
        check_again: "Vérifier à nouveau",
        not_charged: "La modification n’a pas été effectuée et rien n’a été facturé.",
        err_in_progress: "Une autre modification de cet abonnement est en cours de traitement. Vérifiez à nouveau dans un instant.",
        wait_preview: "Le service de facturation est occupé. Le prix sera vérifié à nouveau automatiquement dans {s}.",
        wait_confirm: "Le service de facturation est occupé. La confirmation sera de nouveau possible dans {s}.",
        next_amount: "{label} : {amount}",
        seconds_one: "{n} seconde",
        seconds_other: "{n} secondes",
    }
);

/// The catalogue for a BCP 47 locale (by language), with English as the fallback.
pub fn catalogue(locale: &str) -> Catalogue {
    let lang = locale.split(['-', '_']).next().unwrap_or("");
    if lang.eq_ignore_ascii_case("de") {
        DE
    } else if lang.eq_ignore_ascii_case("fr") {
        FR
    } else {
        EN
    }
}

/// The language of the texts shown for `locale` (the root's `lang`): the locale itself
/// when its language has a catalogue, `en` when the texts fall back to English (formats
/// still follow the locale).
pub fn text_lang(locale: &str) -> &str {
    let lang = locale.split(['-', '_']).next().unwrap_or("");
    let has_catalogue = ["en", "de", "fr"]
        .iter()
        .any(|l| lang.eq_ignore_ascii_case(l));
    if has_catalogue {
        locale
    } else {
        "en"
    }
}

/// The widget's texts: a catalogue plus merchant overrides.
pub struct Messages {
    table: Catalogue,
    overrides: Vec<(String, String)>,
}

impl Messages {
    /// Messages for `locale`, with overrides read from a plain `{ key: "text" }` object
    /// (non-string values are ignored).
    pub fn new(locale: &str, overrides: &JsValue) -> Self {
        let mut list = Vec::new();
        if overrides.is_object() {
            let o: &Object = overrides.unchecked_ref_object();
            for key in Object::keys(o).iter() {
                if let (Some(k), Some(v)) = (
                    key.as_string(),
                    Reflect::get(o, &key).ok().and_then(|v| v.as_string()),
                ) {
                    list.push((k, v));
                }
            }
        }
        Self {
            table: catalogue(locale),
            overrides: list,
        }
    }

    /// The text for `key` (override, then the locale's catalogue; an unknown key is
    /// returned as it is).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        if let Some((_, v)) = self.overrides.iter().find(|(k, _)| k == key) {
            return v;
        }
        self.table.get(key).unwrap_or(key)
    }

    /// The text for `key` with `{name}` placeholders replaced.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key), args)
    }

    /// "1 seat" / "3 seats" with the count already formatted.
    pub fn seats(&self, n: u32, formatted: &str) -> String {
        self.fill(
            if n == 1 { "seats_one" } else { "seats_other" },
            &[("n", formatted)],
        )
    }
}

/// Replaces each `{name}` in `template` by its value. (`split_once`, not string indexing:
/// no slicing panic, so no panic message formatting, in the widget's module.)
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        match after.split_once('}') {
            Some((name, tail)) => {
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            None => {
                out.push('{');
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

trait AsObject {
    fn unchecked_ref_object(&self) -> &Object;
}

impl AsObject for JsValue {
    fn unchecked_ref_object(&self) -> &Object {
        wasm_bindgen::JsCast::unchecked_ref(self)
    }
}
