import { describe, expect, it } from "vitest";
import { en } from "../console/src/i18n/messages/en";
import { fr } from "../console/src/i18n/messages/fr";
import { nl } from "../console/src/i18n/messages/nl";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/** Every console message exists in every language, with the same placeholders and real words. */
describe("the console's message catalogues", () => {
  const english = Object.keys(en).sort();
  for (const [name, catalogue] of Object.entries({ nl, fr })) {
    it(`when the ${name} catalogue is read, then it has exactly the English keys`, () => {
      expect(Object.keys(catalogue).sort()).toEqual(english);
    });

    it(`when a ${name} message has placeholders, then they are the English message's`, () => {
      for (const key of english) {
        expect(placeholders(catalogue[key as keyof typeof en]), key).toEqual(placeholders(en[key as keyof typeof en]));
      }
    });

    it(`when the ${name} catalogue is read, then no message is empty and most differ from English`, () => {
      const values = Object.values(catalogue);
      expect(values.every((value) => value.trim().length > 0)).toBe(true);
      const translated = english.filter((key) => catalogue[key as keyof typeof en] !== en[key as keyof typeof en]);
      expect(translated.length / english.length).toBeGreaterThan(0.8);
    });
  }
});
