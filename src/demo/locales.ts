import type { SeededRandom } from "./seeded-random";

/** A given name with the salutation that goes with it, and its ASCII spelling for e-mail addresses. */
export interface GivenName {
  name: string;
  ascii: string;
  salutation: string;
}

export interface FamilyName {
  name: string;
  ascii: string;
}

export interface City {
  city: string;
  postalCode: (random: SeededRandom) => string;
}

/** Everything needed to make up a plausible customer living in one country. */
export interface Locale {
  country: string;
  language: string;
  givenNames: GivenName[];
  familyNames: FamilyName[];
  cities: City[];
  street: (random: SeededRandom) => string;
  /** A valid E.164 mobile number. */
  phone: (random: SeededRandom) => string;
  boutiques: string[];
}

const given = (salutation: string, names: string): GivenName[] =>
  names.split(",").map((entry) => {
    const [name, ascii] = entry.trim().split("/");
    return { name: name!, ascii: (ascii ?? name!).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(), salutation };
  });

const families = (names: string): FamilyName[] =>
  names.split(",").map((entry) => {
    const [name, ascii] = entry.trim().split("/");
    return { name: name!, ascii: (ascii ?? name!).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z]/g, "").toLowerCase() };
  });

const digitsPostcode = (first: number, last: number) => (random: SeededRandom) => String(random.int(first, last));

