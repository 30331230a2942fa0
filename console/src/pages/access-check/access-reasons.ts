import { t, tMaybe } from "../../i18n/translate";

/** One plain sentence per decision reason of the access check (the deny reasons the audit log records). */
export function reasonSentence(reason: string): string {
  return tMaybe(`reason.${reason}`) ?? t("reason.other", { reason: reason.replace(/_/g, " ") });
}
