import { POLICY_PURPOSES } from "../../purposes/policy-purposes";

export const REPORT_LANGUAGES = ["en", "nl", "fr"] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

type Words = Record<string, string>;

/** Everything the printable data-subject report says, in the three languages of the brand's customers. */
export interface ReportWording {
  locale: string;
  title: string;
  intro: string;
  reference: string;
  customerName: string;
  generatedAt: string;
  status: string;
  restrictedAt: string;
  erasedAt: string;
  recipientsHeading: string;
  noRecipients: string;
  dealer: string;
  country: string;
  period: string;
  times: string;
  purposesLabel: string;
  fieldsLabel: string;
  disclosuresHeading: string;
  when: string;
  how: string;
  consentsHeading: string;
  noConsents: string;
  recordedOn: string;
  channelLabel: string;
  expires: string;
  never: string;
  historyLabel: string;
  unknownDealer: string;
  footer: string;
  purposes: Record<keyof typeof POLICY_PURPOSES, string>;
  fields: Words;
  actions: Words;
  statuses: Words;
  channels: Words;
  historyActions: Words;
}

const en: ReportWording = {
  locale: "en-GB",
  title: "Your personal data shared with our authorized dealers",
  intro: "You asked which of our authorized dealers received your personal data. This report lists every dealer that received it through our dealer gateway, when, for which purpose and which of your data, and the consents you gave.",
  reference: "Customer reference", customerName: "Name", generatedAt: "Report drawn up on", status: "Status of your record",
  restrictedAt: "Processing restricted since", erasedAt: "Erased on",
  recipientsHeading: "Dealers that received your data", noRecipients: "No dealer has received your data through the gateway.",
  dealer: "Dealer", country: "Country", period: "First and last time", times: "Times", purposesLabel: "Purposes", fieldsLabel: "Data shared",
  disclosuresHeading: "Each time your data was shared", when: "When", how: "How",
  consentsHeading: "Your consents", noConsents: "No consent has been recorded.", recordedOn: "Recorded on", channelLabel: "Given through",
  expires: "Valid until", never: "until withdrawn", historyLabel: "History", unknownDealer: "(dealer no longer on file)",
  footer: "Times are in Coordinated Universal Time (UTC). You may withdraw a consent at any time, and ask for your data to be corrected, restricted or erased.",
  purposes: {
    service_delivery: "providing the services you asked for (repairs, orders, after-sales)",
    in_store_experience: "improving your experience in store",
    record_accuracy: "keeping your records accurate (purchases, warranty extensions, marketing preferences)",
    relationship_management: "managing customer and seller relationships",
  },
  fields: {
    name: "name", email: "e-mail address", phone: "telephone number", postalAddress: "postal address", birthDate: "date of birth",
    preferredLanguage: "preferred language", preferredBoutique: "preferred boutique", interests: "interests",
    marketingPreferences: "marketing preferences", purchases: "purchases", warranties: "warranties", serviceOrders: "service orders",
  },
  actions: { "customer.read": "your record was read", "customer.lookup": "you were found by e-mail or telephone", "customer.list": "your record was synchronised" },
  statuses: { active: "active", restricted: "restricted", erased: "erased", withdrawn: "withdrawn", expired: "expired" },
  channels: { boutique: "in a boutique", web: "on the website", phone: "by telephone", dealer_store: "at a dealer's store", email: "by e-mail" },
  historyActions: { recorded: "given", withdrawn: "withdrawn" },
};