export const LOCALES: Locale[] = [
  {
    country: "FR", language: "fr-FR",
    givenNames: [
      ...given("Mme", "Amélie, Camille, Chloé, Élodie, Hélène, Inès, Juliette, Léa, Manon, Margaux, Sophie, Claire"),
      ...given("M.", "Antoine, Baptiste, Benoît, Étienne, François, Guillaume, Julien, Louis, Mathieu, Nicolas, Théo, Hugo"),
    ],
    familyNames: families("Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Lefèvre, Fontaine, Chevalier, Rousseau, Mercier, Girard, Lambert, Bonnet, Faure, Gauthier"),
    cities: [
      { city: "Paris", postalCode: (r) => `750${String(r.int(1, 20)).padStart(2, "0")}` },
      { city: "Lyon", postalCode: (r) => `6900${r.int(1, 9)}` },
      { city: "Bordeaux", postalCode: () => "33000" },
      { city: "Nice", postalCode: (r) => `0600${r.int(0, 6)}` },
      { city: "Lille", postalCode: () => "59000" },
    ],
    street: (r) => `${r.int(1, 140)} ${r.pick(["rue de la Paix", "avenue Montaigne", "boulevard Haussmann", "rue du Faubourg Saint-Honoré", "quai des Chartrons", "rue de la République", "cours Mirabeau"])}`,
    phone: (r) => `+336${r.digits(8)}`,
    boutiques: ["Paris Vendôme", "Paris Champs-Élysées", "Lyon Presqu'île"],
  },
  {
    country: "DE", language: "de-DE",
    givenNames: [
      ...given("Frau", "Anna, Charlotte, Hannah, Johanna, Katharina, Lena, Marie, Sophie, Greta, Clara"),
      ...given("Herr", "Alexander, Felix, Jonas, Lukas, Maximilian, Moritz, Paul, Sebastian, Tobias, Jürgen"),
    ],
    familyNames: families("Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, Richter, Klein, Wolf, Schröder, Neumann, Zimmermann, Krüger"),
    cities: [
      { city: "München", postalCode: digitsPostcode(80331, 81929) },
      { city: "Berlin", postalCode: digitsPostcode(10115, 14199) },
      { city: "Hamburg", postalCode: digitsPostcode(20095, 22769) },
      { city: "Düsseldorf", postalCode: digitsPostcode(40210, 40629) },
      { city: "Frankfurt am Main", postalCode: digitsPostcode(60306, 60599) },
    ],
    street: (r) => `${r.pick(["Maximilianstraße", "Königsallee", "Kurfürstendamm", "Neuer Wall", "Goethestraße", "Schillerstraße", "Lindenallee"])} ${r.int(1, 120)}`,
    phone: (r) => `+491${r.pick(["51", "60", "70", "76"])}${r.digits(8)}`,
    boutiques: ["München Maximilianstraße", "Berlin Kurfürstendamm"],
  },
  {
    country: "CH", language: "de-CH",
    givenNames: [
      ...given("Frau", "Lea, Mia, Nina, Laura, Seraina, Anja, Noémie/Noemie, Céline/Celine"),
      ...given("Herr", "Luca, Nico, Reto, Urs, Beat, Matthias, Gian, Adrien"),
    ],
    familyNames: families("Meier, Keller, Huber, Brunner, Baumann, Frei, Gerber, Favre, Rochat, Bühler, Graf, Steiner, Zürcher"),
    cities: [
      { city: "Zürich", postalCode: digitsPostcode(8001, 8057) },
      { city: "Genève", postalCode: digitsPostcode(1201, 1209) },
      { city: "Basel", postalCode: digitsPostcode(4001, 4059) },
      { city: "Lausanne", postalCode: digitsPostcode(1003, 1018) },
    ],
    street: (r) => `${r.pick(["Bahnhofstrasse", "Rue du Rhône", "Freie Strasse", "Rue de Bourg", "Limmatquai", "Seefeldstrasse"])} ${r.int(1, 90)}`,
    phone: (r) => `+417${r.pick(["6", "7", "8", "9"])}${r.digits(7)}`,
    boutiques: ["Genève Rhône", "Zürich Bahnhofstrasse"],
  },
  {
    country: "IT", language: "it-IT",
    givenNames: [
      ...given("Sig.ra", "Giulia, Francesca, Chiara, Alessia, Martina, Sofia, Valentina, Beatrice, Elena"),
      ...given("Sig.", "Alessandro, Lorenzo, Matteo, Giovanni, Federico, Riccardo, Niccolò/Niccolo, Davide, Tommaso"),
    ],
    familyNames: families("Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti, De Luca/DeLuca, Mancini, Costa"),
    cities: [
      { city: "Milano", postalCode: (r) => `201${String(r.int(21, 62)).padStart(2, "0")}` },
      { city: "Roma", postalCode: (r) => `001${String(r.int(18, 99)).padStart(2, "0")}` },
      { city: "Firenze", postalCode: (r) => `501${String(r.int(21, 45)).padStart(2, "0")}` },
      { city: "Torino", postalCode: (r) => `101${String(r.int(21, 56)).padStart(2, "0")}` },
    ],
    street: (r) => `Via ${r.pick(["Montenapoleone", "della Spiga", "Condotti", "de' Tornabuoni", "Roma", "Garibaldi", "Manzoni"])} ${r.int(1, 80)}`,
    phone: (r) => `+393${r.int(20, 49)}${r.digits(7)}`,
    boutiques: ["Milano Montenapoleone", "Roma Via Condotti"],
  },
  {
    country: "JP", language: "ja-JP",
    givenNames: [
      ...given("様", "陽菜/Hina, 結衣/Yui, さくら/Sakura, 美咲/Misaki, 葵/Aoi, 凛/Rin, 芽依/Mei"),
      ...given("様", "陽翔/Haruto, 蓮/Ren, 大翔/Hiroto, 悠真/Yuma, 湊/Minato, 健太/Kenta, 翔太/Shota"),
    ],
    familyNames: families("佐藤/Sato, 鈴木/Suzuki, 高橋/Takahashi, 田中/Tanaka, 伊藤/Ito, 渡辺/Watanabe, 山本/Yamamoto, 中村/Nakamura, 小林/Kobayashi, 加藤/Kato, 吉田/Yoshida, 山田/Yamada"),
    cities: [
      { city: "Chuo-ku, Tokyo", postalCode: (r) => `104-00${String(r.int(31, 61)).padStart(2, "0")}` },
      { city: "Minato-ku, Tokyo", postalCode: (r) => `107-00${String(r.int(51, 62)).padStart(2, "0")}` },
      { city: "Kita-ku, Osaka", postalCode: (r) => `530-00${String(r.int(1, 57)).padStart(2, "0")}` },
      { city: "Naka-ku, Yokohama", postalCode: (r) => `231-00${String(r.int(1, 68)).padStart(2, "0")}` },
    ],
    street: (r) => `${r.int(1, 8)}-${r.int(1, 20)}-${r.int(1, 30)} ${r.pick(["Ginza", "Omotesando", "Umeda", "Motomachi", "Roppongi", "Nihonbashi"])}`,
    phone: (r) => `+81${r.pick(["70", "80", "90"])}${r.digits(8)}`,
    boutiques: ["Tokyo Ginza", "Osaka Umeda"],
  },
  {
    country: "GB", language: "en-GB",
    givenNames: [
      ...given("Ms", "Olivia, Amelia, Isla, Emily, Charlotte, Grace, Eleanor, Harriet"),
      ...given("Mr", "Oliver, George, Harry, Arthur, Edward, William, Henry, James"),
    ],
    familyNames: families("Smith, Jones, Taylor, Brown, Williams, Wilson, Davies, Evans, Thomas, Johnson, Wright, Walker, Hughes, Clarke"),
    cities: [
      { city: "London", postalCode: (r) => `W1${r.pick(["K", "S", "J"])} ${r.int(1, 9)}${r.pick(["AB", "DN", "LR", "QT"])}` },
      { city: "Edinburgh", postalCode: (r) => `EH${r.int(1, 12)} ${r.int(1, 9)}${r.pick(["BA", "HD", "QE"])}` },
      { city: "Manchester", postalCode: (r) => `M${r.int(1, 20)} ${r.int(1, 9)}${r.pick(["AF", "JR", "WT"])}` },
    ],
    street: (r) => `${r.int(1, 180)} ${r.pick(["New Bond Street", "Sloane Street", "George Street", "King Street", "Mount Street", "Princes Street"])}`,
    phone: (r) => `+447${r.pick(["4", "5", "7", "8", "9"])}${r.digits(8)}`,
    boutiques: ["London New Bond Street"],
  },
  {
    country: "US", language: "en-US",
    givenNames: [
      ...given("Ms", "Emma, Ava, Madison, Abigail, Harper, Evelyn, Sarah, Rachel"),
      ...given("Mr", "Liam, Noah, Ethan, Mason, Logan, Daniel, Michael, Benjamin"),
    ],
    familyNames: families("Miller, Davis, Garcia, Rodriguez, Martinez, Anderson, Jackson, White, Harris, Thompson, Moore, Clark, Lewis, Walker"),
    cities: [
      { city: "New York, NY", postalCode: (r) => `100${String(r.int(1, 99)).padStart(2, "0")}` },
      { city: "Los Angeles, CA", postalCode: (r) => `900${String(r.int(1, 99)).padStart(2, "0")}` },
      { city: "Chicago, IL", postalCode: (r) => `606${String(r.int(1, 61)).padStart(2, "0")}` },
      { city: "Miami, FL", postalCode: (r) => `331${String(r.int(1, 99)).padStart(2, "0")}` },
    ],
    street: (r) => `${r.int(1, 999)} ${r.pick(["Fifth Avenue", "Madison Avenue", "Rodeo Drive", "Michigan Avenue", "Worth Avenue", "Park Avenue"])}`,
    // 555-01XX is the range set aside for fiction; the area code varies.
    phone: (r) => `+1${r.pick(["212", "310", "312", "305", "646"])}55501${r.digits(2)}`,
    boutiques: ["New York Fifth Avenue", "Beverly Hills Rodeo Drive"],
  },
];

/** How often each locale appears among the demo customers (the brand's clientele is mostly European). */
export const LOCALE_WEIGHTS: Record<string, number> = { FR: 30, DE: 15, CH: 12, IT: 13, JP: 12, GB: 9, US: 9 };
