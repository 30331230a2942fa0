import { useId } from "preact/hooks";
import { chooseLocale, LOCALE_NAMES, LOCALES, type Locale } from "./locale";
import { t } from "./translate";

/** Each language named in itself, so a reader who does not understand the current one still finds theirs. */
export function LanguageSwitcher({ locale }: { locale: Locale }) {
  const id = useId();
  return (
    <div class="language">
      <label for={id} class="visually-hidden">{t("app.language")}</label>
      <select id={id} name="language" value={locale} onChange={(event) => chooseLocale((event.currentTarget as HTMLSelectElement).value as Locale)}>
        {LOCALES.map((item) => <option key={item} value={item} lang={item}>{LOCALE_NAMES[item]}</option>)}
      </select>
    </div>
  );
}