const nl: ReportWording = {
  locale: "nl-NL",
  title: "Uw persoonsgegevens gedeeld met onze geautoriseerde dealers",
  intro: "U heeft gevraagd welke van onze geautoriseerde dealers uw persoonsgegevens hebben ontvangen. Dit overzicht noemt elke dealer die ze via onze dealer-gateway heeft ontvangen, wanneer, voor welk doel en welke gegevens, en de toestemmingen die u heeft gegeven.",
  reference: "Klantreferentie", customerName: "Naam", generatedAt: "Overzicht opgesteld op", status: "Status van uw gegevens",
  restrictedAt: "Verwerking beperkt sinds", erasedAt: "Gewist op",
  recipientsHeading: "Dealers die uw gegevens hebben ontvangen", noRecipients: "Geen enkele dealer heeft uw gegevens via de gateway ontvangen.",
  dealer: "Dealer", country: "Land", period: "Eerste en laatste keer", times: "Aantal keren", purposesLabel: "Doelen", fieldsLabel: "Gedeelde gegevens",
  disclosuresHeading: "Elke keer dat uw gegevens werden gedeeld", when: "Wanneer", how: "Hoe",
  consentsHeading: "Uw toestemmingen", noConsents: "Er is geen toestemming vastgelegd.", recordedOn: "Vastgelegd op", channelLabel: "Gegeven via",
  expires: "Geldig tot", never: "tot intrekking", historyLabel: "Geschiedenis", unknownDealer: "(dealer niet meer bekend)",
  footer: "Tijden zijn in gecoördineerde wereldtijd (UTC). U kunt een toestemming op elk moment intrekken, en vragen om uw gegevens te verbeteren, te beperken of te wissen.",
  purposes: {
    service_delivery: "het leveren van de diensten waar u om vroeg (reparaties, bestellingen, service na aankoop)",
    in_store_experience: "het verbeteren van uw ervaring in de winkel",
    record_accuracy: "het juist en actueel houden van uw gegevens (aankopen, garantieverlengingen, marketingvoorkeuren)",
    relationship_management: "het beheren van de relatie tussen klant en verkoper",
  },
  fields: {
    name: "naam", email: "e-mailadres", phone: "telefoonnummer", postalAddress: "postadres", birthDate: "geboortedatum",
    preferredLanguage: "voorkeurstaal", preferredBoutique: "voorkeursboetiek", interests: "interesses",
    marketingPreferences: "marketingvoorkeuren", purchases: "aankopen", warranties: "garanties", serviceOrders: "serviceopdrachten",
  },
  actions: { "customer.read": "uw gegevens werden ingezien", "customer.lookup": "u werd gevonden op e-mailadres of telefoonnummer", "customer.list": "uw gegevens werden gesynchroniseerd" },
  statuses: { active: "actief", restricted: "beperkt", erased: "gewist", withdrawn: "ingetrokken", expired: "verlopen" },
  channels: { boutique: "in een boetiek", web: "op de website", phone: "telefonisch", dealer_store: "in de winkel van een dealer", email: "per e-mail" },
  historyActions: { recorded: "gegeven", withdrawn: "ingetrokken" },
};

const fr: ReportWording = {
  locale: "fr-FR",
  title: "Vos données personnelles partagées avec nos revendeurs agréés",
  intro: "Vous avez demandé quels revendeurs agréés ont reçu vos données personnelles. Ce relevé indique chaque revendeur qui les a reçues par notre passerelle, quand, dans quel but et quelles données, ainsi que les consentements que vous avez donnés.",
  reference: "Référence client", customerName: "Nom", generatedAt: "Relevé établi le", status: "État de votre dossier",
  restrictedAt: "Traitement limité depuis le", erasedAt: "Effacé le",
  recipientsHeading: "Revendeurs ayant reçu vos données", noRecipients: "Aucun revendeur n'a reçu vos données par la passerelle.",
  dealer: "Revendeur", country: "Pays", period: "Première et dernière fois", times: "Nombre de fois", purposesLabel: "Finalités", fieldsLabel: "Données partagées",
  disclosuresHeading: "Chaque partage de vos données", when: "Quand", how: "Comment",
  consentsHeading: "Vos consentements", noConsents: "Aucun consentement n'a été enregistré.", recordedOn: "Enregistré le", channelLabel: "Donné",
  expires: "Valable jusqu'au", never: "jusqu'à son retrait", historyLabel: "Historique", unknownDealer: "(revendeur qui n'est plus enregistré)",
  footer: "Les heures sont en temps universel coordonné (UTC). Vous pouvez retirer un consentement à tout moment, et demander que vos données soient rectifiées, limitées ou effacées.",
  purposes: {
    service_delivery: "fournir les services que vous avez demandés (réparations, commandes, service après-vente)",
    in_store_experience: "améliorer votre expérience en boutique",
    record_accuracy: "tenir vos données exactes et à jour (achats, extensions de garantie, préférences marketing)",
    relationship_management: "gérer la relation entre le client et le vendeur",
  },
  fields: {
    name: "nom", email: "adresse e-mail", phone: "numéro de téléphone", postalAddress: "adresse postale", birthDate: "date de naissance",
    preferredLanguage: "langue préférée", preferredBoutique: "boutique préférée", interests: "centres d'intérêt",
    marketingPreferences: "préférences marketing", purchases: "achats", warranties: "garanties", serviceOrders: "ordres de service",
  },
  actions: { "customer.read": "votre dossier a été consulté", "customer.lookup": "vous avez été retrouvé par e-mail ou téléphone", "customer.list": "votre dossier a été synchronisé" },
  statuses: { active: "actif", restricted: "limité", erased: "effacé", withdrawn: "retiré", expired: "expiré" },
  channels: { boutique: "en boutique", web: "sur le site web", phone: "par téléphone", dealer_store: "chez un revendeur", email: "par e-mail" },
  historyActions: { recorded: "donné", withdrawn: "retiré" },
};

export const REPORT_WORDING: Record<ReportLanguage, ReportWording> = { en, nl, fr };

/** The report's language: the customer's own when the record has a supported one, else the one asked for, else English. */
export function reportLanguage(stored: string | undefined, asked: ReportLanguage | undefined): ReportLanguage {
  const primary = stored?.toLowerCase().split("-")[0];
  const supported = REPORT_LANGUAGES.find((language) => language === primary);
  return supported ?? asked ?? "en";
}
